// Being added to a group shows it at once, and being removed takes it away at once (issue 15,
// defect 4: the new member saw nothing until someone posted or they reloaded).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { aliceAndBruno } from '../lib/chat-pair.mjs';
import { untilCount } from '../lib/wait.mjs';

const TIMEOUT = 15_000;

describe('membership changes reach the page live', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, tag, alice, bruno, api, signIn } = pair;
  let pageB;
  let token;
  let groupId;
  before(() => ({ pageB } = pair));

  it('B has chat open; A makes a group with B: it appears in B\'s sidebar without a message or a reload', async () => {
    await signIn(pageB, bruno);
    await pageB.getByTestId('nav-chat').click();
    await pageB.getByTestId('chat-sidebar').waitFor();
    const { json: login } = await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password });
    token = login.token;
    const group = await api('POST', '/api/v1/conversations', token, { kind: 'group', name: `added-${tag}`, member_ids: [bruno.id] });
    assert.equal(group.status, 201, JSON.stringify(group.json));
    groupId = group.json.id;
    const item = pageB.locator('[data-testid="conversation-item"]').filter({ hasText: `added-${tag}` });
    await item.waitFor();
    await item.click();
    await pageB.getByTestId('composer-input').waitFor();
    await screenshot(pageB, 'chat-added-live');
  });

  it('A removes B while B has it open: it leaves the sidebar and the page says it is not B\'s, with no message box', async () => {
    const removed = await api('DELETE', `/api/v1/conversations/${groupId}/members/${bruno.id}`, token);
    assert.equal(removed.status, 204, JSON.stringify(removed.json));
    const items = pageB.locator('[data-testid="conversation-item"]').filter({ hasText: `added-${tag}` });
    assert.equal(await untilCount(items, 0), 0, 'the group left the sidebar');
    const missing = pageB.getByTestId('conversation-missing');
    await missing.waitFor();
    assert.match(await missing.innerText(), /no longer in this conversation/);
    assert.equal(await pageB.getByTestId('composer-input').count(), 0);
    await screenshot(pageB, 'chat-removed-live');
    assert.deepEqual(problems, []);
  });
});
