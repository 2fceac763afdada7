// The assistant in chat: Bruno, away while Alice wrote, opens the conversation from his list,
// asks the assistant to catch him up and gets the decision and his task, each linking to its
// message (the link scrolls to it and highlights it), with the provider named; at phone width
// the panel covers the page and closes; with ai.copilot off for Portugal it says so plainly.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { aliceAndBruno } from '../lib/chat-pair.mjs';
import { adminLogin } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 15_000;

describe('the assistant catches me up in chat with points linked to the messages', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, tag, alice, bruno, api, signIn } = pair;
  let server, pageB, dm, token;
  before(() => ({ server, pageB } = pair));

  it('catches Bruno up on what Alice wrote while he was away', async () => {
    const { json: la } = await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password });
    token = la.token;
    const { json: people } = await api('GET', `/api/v1/users?q=${encodeURIComponent(bruno.name)}`, la.token);
    dm = await api('POST', '/api/v1/conversations', la.token, { kind: 'direct', member_ids: [people.items[0].id] });
    assert.ok(dm.status === 201 || dm.status === 200, JSON.stringify(dm.json));
    const filler = ['The staging build is green again.', 'The dashboard loads faster since the cache change.',
      'Customer feedback on the new editor has been positive.', 'The nightly backup finished without errors.'];
    for (let i = 1; i <= 40; i++) {
      let text = filler[i % filler.length];
      if (i === 5) text = `We decided to ship the beta ${tag} on Friday.`;
      if (i === 31) text = '@bruno can you write the release notes?';
      const r = await api('POST', `/api/v1/conversations/${dm.json.id}/messages`, la.token, { text, client_id: `ai-${tag}-${i}` });
      assert.equal(r.status, 201, JSON.stringify(r.json));
    }

    await signIn(pageB, bruno);
    await pageB.goto(`${server.url}/chat`);
    await pageB.getByText(alice.name).first().click();
    await pageB.getByTestId('message').first().waitFor();
    await pageB.getByTestId('assistant-toggle').click();
    await pageB.getByTestId('assistant-catch-up').click();
    await pageB.getByTestId('assistant-summary').waitFor();
    const points = pageB.getByTestId('assistant-point');
    const decision = points.filter({ hasText: `We decided to ship the beta ${tag} on Friday.` });
    await decision.waitFor();
    assert.equal(await decision.getAttribute('data-kind'), 'decision');
    const task = points.filter({ hasText: 'write the release notes' });
    assert.match(await task.innerText(), /Owner: Bruno Braga/);
    assert.match(await pageB.getByTestId('assistant-provider').innerText(), /Built-in/);
    assert.match(await pageB.getByTestId('assistant-coverage').innerText(), /^40 messages summarised\./);
    await screenshot(pageB, 'ai-catch-up');

    // The point opens its message: scrolled to and highlighted.
    await decision.getByTestId('assistant-point-link').click();
    await pageB.locator('[data-testid="message"][data-seq="5"].highlighted').waitFor();
    // The scroll may still be going on when the highlight is drawn: wait for it to settle there.
    const inView = await until(
      () =>
        pageB.locator('[data-testid="message"][data-seq="5"]').evaluate((el) => {
          const list = el.closest('[data-testid="message-list"]').getBoundingClientRect();
          const box = el.getBoundingClientRect();
          return box.top >= list.top && box.bottom <= list.bottom;
        }),
      (v) => v,
    );
    assert.equal(inView, true, 'the message is scrolled into view');

    // Summarise the whole conversation too: the same decision, linked.
    await pageB.getByTestId('assistant-summarise').click();
    await until(() => pageB.getByTestId('assistant-coverage').innerText(), (t) => /^40 messages/.test(t));
  });

  it('covers the page on a phone and closes again', async () => {
    await pageB.setViewportSize({ width: 390, height: 844 });
    const box = await pageB.getByTestId('assistant-panel').boundingBox();
    assert.ok(box && box.width <= 390 && box.width >= 380, JSON.stringify(box));
    const sideways = await pageB.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(sideways, false, 'no sideways scroll');
    await screenshot(pageB, 'ai-catch-up-phone');
    await pageB.getByTestId('assistant-close').click();
    await pageB.getByTestId('assistant-panel').waitFor({ state: 'detached' });
    await pageB.setViewportSize({ width: 1280, height: 800 });
  });

  it('says plainly that the assistant is switched off for Portugal', async () => {
    const { token: admin } = await adminLogin(server);
    const off = await api('PUT', '/api/v1/admin/feature-toggles/ai.copilot', admin, { countries: { PT: false } });
    assert.equal(off.status, 200, JSON.stringify(off.json));
    await pageB.getByTestId('assistant-toggle').click();
    const note = pageB.getByTestId('assistant-unavailable');
    await note.waitFor();
    assert.match(await note.innerText(), /switched off for your country \(PT\)/);
    assert.equal(await pageB.getByTestId('assistant-catch-up').count(), 0);
    assert.ok(token);
  });

  it('no dialog fired and no page logged an error', () => {
    assert.deepEqual(problems, []);
  });
});
