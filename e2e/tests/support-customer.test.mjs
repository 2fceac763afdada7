// The customer's own support view, as a customer of Intercom or Zendesk chat expects it:
// empty states, focus in the composer, their agent's presence and local time (and nobody
// else's), "Seen" once the agent read, editing and deleting their own messages (the agent
// sees it change live) and the agent's edits and deletes arriving live. Refusal: the
// customer gets no edit on the agent's message and the server refuses it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium } from '../lib/browser.mjs';
import { clockDistance, minutesNowIn, parseHhMm } from '../lib/local-time.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, liveLink, newPage, request, signIn as signInAs, watchErrors } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 15_000;
const AGENT_ZONE = 'Asia/Tokyo';

/** Whether the default working hours (Mon-Fri 09:00-17:00) hold now in `timeZone`, or null near an edge. */
function insideWorkingHours(timeZone) {
  const minutes = minutesNowIn(timeZone);
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short' }).format(new Date());
  if (clockDistance(minutes, 9 * 60) <= 2 || clockDistance(minutes, 17 * 60) <= 2) return null;
  return !['Sat', 'Sun'].includes(day) && minutes >= 9 * 60 && minutes < 17 * 60;
}

/** The test id of the focused element of `page`, once it is `testId` (waits; never reads right after a click). */
const focusOn = (page, testId) =>
  page.waitForFunction((id) => document.activeElement?.getAttribute('data-testid') === id, testId, { timeout: TIMEOUT });

describe('support: the customer view (presence, seen, edit and delete)', () => {
  let server;
  let browser;
  let customerPage;
  let agentPage;
  let conversationId;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const pw = () => `pw-${randomBytes(8).toString('hex')}`;
  const carla = { email: `carla.${tag}@example.test`, name: 'Carla Customer', password: pw(), kind: 'customer' };
  const abel = { email: `abel.${tag}@example.test`, name: 'Abel Agent', password: pw(), kind: 'agent' };
  const erin = { email: `erin.${tag}@example.test`, name: 'Erin Employee', password: pw(), kind: 'employee' };
  const bea = { email: `bea.${tag}@example.test`, name: 'Bea Berlin', password: pw(), kind: 'agent' };

  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const login = async (who) => {
    const { json } = await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password });
    who.token = json.token;
  };
  const customerMessage = (text) => customerPage.getByTestId('support-message').filter({ hasText: text });
  const agentMessage = (text) => agentPage.getByTestId('message').filter({ hasText: text });

  before(async () => {
    server = await startServer();
    await createPeople(server, [carla], { country: 'PT', timeZone: 'Europe/Lisbon' });
    await createPeople(server, [erin], { country: 'PT', timeZone: 'Europe/Lisbon' });
    const admin = await createPeople(server, [abel], { country: 'JP', timeZone: AGENT_ZONE });
    await createPeople(server, [bea], { country: 'DE', timeZone: 'Europe/Berlin' });
    const team = await api('POST', '/api/v1/admin/teams', admin.token, { name: `Support ${tag}` });
    assert.equal((await api('PUT', `/api/v1/admin/teams/${team.json.id}/members/${abel.id}`, admin.token)).status, 204);
    assert.equal((await api('PUT', `/api/v1/admin/teams/${team.json.id}/members/${bea.id}`, admin.token)).status, 204);
    assert.equal((await api('PUT', '/api/v1/admin/support/routes/default', admin.token, { team_id: team.json.id })).status, 200);
    for (const who of [carla, abel, erin]) await login(who);
    browser = await launchChromium();
    customerPage = await newPage(browser, { timeout: TIMEOUT });
    agentPage = await newPage(browser, { timeout: TIMEOUT });
    watchErrors(customerPage, 'customer', problems);
    watchErrors(agentPage, 'agent', problems);
    for (const [page, who] of [[customerPage, 'customer'], [agentPage, 'agent']]) {
      page.on('dialog', async (dialog) => {
        problems.push(`${who}: a ${dialog.type()} dialog fired`);
        await dialog.dismiss().catch(() => undefined);
      });
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('a new customer sees empty states; opening a request puts the focus in its composer', async () => {
    await signInAs(customerPage, server.url, carla);
    await customerPage.goto(`${server.url}/support`);
    await liveLink(customerPage); // the reloaded page's socket: the claim reaches it live later
    await customerPage.getByTestId('support-list-empty').waitFor();
    await customerPage.getByTestId('support-start-empty').waitFor();
    const form = customerPage.getByTestId('support-open-form');
    await form.locator('input[name="subject"]').fill('Parcel lost');
    await form.locator('textarea[name="text"]').fill('My parcel 7731 never arrived');
    await form.locator('button[type="submit"]').click();
    await customerMessage('My parcel 7731 never arrived').waitFor();
    await customerPage.getByTestId('support-waiting').waitFor();
    await focusOn(customerPage, 'support-composer');
    const { json: mine } = await api('GET', '/api/v1/support/conversations', carla.token);
    conversationId = mine.items[0].id;
    assert.deepEqual(problems, []);
  });

  it("the customer sees their agent's presence and local time once the agent takes the request, and nobody else's", async () => {
    await signInAs(agentPage, server.url, abel);
    assert.equal((await api('POST', `/api/v1/support/conversations/${conversationId}/claim`, abel.token)).status, 200);
    const agent = customerPage.getByTestId('support-agent').filter({ hasText: 'Abel Agent' });
    await agent.waitFor();
    await agent.locator('[data-testid="presence-dot"][data-status="online"]').waitFor();
    const local = agent.getByTestId('support-agent-local-time');
    await local.waitFor();
    const text = await local.innerText();
    assert.match(text, /\d{2}:\d{2} in Tokyo, (inside|outside) working hours/);
    assert.ok(clockDistance(parseHhMm(text), minutesNowIn(AGENT_ZONE)) <= 2, `${text} is not Tokyo's time now`);
    const inside = insideWorkingHours(AGENT_ZONE);
    if (inside !== null) assert.ok(text.includes(inside ? 'inside working hours' : 'outside working hours'), text);

    // The server's rule behind it (docs/websocket.md, presence.subscribe): a customer's
    // subscription yields their agent and never an employee they share nothing with.
    const answer = await customerPage.evaluate(
      async ({ token, ids }) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`, ['meridian.v1', `bearer.${token}`]);
        return await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no presence.subscribed')), 5000);
          ws.onmessage = (event) => {
            const message = JSON.parse(event.data);
            if (message.type === 'hello') ws.send(JSON.stringify({ type: 'presence.subscribe', id: 's1', user_ids: ids }));
            if (message.type === 'presence.subscribed') {
              clearTimeout(timer);
              ws.close();
              resolve(message.users.map((u) => [u.user_id, u.status]));
            }
          };
          ws.onerror = () => reject(new Error('socket failed'));
        });
      },
      { token: carla.token, ids: [abel.id, erin.id] },
    );
    assert.deepEqual(answer, [[abel.id, 'online']]);
    const rest = await api('GET', `/api/v1/presence?user_ids=${abel.id},${erin.id}`, carla.token);
    assert.equal(rest.status, 200);
    assert.deepEqual(rest.json.items.map((p) => p.user_id), [abel.id]);
    assert.equal(await customerPage.getByTestId('support-agent').count(), 1);
    assert.deepEqual(problems, []);
  });

  it('the customer sees "Seen" under their message once the agent has read it', async () => {
    const composer = customerPage.getByTestId('support-composer');
    await composer.fill('Is there any news?');
    await composer.press('Enter');
    const asked = customerMessage('Is there any news?');
    await asked.waitFor();
    assert.equal(await asked.getByTestId('support-seen').count(), 0, 'seen before the agent looked');
    await agentPage.goto(`${server.url}/chat/${conversationId}`);
    await liveLink(agentPage); // the reloaded page's socket: the customer's edits reach it live later
    await agentMessage('Is there any news?').waitFor();
    await asked.getByTestId('support-seen').waitFor();
    // Only under the newest message of mine.
    assert.equal(await customerPage.getByTestId('support-seen').count(), 1);
    assert.deepEqual(problems, []);
  });

  it('the customer edits and deletes their own message; the agent sees both live', async () => {
    const asked = customerMessage('Is there any news?');
    await asked.getByTestId('support-message-edit').click();
    await focusOn(customerPage, 'support-edit-input');
    const input = customerPage.getByTestId('support-edit-input');
    await input.fill('Is there any news on parcel 7731?');
    await input.press('Enter');
    const edited = customerMessage('Is there any news on parcel 7731?');
    await edited.getByTestId('support-message-edited').waitFor();
    await focusOn(customerPage, 'support-composer');
    const agentSide = agentMessage('Is there any news on parcel 7731?');
    await agentSide.getByTestId('message-edited').waitFor();

    // Up in the empty composer edits the last own message; Escape leaves it as it was.
    await customerPage.getByTestId('support-composer').press('ArrowUp');
    await focusOn(customerPage, 'support-edit-input');
    assert.equal(await customerPage.getByTestId('support-edit-input').inputValue(), 'Is there any news on parcel 7731?');
    await customerPage.getByTestId('support-edit-input').press('Escape');
    await customerPage.getByTestId('support-edit-input').waitFor({ state: 'detached' });
    await focusOn(customerPage, 'support-composer');

    await edited.getByTestId('support-message-delete').click();
    await customerPage.getByTestId('support-delete-confirm').click();
    const tombstone = customerPage.getByTestId('support-message').filter({ has: customerPage.getByTestId('support-message-deleted') });
    await tombstone.waitFor();
    await customerPage.getByText('Is there any news on parcel 7731?').waitFor({ state: 'detached' });
    await agentPage.getByTestId('message-deleted').waitFor();
    await agentPage.getByText('Is there any news on parcel 7731?').waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
  });

  it("the agent's edit and delete reach the customer live; the customer cannot edit the agent's message", async () => {
    const sent = await api('POST', `/api/v1/conversations/${conversationId}/messages`, abel.token, { text: 'We are lookng into it', client_id: `a-${tag}` });
    assert.equal(sent.status, 201);
    const reply = customerMessage('We are lookng into it');
    await reply.waitFor();
    // No edit or delete on someone else's message, and the server refuses both.
    await reply.getByTestId('support-message-text').waitFor();
    assert.equal(await reply.getByTestId('support-message-edit').count(), 0);
    assert.equal(await reply.getByTestId('support-message-delete').count(), 0);
    const patch = await api('PATCH', `/api/v1/conversations/${conversationId}/messages/${sent.json.id}`, carla.token, { text: 'refund approved' });
    assert.equal(patch.status, 403);
    const del = await api('DELETE', `/api/v1/conversations/${conversationId}/messages/${sent.json.id}`, carla.token);
    assert.equal(del.status, 403);

    const fixed = await api('PATCH', `/api/v1/conversations/${conversationId}/messages/${sent.json.id}`, abel.token, { text: 'We are looking into it' });
    assert.equal(fixed.status, 200);
    await customerMessage('We are looking into it').getByTestId('support-message-edited').waitFor();
    const { json: page } = await api('GET', `/api/v1/conversations/${conversationId}/messages?limit=50`, abel.token);
    assert.equal(page.items.find((m) => m.id === sent.json.id).text, 'We are looking into it', 'the refused edit changed nothing');

    assert.equal((await api('DELETE', `/api/v1/conversations/${conversationId}/messages/${sent.json.id}`, abel.token)).status, 200);
    await customerPage.getByText('We are looking into it').waitFor({ state: 'detached' });
    await customerPage.getByTestId('support-message-deleted').nth(1).waitFor();
    assert.deepEqual(problems, []);
  });

  it("the agent's formatting shows safely: no raw HTML, no javascript: link", async () => {
    const text = '**Tracking** at https://example.com/t/7731 <img src=x onerror="window.__pwned=1"> [click](javascript:window.__pwned=2)';
    assert.equal((await api('POST', `/api/v1/conversations/${conversationId}/messages`, abel.token, { text, client_id: `md-${tag}` })).status, 201);
    const shown = customerMessage('Tracking').getByTestId('support-message-text');
    await shown.locator('strong', { hasText: 'Tracking' }).waitFor();
    const links = await shown.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel')]));
    assert.deepEqual(links, [['https://example.com/t/7731', '_blank', 'noopener noreferrer']]);
    assert.equal(await shown.locator('img').count(), 0);
    assert.equal(await customerPage.evaluate(() => window.__pwned ?? null), null);
    assert.deepEqual(problems, []);
  });

  it('typing shows both ways', async () => {
    await agentPage.getByTestId('composer-input').pressSequentially('Checking');
    await customerPage.getByTestId('support-typing').filter({ hasText: 'Abel Agent is typing…' }).waitFor();
    // Signals go at most every 2 s (the customer last typed a moment ago): keep typing a while.
    await customerPage.getByTestId('support-composer').pressSequentially('ok, thanks', { delay: 300 });
    await agentPage.getByTestId('typing-indicator').filter({ hasText: 'Carla Customer is typing…' }).waitFor();
    await customerPage.getByTestId('support-composer').fill('');
    await agentPage.getByTestId('composer-input').fill('');
    assert.deepEqual(problems, []);
  });

  it("the agent's presence change reaches the customer live", async () => {
    // The agent is in Chat (on the conversation); "do not disturb" there is pushed to the
    // customer's subscription (a coalesced `presence` batch), no reload.
    await agentPage.getByTestId('my-mode').selectOption('dnd');
    const agent = customerPage.getByTestId('support-agent').filter({ hasText: 'Abel Agent' });
    await agent.locator('[data-testid="presence-dot"][data-status="dnd"]').waitFor();
    await agent.getByTestId('support-agent-status').filter({ hasText: 'Do not disturb' }).waitFor();
    await agentPage.getByTestId('my-mode').selectOption('auto');
    await agent.locator('[data-testid="presence-dot"][data-status="online"]').waitFor();
    assert.deepEqual(problems, []);
  });

  it("a reply in another request shows as new in the list until the customer opens it", async () => {
    const opened = await api('POST', '/api/v1/support/conversations', carla.token, { subject: 'Second parcel', text: 'And parcel 7732?', client_id: `c2-${tag}` });
    assert.equal(opened.status, 201);
    const second = customerPage.getByTestId('support-list').locator('li').filter({ hasText: 'Second parcel' });
    await second.waitFor();
    assert.equal((await api('POST', `/api/v1/support/conversations/${opened.json.id}/claim`, abel.token)).status, 200);
    const reply = await api('POST', `/api/v1/conversations/${opened.json.id}/messages`, abel.token, { text: 'Found it', client_id: `a2-${tag}` });
    assert.equal(reply.status, 201);
    await second.getByTestId('support-unread').filter({ hasText: '1 new' }).waitFor();
    await customerPage.screenshot({ path: process.env.SUPPORT_SHOT ?? '/tmp/support-customer.png', fullPage: true });
    await second.getByRole('button').click();
    await customerMessage('Found it').waitFor();
    await second.getByTestId('support-unread').waitFor({ state: 'detached' });
    await focusOn(customerPage, 'support-composer');
    assert.deepEqual(problems, []);
  });

  it('a long conversation opens at its newest 200 messages; earlier ones load on demand', async () => {
    const { json: mine } = await api('GET', '/api/v1/support/conversations', carla.token);
    const second = mine.items.find((c) => c.subject === 'Second parcel');
    for (let i = 1; i <= 200; i += 1) {
      const posted = await api('POST', `/api/v1/conversations/${second.id}/messages`, carla.token, { text: `detail ${i}`, client_id: `d${i}-${tag}` });
      assert.equal(posted.status, 201);
    }
    await customerPage.getByTestId('support-list').locator('li').filter({ hasText: 'Parcel lost' }).getByRole('button').click();
    await customerMessage('Tracking').waitFor();
    await customerPage.getByTestId('support-list').locator('li').filter({ hasText: 'Second parcel' }).getByRole('button').click();
    await customerMessage('detail 200').waitFor();
    assert.equal(await customerPage.getByText('And parcel 7732?').count(), 0, 'the oldest is not on the first page');
    await customerPage.getByTestId('support-load-earlier').click();
    await customerPage.getByText('And parcel 7732?').waitFor();
    await customerPage.getByTestId('support-load-earlier').waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
  });

  it('the customer closes a request as solved; the composer gives way to Reopen, which gets the focus', async () => {
    // 'Second parcel' is open from the previous test.
    await customerPage.getByTestId('support-close').click();
    await customerPage.getByTestId('support-close-confirm').click();
    await customerPage.getByTestId('support-closed').waitFor();
    await customerPage.getByTestId('support-composer').waitFor({ state: 'detached' });
    await focusOn(customerPage, 'support-reopen');
    await customerPage.getByTestId('support-list').locator('li').filter({ hasText: 'Second parcel' }).getByText('closed').waitFor();
    const { json: mine } = await api('GET', '/api/v1/support/conversations', carla.token);
    assert.equal(mine.items.find((c) => c.subject === 'Second parcel').status, 'closed');
    assert.equal(await customerPage.getByTestId('support-message-edit').count(), 0, 'no edits in a closed request');
    assert.deepEqual(problems, []);
  });

  it('after a dropped link the page replays what it missed (new, edited, deleted) from storage', async () => {
    // A second tab of the customer whose socket the test controls: it swallows the
    // server's frames (the tab misses the live events), then cuts the link.
    const page = await newPage(browser, { timeout: TIMEOUT });
    page.on('pageerror', (e) => problems.push(`customer tab 2: ${e.message}`));
    const link = { hold: false, current: null };
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const upstream = ws.connectToServer();
      link.current = { ws, upstream };
      ws.onMessage((frame) => upstream.send(frame));
      upstream.onMessage((frame) => {
        if (!link.hold) ws.send(frame);
      });
      ws.onClose(() => upstream.close());
      upstream.onClose((code, reason) => ws.close({ code: code === 1000 || (code >= 3000 && code < 5000) ? code : 4000, reason }));
    });
    try {
      await signInAs(page, server.url, carla);
      await page.goto(`${server.url}/support`);
      await liveLink(page);
      await page.getByTestId('support-list').locator('li').filter({ hasText: 'Parcel lost' }).getByRole('button').click();
      const tracking = page.getByTestId('support-message').filter({ hasText: 'Tracking' });
      await tracking.waitFor();

      link.hold = true;
      const { json: history } = await api('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`, abel.token);
      const trackingId = history.items.find((m) => m.text.includes('Tracking')).id;
      const posted = await api('POST', `/api/v1/conversations/${conversationId}/messages`, abel.token, { text: 'While you were away', client_id: `away-${tag}` });
      assert.equal(posted.status, 201);
      assert.equal((await api('PATCH', `/api/v1/conversations/${conversationId}/messages/${posted.json.id}`, abel.token, { text: 'While you were away: shipped' })).status, 200);
      assert.equal((await api('DELETE', `/api/v1/conversations/${conversationId}/messages/${trackingId}`, abel.token)).status, 200);
      assert.equal(await page.getByText('While you were away').count(), 0, 'the tab got nothing live');

      link.current.ws.close({ code: 4000, reason: 'cut by the test' });
      link.hold = false;
      const away = page.getByTestId('support-message').filter({ hasText: 'While you were away: shipped' });
      await away.getByTestId('support-message-edited').waitFor({ timeout: 30_000 });
      await tracking.waitFor({ state: 'detached' });
      assert.equal(await page.getByTestId('support-message').filter({ hasText: 'While you were away' }).count(), 1, 'shown once');
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close().catch(() => undefined);
    }
  });

  it('when the request is handed to another agent, the customer sees the new agent (and their presence), not the old one', async () => {
    assert.equal((await api('POST', `/api/v1/support/conversations/${conversationId}/assign`, abel.token, { agent_id: bea.id })).status, 200);
    await customerPage.getByTestId('support-list').locator('li').filter({ hasText: 'Parcel lost' }).getByRole('button').click();
    const agents = customerPage.getByTestId('support-agent');
    const newAgent = agents.filter({ hasText: 'Bea Berlin' });
    await newAgent.waitFor();
    await agents.filter({ hasText: 'Abel Agent' }).waitFor({ state: 'detached' });
    await newAgent.locator('[data-testid="presence-dot"][data-status="offline"]').waitFor();
    await newAgent.getByTestId('support-agent-local-time').filter({ hasText: /\d{2}:\d{2} in Berlin, (inside|outside) working hours/ }).waitFor();
    // (Abel's presence stays visible to Carla: he still has her 'Second parcel' request.)
    // A phone-sized look at the same page (one column).
    await customerPage.setViewportSize({ width: 390, height: 844 });
    await customerPage.getByTestId('support-composer').scrollIntoViewIfNeeded();
    // Nothing is wider than the phone: no sideways scrolling of the page (the top bar included).
    const widths = await until(
      () => customerPage.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]),
      ([scroll, inner]) => scroll <= inner,
    );
    assert.ok(widths[0] <= widths[1], `the page is ${widths[0]} px wide on a ${widths[1]} px screen`);
    await customerPage.screenshot({ path: process.env.SUPPORT_SHOT_NARROW ?? '/tmp/support-customer-narrow.png', fullPage: true });
    await customerPage.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual(problems, []);
  });
});
