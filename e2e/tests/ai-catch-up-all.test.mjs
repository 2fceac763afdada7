// Catch me up across conversations (chat's "Catch me up" in the sidebar, POST /ai/catch-up):
// Bruno, away while Alice wrote in a direct message and in a group, opens it and gets one
// summary per conversation, most unread first, each point linking to its message (the link
// opens the conversation at it, highlighted); once he has read everything it says he is
// caught up; it works at phone width too.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { aliceAndBruno } from '../lib/chat-pair.mjs';

const TIMEOUT = 15_000;

describe('catch me up across my conversations', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, tag, alice, bruno, api, signIn } = pair;
  let server, pageB, dm, group;
  before(() => ({ server, pageB } = pair));

  it('summarises every conversation with unread messages, points linked to their messages', async () => {
    const { json: la } = await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password });
    const { json: people } = await api('GET', `/api/v1/users?q=${encodeURIComponent(bruno.name)}`, la.token);
    const brunoId = people.items[0].id;
    dm = await api('POST', '/api/v1/conversations', la.token, { kind: 'direct', member_ids: [brunoId] });
    assert.ok(dm.status === 201 || dm.status === 200, JSON.stringify(dm.json));
    group = await api('POST', '/api/v1/conversations', la.token, { kind: 'group', name: `launch-${tag}`, member_ids: [brunoId] });
    assert.equal(group.status, 201, JSON.stringify(group.json));
    const post = async (conversation, i, text) => {
      const r = await api('POST', `/api/v1/conversations/${conversation}/messages`, la.token, { text, client_id: `cu-${tag}-${conversation}-${i}` });
      assert.equal(r.status, 201, JSON.stringify(r.json));
    };
    const filler = ['The staging build is green again.', 'The nightly backup finished without errors.', 'The dashboard loads faster now.'];
    for (let i = 1; i <= 12; i++)
      await post(group.json.id, i, i === 4 ? `We decided to move the launch ${tag} to Tuesday.` : filler[i % filler.length]);
    for (let i = 1; i <= 5; i++)
      await post(dm.json.id, i, i === 2 ? '@bruno can you book the meeting room for the retro?' : filler[i % filler.length]);

    await signIn(pageB, bruno);
    await pageB.goto(`${server.url}/chat`);
    await pageB.getByTestId('chat-catch-up-link').click();
    const sections = pageB.getByTestId('catch-up-conversation');
    await sections.nth(1).waitFor();
    assert.equal(await sections.count(), 2);
    // Most unread first: the group (12), then the direct message (5).
    assert.equal(await sections.nth(0).getAttribute('data-conversation-id'), String(group.json.id));
    assert.equal(await sections.nth(1).getAttribute('data-conversation-id'), String(dm.json.id));
    assert.match(await pageB.getByTestId('catch-up-overview').innerText(), /2 conversations with 17 unread messages/);
    // Named as in the sidebar: the group by its name, the direct message after Alice.
    assert.equal(await sections.nth(0).getByTestId('catch-up-open').innerText(), `launch-${tag}`);
    assert.equal(await sections.nth(1).getByTestId('catch-up-open').innerText(), alice.name);
    const decision = sections.nth(0).getByTestId('catch-up-point').filter({ hasText: `move the launch ${tag} to Tuesday` });
    assert.equal(await decision.getAttribute('data-kind'), 'decision');
    const task = sections.nth(1).getByTestId('catch-up-point').filter({ hasText: 'book the meeting room' });
    assert.match(await task.innerText(), /Owner: Bruno Braga/);
    assert.match(await pageB.getByTestId('catch-up-provider').innerText(), /Built-in/);
    await screenshot(pageB, 'ai-catch-up-all');

    // The decision opens its message in the group: scrolled to and highlighted.
    await decision.getByTestId('catch-up-point-link').click();
    await pageB.waitForURL(new RegExp(`/chat/${group.json.id}\\?seq=4`));
    await pageB.locator('[data-testid="message"][data-seq="4"].highlighted').waitFor();
  });

  it('works at phone width', async () => {
    await pageB.setViewportSize({ width: 390, height: 844 });
    await pageB.goto(`${server.url}/chat/catch-up`);
    // The group was opened (read); the direct message is left.
    const sections = pageB.getByTestId('catch-up-conversation');
    await sections.first().waitFor();
    assert.equal(await sections.count(), 1);
    assert.equal(await sections.first().getAttribute('data-conversation-id'), String(dm.json.id));
    const sideways = await pageB.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(sideways, false, 'no sideways scroll');
    await screenshot(pageB, 'ai-catch-up-all-phone');
    // One thing at a time: the summaries without the conversation list above them, and a way back to it.
    assert.equal(await pageB.getByTestId('chat-sidebar').isVisible(), false);
    await pageB.getByTestId('chat-back').click();
    await pageB.waitForURL(/\/chat$/);
    await pageB.getByTestId('chat-sidebar').waitFor();
    await pageB.setViewportSize({ width: 1280, height: 800 });
  });

  it('says he is caught up once everything is read', async () => {
    await pageB.goto(`${server.url}/chat/${dm.json.id}`);
    await pageB.getByTestId('message').first().waitFor();
    await pageB.getByTestId('chat-catch-up-link').click();
    const empty = pageB.getByTestId('catch-up-empty');
    await empty.waitFor();
    assert.match(await empty.innerText(), /You're all caught up/);
    assert.equal(await pageB.getByTestId('catch-up-conversation').count(), 0);
  });

  it('no dialog fired and no page logged an error', () => {
    assert.deepEqual(problems, []);
  });
});
