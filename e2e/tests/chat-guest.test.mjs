// Guests in chat (issue 15, defect 1: the picker never listed guests, and a guest who opened
// the link of a group they were in landed on "no access"). A guest is someone from outside
// with an account, invited to particular groups and channels: an employee finds them in the
// members panel (marked Guest) and adds them; the guest sees the channel appear, reads and
// writes there, is offered no way to start conversations or browse channels, and a
// conversation they are not in looks the same as one that does not exist.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { aliceAndBruno } from '../lib/chat-pair.mjs';
import { createPeople } from '../lib/session.mjs';

const TIMEOUT = 15_000;

describe('guests in chat', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, tag, alice, bruno, api, signIn } = pair;
  const gail = { email: `gail.${tag}@partner.example`, name: 'Gail Partner', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'guest' };
  let alicePage, gailPage, channel, secret;

  before(async () => {
    alicePage = pair.pageA;
    gailPage = pair.pageB;
    await createPeople(pair.server, [gail], { country: 'DE', timeZone: 'Europe/Berlin' });
    const token = (await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password })).json.token;
    const created = await api('POST', '/api/v1/conversations', token, { kind: 'channel', name: `partners-${tag}`, visibility: 'private' });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    channel = created.json;
    const other = await api('POST', '/api/v1/conversations', token, { kind: 'group', name: `staff-only-${tag}`, member_ids: [bruno.id] });
    assert.equal(other.status, 201, JSON.stringify(other.json));
    secret = other.json;
  });

  it('the guest signs in to an empty chat that says how they get in, with no buttons the server would refuse', async () => {
    await signIn(gailPage, gail);
    await gailPage.getByTestId('nav-chat').click();
    const empty = gailPage.getByTestId('chat-sidebar-empty');
    await empty.waitFor();
    assert.match(await empty.innerText(), /You're a guest/);
    for (const id of ['chat-new-channel', 'chat-new-direct', 'chat-new-group', 'chat-browse-channels'])
      assert.equal(await gailPage.getByTestId(id).count(), 0, `${id} is not offered to a guest`);
    await screenshot(gailPage, 'chat-guest-empty');
  });

  it('an employee finds the guest in the members panel, marked Guest, and adds them; the channel appears for the guest at once', async () => {
    await signIn(alicePage, alice);
    await alicePage.goto(`${pair.server.url}/chat/${channel.id}`);
    await alicePage.getByTestId('member-count').click();
    await alicePage.getByTestId('member-search').fill('gail');
    const candidate = alicePage.locator('.candidates li').filter({ hasText: gail.name });
    await candidate.getByTestId('candidate-guest').waitFor();
    await screenshot(alicePage, 'chat-guest-picker');
    await candidate.getByTestId('member-add').click();
    await alicePage.getByTestId('member').filter({ hasText: gail.name }).getByTestId('member-guest').waitFor();

    const item = gailPage.locator('[data-testid="conversation-item"]').filter({ hasText: `partners-${tag}` });
    await item.waitFor();
    await item.click();
    await gailPage.getByTestId('composer-input').fill('Hello from the partner side');
    await gailPage.getByTestId('composer-input').press('Enter');
    await alicePage.getByTestId('message-text').getByText('Hello from the partner side').waitFor();
    await alicePage.getByTestId('composer-input').fill('Welcome, Gail');
    await alicePage.getByTestId('composer-input').press('Enter');
    await gailPage.getByTestId('message-text').getByText('Welcome, Gail').waitFor();
    await screenshot(gailPage, 'chat-guest-channel');
    await gailPage.setViewportSize({ width: 390, height: 844 });
    await screenshot(gailPage, 'chat-guest-channel-phone');
    await gailPage.setViewportSize({ width: 1280, height: 800 });
  });

  it('a conversation the guest is not in looks like one that does not exist, in the page and in the API', async () => {
    await gailPage.goto(`${pair.server.url}/chat/${secret.id}`);
    await gailPage.getByTestId('conversation-missing').waitFor();
    assert.equal(await gailPage.getByTestId('composer-input').count(), 0);
    const gailToken = (await api('POST', '/api/v1/auth/login', null, { email: gail.email, password: gail.password })).json.token;
    const hidden = await api('GET', `/api/v1/conversations/${secret.id}`, gailToken);
    const absent = await api('GET', '/api/v1/conversations/99999999', gailToken);
    assert.equal(hidden.status, 404);
    assert.deepEqual(hidden.json, absent.json);
    // And the server refuses what the page does not offer.
    const start = await api('POST', '/api/v1/conversations', gailToken, { kind: 'group', member_ids: [alice.id] });
    assert.equal(start.status, 403, JSON.stringify(start.json));
    // The page asked for the conversation and got the 404 it shows: the console notes it.
    assert.deepEqual(problems.filter((p) => !/status of 404/.test(p)), []);
  });
});
