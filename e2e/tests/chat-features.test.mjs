// Two employees in a group: a reaction and a thread reply show on the other side; @-mention
// autocomplete, mention and unread badges count and clear.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { aliceAndBruno } from '../lib/chat-pair.mjs';
import { liveLink } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 15_000;
const HOSTILE = 'Olá <script>alert(1)</script>';

describe('reactions, threads, mentions and unread between two people', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, tag, alice, bruno, api, signIn } = pair;
  /** @type {import('../lib/server.mjs').MeridianServer} */
  let server;
  let pageA;
  let pageB;
  before(() => ({ server, pageA, pageB } = pair));

  it('both sign in; A creates a group with B and sends a message', async () => {
    await signIn(pageA, alice);
    await signIn(pageB, bruno);
    const { json: login } = await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password });
    const { json: people } = await api('GET', `/api/v1/users?q=${encodeURIComponent(bruno.name)}`, login.token);
    const group = await api('POST', '/api/v1/conversations', login.token, { kind: 'group', name: `crew-${tag}`, member_ids: [people.items[0].id] });
    assert.equal(group.status, 201, JSON.stringify(group.json));
    for (const page of [pageA, pageB]) {
      await page.getByTestId('nav-chat').click();
      await page.locator('[data-testid="conversation-item"]').filter({ hasText: `crew-${tag}` }).waitFor();
    }
    await pageA.locator('[data-testid="conversation-item"]').filter({ hasText: `crew-${tag}` }).click();
    await pageA.getByTestId('composer-input').fill('Lunch at one?');
    await pageA.getByTestId('composer-input').press('Enter');
    await pageA.locator('[data-testid="message"][data-state="sent"]').waitFor();
  });

  it('B sees the unread badge count and clear; B reacts and A sees the reaction live', async () => {
    const item = pageB.locator('[data-testid="conversation-item"]').filter({ hasText: `crew-${tag}` });
    await item.getByTestId('unread-badge').waitFor();
    assert.equal((await item.getByTestId('unread-badge').innerText()).trim(), '1');
    await item.click();
    await item.getByTestId('unread-badge').waitFor({ state: 'detached' });
    const msg = pageB.locator('[data-testid="message"]').filter({ hasText: 'Lunch at one?' });
    await msg.hover();
    await msg.getByTestId('message-react').click();
    await msg.locator('[data-testid="emoji-option"]').first().click();
    const mine = msg.getByTestId('reaction').first();
    await mine.waitFor();
    assert.equal(await mine.getAttribute('aria-pressed'), 'true');
    const theirs = pageA.locator('[data-testid="message"]').filter({ hasText: 'Lunch at one?' }).getByTestId('reaction').first();
    await theirs.waitFor();
    assert.equal((await theirs.getByTestId('reaction-count').innerText()).trim(), '1');
    assert.equal(await theirs.getAttribute('aria-pressed'), 'false');
    // A adds the same emoji: both see 2.
    await theirs.click();
    await pageB.waitForFunction(() => document.querySelector('[data-testid="reaction-count"]')?.textContent?.trim() === '2');
  });

  it('B replies in a thread; A sees the reply count and the reply in the thread panel', async () => {
    const msg = pageB.locator('[data-testid="message"]').filter({ hasText: 'Lunch at one?' });
    await msg.hover();
    await msg.getByTestId('message-reply').click();
    const panel = pageB.getByTestId('thread-panel');
    await panel.getByTestId('thread-root').waitFor();
    await panel.getByTestId('composer-input').fill('Yes, 13:00 works');
    await panel.getByTestId('composer-input').press('Enter');
    await panel.getByTestId('thread-reply').filter({ hasText: '13:00' }).waitFor();
    // Not in B's main timeline.
    assert.equal(await pageB.getByTestId('message-list').getByText('Yes, 13:00 works').count(), 0);

    const link = pageA.locator('[data-testid="message"]').filter({ hasText: 'Lunch at one?' }).getByTestId('thread-replies-link');
    await link.waitFor();
    assert.match(await link.innerText(), /1 reply/);
    await link.click();
    await pageA.getByTestId('thread-panel').getByTestId('thread-reply').filter({ hasText: '13:00' }).waitFor();
    await screenshot(pageA, 'chat-thread-reaction');
  });

  it('A mentions B with @-autocomplete; B gets a mention badge that clears on reading', async () => {
    // B looks elsewhere: the Chat welcome page.
    await pageB.goto(`${server.url}/chat`);
    await pageB.locator('[data-testid="conversation-item"]').first().waitFor();
    await liveLink(pageB); // the reloaded page's socket, before the mention it must see live
    await pageA.getByTestId('thread-close').click();
    const box = pageA.getByTestId('composer-input').first();
    await box.click();
    await box.pressSequentially('see you @bru');
    await pageA.getByTestId('mention-option').first().waitFor();
    await box.press('Enter');
    assert.match(await box.inputValue(), /^see you @bruno\.[0-9a-f]+ $/);
    await box.press('Enter');
    const item = pageB.locator('[data-testid="conversation-item"]').filter({ hasText: `crew-${tag}` });
    await item.getByTestId('mention-badge').waitFor();
    assert.equal((await item.getByTestId('mention-badge').innerText()).trim(), '@1');
    await item.click();
    await item.getByTestId('mention-badge').waitFor({ state: 'detached' });
  });

  it('the owner makes B a moderator from the members panel', async () => {
    await pageA.getByTestId('member-count').click();
    const select = pageA.getByTestId('member-role-select');
    await select.waitFor();
    assert.equal(await select.count(), 1, 'one other member, and no select for myself');
    await select.selectOption('moderator');
    const { json: login } = await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password });
    const { json: list } = await api('GET', '/api/v1/conversations', login.token);
    const crew = list.items.find((c) => c.name === `crew-${tag}`);
    await pageA.waitForFunction(() => document.querySelector('[data-testid="member-role-select"]')?.value === 'moderator');
    // The select shows the choice at once; the page's PATCH may still be on its way: ask until stored.
    const roleOfBruno = async () => (await api('GET', `/api/v1/conversations/${crew.id}`, login.token)).json.members.find((m) => m.display_name === bruno.name).role;
    assert.equal(await until(roleOfBruno, (role) => role === 'moderator'), 'moderator');
  });

  it('no dialog fired and no page logged an error', () => {
    assert.deepEqual(problems, []);
  });
});
