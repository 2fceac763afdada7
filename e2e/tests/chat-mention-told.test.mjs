// Mentions are told, not only counted (issue 15, defect 10: a mention gave an "@1" badge and
// nothing else). Bruno is in Files when Alice mentions him: a toast says who, where and what;
// its Open button takes him to the message, where "@bruno..." stands out from other mentions.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { aliceAndBruno } from '../lib/chat-pair.mjs';

const TIMEOUT = 15_000;

describe('a mention is told wherever the person is', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, tag, alice, bruno, api, signIn } = pair;
  let brunoPage, group, token;

  before(async () => {
    brunoPage = pair.pageB;
    token = (await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password })).json.token;
    const created = await api('POST', '/api/v1/conversations', token, { kind: 'group', name: `launch-${tag}`, member_ids: [bruno.id] });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    group = created.json;
  });

  it('a toast on another page names the author, the place and the words; Open shows the message with the mention marked', async () => {
    await signIn(brunoPage, bruno);
    await brunoPage.getByTestId('nav-files').click();
    await brunoPage.waitForURL(/\/files/);
    const handle = bruno.email.split('@')[0];
    const aliceHandle = alice.email.split('@')[0];
    const sent = await api('POST', `/api/v1/conversations/${group.id}/messages`, token, { text: `@${handle} can you check the **release** notes with @${aliceHandle}?`, client_id: `m-${tag}` });
    assert.equal(sent.status, 201, JSON.stringify(sent.json));

    const toast = brunoPage.getByTestId('toast').filter({ hasText: 'mentioned you' });
    await toast.waitFor();
    assert.equal(await toast.locator('.text').innerText(), `Alice Almeida mentioned you in launch-${tag}: “@${handle} can you check the release notes with @${aliceHandle}?”`);
    await screenshot(brunoPage, 'chat-mention-toast');
    await toast.getByTestId('toast-action').click();
    await brunoPage.waitForURL(new RegExp(`/chat/${group.id}$`));
    const mine = brunoPage.getByTestId('message-text').locator('.mention-me');
    await mine.waitFor();
    assert.equal(await mine.innerText(), `@${handle}`);
    const other = brunoPage.getByTestId('message-text').locator('.mention:not(.mention-me)');
    assert.equal(await other.innerText(), `@${aliceHandle}`);
    await screenshot(brunoPage, 'chat-mention-marked');
    assert.equal(await brunoPage.getByTestId('toast').count(), 0, 'the toast went with the click');
    assert.deepEqual(problems, []);
  });
});
