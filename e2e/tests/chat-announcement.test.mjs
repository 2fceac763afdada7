// Announcement channels in the browser: a moderator lets a member post from the members panel
// (keyboard only) and the member's composer opens live; a plain member sees who may post but
// no control, and the server refuses their PATCH. Then a cut connection: a message whose ack
// was lost and one typed while offline go out again by themselves after the reconnect, with
// their own client_id, and each is stored once, in order.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { aliceAndBruno } from '../lib/chat-pair.mjs';
import { createPeople, liveLink, newPage, signIn as signInAt } from '../lib/session.mjs';

const TIMEOUT = 15_000;
/** The reconnect backoff grows while the link is down (full jitter, up to 16 s after a few tries). */
const RECONNECT_TIMEOUT = 45_000;

describe('announcement channels: who may post', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, tag, alice, bruno, api } = pair;
  const carla = { email: `carla.${pair.tag}@example.test`, name: 'Carla Costa', password: `pw-carla-${pair.tag}-x1` };
  let server, browser, carlaPage, brunoPage, channel, token;
  const shot = (page, name) => page.screenshot({ path: new URL(`../test-results/${name}.png`, import.meta.url).pathname });
  const member = (page, name) => page.getByTestId('member').filter({ hasText: name });
  /** Carla's "can post" box for Bruno shows `checked` and is no longer saving. */
  const settled = (checked) =>
    carlaPage.waitForFunction(
      ([name, want]) => {
        const row = [...document.querySelectorAll('[data-testid="member"]')].find((li) => li.textContent.includes(name));
        const box = row?.querySelector('[data-testid="member-can-post"]');
        return box?.checked === want && box.getAttribute('aria-busy') !== 'true';
      },
      [bruno.name, checked],
    );

  before(async () => {
    ({ server, browser } = pair);
    brunoPage = pair.pageB;
    carlaPage = pair.pageA;
    await createPeople(server, [carla], { kind: 'employee', country: 'PT', timeZone: 'Europe/Lisbon' });
    token = {};
    for (const who of [alice, bruno, carla]) token[who.email] = (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json.token;
    const created = await api('POST', '/api/v1/conversations', token[alice.email], { kind: 'channel', name: `news-${tag}`, visibility: 'public' });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    channel = created.json;
    for (const who of [bruno, carla]) assert.equal((await api('POST', `/api/v1/conversations/${channel.id}/join`, token[who.email])).status, 200);
    const role = await api('PATCH', `/api/v1/conversations/${channel.id}/members/${carla.id}`, token[alice.email], { role: 'moderator' });
    assert.equal(role.status, 200, JSON.stringify(role.json));
    const settings = await api('PATCH', `/api/v1/conversations/${channel.id}/settings`, token[alice.email], { announcement: true });
    assert.equal(settings.status, 200, JSON.stringify(settings.json));
  });

  it('a plain member reads, sees no "can post" control, and the server refuses their PATCH (403)', async () => {
    await signInAt(brunoPage, server.url, bruno);
    await brunoPage.goto(`${server.url}/chat/${channel.id}`);
    await liveLink(brunoPage); // the reloaded page's socket: the next test opens his composer live
    await brunoPage.getByTestId('composer-blocked').getByText('announcement channel').waitFor();
    await brunoPage.getByTestId('member-count').click();
    await brunoPage.getByTestId('announcement-hint').getByText('members marked “can post” post here').waitFor();
    await member(brunoPage, carla.name).waitFor();
    assert.equal(await brunoPage.getByTestId('member-can-post').count(), 0, 'a member gets no control');
    await shot(brunoPage, 'chat-announcement-blocked');

    for (const [target, canPost] of [[alice.id, true], [bruno.id, true], [carla.id, true]]) {
      const refused = await api('PATCH', `/api/v1/conversations/${channel.id}/members/${target}`, token[bruno.email], { can_post: canPost });
      assert.equal(refused.status, 403, JSON.stringify(refused.json));
      assert.match(refused.json.error.message, /only owners and moderators choose who posts/);
    }
    const after = await api('GET', `/api/v1/conversations/${channel.id}`, token[alice.email]);
    assert.deepEqual(after.json.members.filter((m) => m.can_post).map((m) => m.user_id), [], 'nothing changed');
  });

  it('a moderator lets the member post with the keyboard; the member’s composer opens live and everyone sees "can post"', async () => {
    await signInAt(carlaPage, server.url, carla);
    await carlaPage.goto(`${server.url}/chat/${channel.id}`);
    await liveLink(carlaPage); // she must see Bruno's message live
    await carlaPage.getByTestId('member-count').click();
    const box = member(carlaPage, bruno.name).getByRole('checkbox', { name: `${bruno.name} can post` });
    await box.waitFor();
    assert.equal(await box.isChecked(), false);
    await shot(carlaPage, 'chat-announcement-before');
    await box.focus();
    await carlaPage.keyboard.press('Space');

    // Bruno never reloads: conversation.updated opens his composer and marks him in his panel.
    await brunoPage.getByTestId('composer-blocked').waitFor({ state: 'detached' });
    await brunoPage.waitForFunction(() => document.querySelector('[data-testid="composer-input"]')?.disabled === false);
    await member(brunoPage, bruno.name).getByTestId('member-can-post-state').getByText('can post').waitFor();
    await carlaPage.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'member-can-post');
    await settled(true);
    const stored = await api('GET', `/api/v1/conversations/${channel.id}`, token[alice.email]);
    assert.equal(stored.json.members.find((m) => m.user_id === bruno.id).can_post, true);
    await shot(carlaPage, 'chat-announcement-moderator');
    await shot(brunoPage, 'chat-announcement-member');

    await brunoPage.getByTestId('composer-input').fill('Release notes are out');
    await brunoPage.getByTestId('composer-input').press('Enter');
    await carlaPage.getByTestId('message-text').getByText('Release notes are out').waitFor();

    // And back: Space again closes his composer, live.
    await carlaPage.keyboard.press('Space');
    await brunoPage.getByTestId('composer-blocked').getByText('announcement channel').waitFor();
    await member(brunoPage, bruno.name).getByTestId('member-can-post-state').waitFor({ state: 'detached' });
    // Bruno may hear the change before Carla's own PATCH has answered, and her panel takes one
    // change at a time: wait until her box has settled before the next press.
    await settled(false);
    await carlaPage.keyboard.press('Space'); // he posts again for the next test
    await brunoPage.getByTestId('composer-blocked').waitFor({ state: 'detached' });
  });

  it('after a cut, a message whose ack was lost and one typed offline go out again once each, in order', async () => {
    // A fresh tab for Bruno whose socket the test controls: it forwards everything until told
    // to hold the server's answers, and refuses new connections while "offline".
    const page = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'UTC' });
    const offlineNoise = [];
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (/ERR_INTERNET_DISCONNECTED|WebSocket/.test(m.text())) offlineNoise.push(m.text());
      else problems.push(`resend: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`resend: ${e.message}`));
    const link = { hold: false, refuse: false, current: null, sent: [], acks: [] };
    await page.routeWebSocket(/\/ws$/, (ws) => {
      if (link.refuse) {
        ws.close({ code: 4001, reason: 'offline' });
        return;
      }
      const upstream = ws.connectToServer();
      link.current = { ws, upstream };
      ws.onMessage((frame) => {
        const m = JSON.parse(String(frame));
        if (m.type === 'message.send') link.sent.push(m);
        upstream.send(frame);
      });
      upstream.onMessage((frame) => {
        const m = JSON.parse(String(frame));
        if (m.type === 'message.ack') link.acks.push(m);
        if (!link.hold) ws.send(frame);
      });
      ws.onClose(() => upstream.close());
      upstream.onClose((code, reason) => ws.close({ code: code === 1000 || (code >= 3000 && code < 5000) ? code : 4000, reason }));
    });
    try {
      await signInAt(page, server.url, bruno);
      await page.goto(`${server.url}/chat/${channel.id}`);
      await liveLink(page);
      await page.getByTestId('composer-blocked').waitFor({ state: 'detached' });
      const messages = page.getByTestId('message');

      // 1. Stored by the server, but the ack (and the echo) never reach the tab; then the link drops.
      link.hold = true;
      await page.getByTestId('composer-input').fill(`ack lost ${tag}`);
      await page.getByTestId('composer-input').press('Enter');
      await messages.filter({ hasText: `ack lost ${tag}` }).getByTestId('message-sending').waitFor();
      const firstSend = await waitUntil(() => link.sent.find((m) => m.text === `ack lost ${tag}`));
      await waitUntil(() => link.acks.find((m) => m.message?.client_id === firstSend.client_id));
      link.refuse = true;
      await page.context().setOffline(true);
      link.current.ws.close({ code: 4000, reason: 'cut by the test' });
      link.hold = false;
      await messages.filter({ hasText: `ack lost ${tag}` }).getByTestId('message-failed').waitFor();

      // 2. Typed while offline: REST fails too.
      await page.getByTestId('composer-input').fill(`typed offline ${tag}`);
      await page.getByTestId('composer-input').press('Enter');
      const second = messages.filter({ hasText: `typed offline ${tag}` });
      await second.getByTestId('message-failed').waitFor();
      await second.getByTestId('message-resends').waitFor();
      await page.getByTestId('message-retry').first().waitFor();
      await shot(page, 'chat-resend-offline');

      // 3. Back online: the tab reconnects and sends both again by itself.
      link.refuse = false;
      await page.context().setOffline(false);
      await page.locator('[data-testid="realtime-status"].connected').waitFor({ timeout: RECONNECT_TIMEOUT }); // liveLink, with the backoff's time
      await page.waitForFunction(
        (texts) =>
          texts.every((text) =>
            [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent.includes(text) && m.getAttribute('data-state') === 'sent'),
          ) && !document.querySelector('[data-testid="message-failed"], [data-testid="message-sending"]'),
        [`ack lost ${tag}`, `typed offline ${tag}`],
      );

      const resent = link.sent.filter((m) => m.text === `ack lost ${tag}`);
      assert.equal(resent.length, 2, 'sent, then once more after the reconnect');
      assert.equal(resent[1].client_id, firstSend.client_id, 'the same client_id');
      const duplicateAck = link.acks.filter((m) => m.message?.client_id === firstSend.client_id);
      assert.deepEqual(duplicateAck.map((m) => m.duplicate), [false, true], 'the server recognised the resend');

      const history = await api('GET', `/api/v1/conversations/${channel.id}/messages?limit=50`, token[bruno.email]);
      const mine = history.json.items.filter((m) => m.text.endsWith(tag)).sort((a, b) => a.seq - b.seq).map((m) => m.text);
      assert.deepEqual(mine, [`ack lost ${tag}`, `typed offline ${tag}`], 'each stored once, in order');
      assert.equal(await messages.filter({ hasText: `ack lost ${tag}` }).count(), 1, 'shown once');
      assert.equal(await messages.filter({ hasText: `typed offline ${tag}` }).count(), 1, 'shown once');
    } finally {
      await page.context().close().catch(() => undefined);
    }
  });

  it('no dialog fired and no page logged an error', () => {
    assert.deepEqual(problems, []);
  });
});

/** Polls `probe` until it returns something truthy (test-side state, not the DOM). */
async function waitUntil(probe, timeoutMs = TIMEOUT) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
