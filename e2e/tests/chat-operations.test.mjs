// Chat operations in the browser: an admin sets a retention policy and a legal hold in
// Admin › Chat operations and members see the policy in the channel's panel; a topic change
// reaches the other member live; an agent claims, adds an internal note and closes from the
// support bar in Chat, and the customer never sees the note.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, liveLink, newPage, request, signIn as signInAt, watchProblems } from '../lib/session.mjs';

const TIMEOUT = 15_000;

describe('chat operations: retention admin, live topic, support bar with internal notes', () => {
  let server, browser, adminPage, alicePage, agentPage, customerPage, admin;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const pw = () => `pw-${randomBytes(8).toString('hex')}`;
  const alice = { email: `alice.${tag}@example.test`, name: 'Alice Almeida', password: pw() };
  const abel = { email: `abel.${tag}@example.test`, name: 'Abel Agent', password: pw(), kind: 'agent' };
  const ana = { email: `ana.${tag}@example.test`, name: 'Ana Agent', password: pw(), kind: 'agent' };
  const carla = { email: `carla.${tag}@example.test`, name: 'Carla Customer', password: pw(), kind: 'customer' };
  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const signIn = (page, who) => signInAt(page, server.url, who);
  const shot = (page, name) => page.screenshot({ path: new URL(`../test-results/${name}.png`, import.meta.url).pathname });
  let channel;

  before(async () => {
    server = await startServer();
    admin = await createPeople(server, [alice, abel, ana, carla], { country: 'PT', timeZone: 'Europe/Lisbon' });
    const team = await api('POST', '/api/v1/admin/teams', admin.token, { name: `Support ${tag}` });
    for (const who of [abel, ana]) assert.equal((await api('PUT', `/api/v1/admin/teams/${team.json.id}/members/${who.id}`, admin.token)).status, 204);
    assert.equal((await api('PUT', '/api/v1/admin/support/routes/default', admin.token, { team_id: team.json.id })).status, 200);
    const aliceLogin = (await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password })).json;
    channel = (await api('POST', '/api/v1/conversations', aliceLogin.token, { kind: 'channel', name: `ops-${tag}`, visibility: 'public' })).json;
    browser = await launchChromium();
    const page = async (who) => {
      const p = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'UTC' });
      watchProblems(p, who, problems);
      return p;
    };
    adminPage = await page('admin');
    alicePage = await page('alice');
    agentPage = await page('agent');
    customerPage = await page('customer');
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('an admin sets a channel policy and a legal hold; the channel panel shows the policy in force', async () => {
    await signIn(adminPage, { email: server.adminEmail, password: server.adminPassword });
    await adminPage.goto(`${server.url}/admin/chat-operations`);
    const policies = adminPage.getByTestId('retention-policies');
    await policies.getByText('No policy').waitFor();
    await adminPage.getByTestId('policy-kind').selectOption('kind');
    await adminPage.getByTestId('policy-value').selectOption('channel');
    await adminPage.getByTestId('policy-days').fill('30');
    await adminPage.getByTestId('policy-save').click();
    await policies.getByTestId('policy-row').filter({ hasText: 'All channels' }).filter({ hasText: '30 days' }).waitFor();
    // A bad scope is explained, not sent.
    await adminPage.getByTestId('policy-kind').selectOption('country');
    await adminPage.getByTestId('policy-value').fill('Germany');
    await adminPage.getByTestId('policy-save').click();
    await adminPage.getByTestId('policy-error').getByText('two letters').waitFor();

    await adminPage.getByTestId('hold-value').fill(String(channel.id));
    await adminPage.getByTestId('hold-reason').fill('case 2026-114');
    await adminPage.getByTestId('hold-save').click();
    await adminPage.getByTestId('legal-holds').getByTestId('hold-row').filter({ hasText: 'case 2026-114' }).waitFor();
    await adminPage.getByTestId('support-routing').getByTestId('route-row').filter({ hasText: `Support ${tag}` }).waitFor();
    await shot(adminPage, 'admin-chat-operations');
    const policy = await api('GET', '/api/v1/admin/retention/policies', admin.token);
    assert.deepEqual(policy.json.items.map((p) => [p.scope, p.keep_days]), [['kind:channel', 30]]);

    await signIn(alicePage, alice);
    await alicePage.goto(`${server.url}/chat/${channel.id}`);
    await alicePage.getByTestId('member-count').click();
    await alicePage.getByTestId('retention-in-force').getByText('deleted after 30 days').waitFor();
    assert.equal(await alicePage.getByTestId('retention-hold').count(), 0, 'members are not told about holds');
  });

  it('the owner changes the topic, turns on announcement mode and chooses a poster; another member sees each live', async () => {
    await api('POST', `/api/v1/conversations/${channel.id}/join`, (await api('POST', '/api/v1/auth/login', null, { email: abel.email, password: abel.password })).json.token);
    await signIn(agentPage, abel);
    await agentPage.goto(`${server.url}/chat/${channel.id}`);
    await agentPage.getByTestId('conversation-header').waitFor();
    await liveLink(agentPage); // the reloaded page's socket, before the changes it must see live
    await alicePage.getByTestId('conversation-topic-input').fill('Quarterly planning');
    await alicePage.getByTestId('conversation-topic-input').press('Tab');
    await agentPage.getByTestId('conversation-topic').getByText('Quarterly planning').waitFor();
    // Announcement mode reaches Abel live; Alice then lets him post, also live.
    await alicePage.getByTestId('setting-announcement').check();
    await agentPage.getByTestId('composer-blocked').getByText('announcement channel').waitFor();
    await alicePage.getByTestId('member').filter({ hasText: 'Abel Agent' }).getByTestId('member-can-post').check();
    await agentPage.getByTestId('composer-blocked').waitFor({ state: 'detached' });
    assert.equal(await agentPage.getByTestId('composer-input').isDisabled(), false);
    await shot(alicePage, 'chat-channel-details');
  });

  it('an agent claims in Chat, writes an internal note the customer never sees, and closes', async () => {
    const customer = (await api('POST', '/api/v1/auth/login', null, { email: carla.email, password: carla.password })).json;
    const opened = await api('POST', '/api/v1/support/conversations', customer.token, { subject: 'Refund 77', text: 'Please refund order 77', client_id: `r-${tag}` });
    assert.equal(opened.status, 201, JSON.stringify(opened.json));
    await agentPage.goto(`${server.url}/chat/${opened.json.id}`);
    const bar = agentPage.getByTestId('support-bar');
    await bar.getByTestId('support-status').getByText('Waiting in queue').waitFor();
    await agentPage.getByTestId('composer-blocked').waitFor();
    await bar.getByTestId('support-claim').click();
    await bar.getByTestId('support-status').getByText('Assigned').waitFor();
    await agentPage.getByTestId('composer-input').fill('Hi Carla, looking at it');
    await agentPage.getByTestId('composer-input').press('Enter');
    await agentPage.getByTestId('message-text').getByText('Hi Carla, looking at it').waitFor();

    await bar.getByTestId('support-notes-toggle').click();
    await agentPage.getByTestId('support-note-input').fill('Customer is on the legacy plan');
    await agentPage.getByTestId('support-note-add').click();
    await agentPage.getByTestId('support-note').getByText('Customer is on the legacy plan').waitFor();
    assert.deepEqual(await bar.getByTestId('support-assign').locator('option').allInnerTexts(), ['Assign to…', 'Abel Agent', 'Ana Agent']);
    await shot(agentPage, 'chat-support-bar');

    await signIn(customerPage, carla);
    await customerPage.getByTestId('nav-support').click();
    await customerPage.getByTestId('support-list').getByText('Refund 77').click();
    await customerPage.getByTestId('support-conversation').getByText('Hi Carla, looking at it').waitFor();
    assert.ok(!(await customerPage.content()).includes('legacy plan'), 'the customer saw an internal note');

    await bar.getByTestId('support-close').click();
    await bar.getByTestId('support-status').getByText('Closed').waitFor();
    const audit = await api('GET', `/api/v1/admin/audit?action=support.*&target=support:${opened.json.id}`, admin.token);
    assert.deepEqual(audit.json.items.map((e) => e.action).reverse(), ['support.claim', 'support.close']);
  });

  it('no dialog fired and no page logged an error', () => {
    assert.deepEqual(problems, []);
  });
});
