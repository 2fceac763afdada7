// The remote support queue (issue 13) in Chromium: a signed-in customer asks for screen help
// from their support view (390 px); the request shows on the agent's page with its waiting
// time; the agent accepts and the session opens with its code; the customer's view shows the
// invitation and Join opens the customer page for that session. The admin sees the figures.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { agentPage } from '../lib/remote-support.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, request, signIn, watchProblems } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

describe('remote support: the queue', () => {
  let server;
  let browser;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const cora = { email: `cora.${tag}@example.test`, name: 'Cora Customer', password: `pw-${randomBytes(8).toString('hex')}` };
  const ada = { email: `ada.${tag}@example.test`, name: 'Ada Agent', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'agent' };

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    await createPeople(server, [ada]);
    await createPeople(server, [cora], { kind: 'customer', country: 'DE', timeZone: 'Europe/Berlin' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asked by the customer, accepted by the agent, joined by the customer; figures for the admin', async () => {
    const customer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    watchProblems(customer, 'customer', problems);
    await signIn(customer, server.url, { email: cora.email, password: cora.password });
    await customer.goto(`${server.url}/support`);
    await customer.getByTestId('rs-help-ask').click();
    await customer.getByTestId('rs-help-waiting').waitFor();
    await screenshot(customer, 'remote-support-queue-customer-390');
    assert.ok((await customer.evaluate(() => document.scrollingElement.scrollWidth)) <= 390, 'the support view scrolls sideways at 390 px');

    const login = (await request(server.url, 'POST', '/api/v1/auth/login', null, { email: ada.email, password: ada.password })).json;
    const agent = await agentPage(browser, server, login, null, problems);
    const item = agent.getByTestId('rs-queue-item').filter({ hasText: 'Cora Customer' });
    await item.waitFor();
    assert.match(await item.innerText(), /\(DE\) · waiting \d+ s/);
    await screenshot(agent, 'remote-support-queue-agent-1280');
    await item.getByTestId('rs-accept').click();
    const code = agent.getByTestId('rs-code');
    await code.waitFor();
    assert.match(await agent.getByTestId('rs-session').innerText(), /Cora Customer/);
    await item.waitFor({ state: 'detached' });

    // The customer's view polls while waiting: the invitation appears, Join opens the session.
    const join = customer.getByTestId('rs-invite-join');
    await join.waitFor({ timeout: 30_000 });
    await join.click();
    await customer.getByTestId('rs-join-account').click();
    await customer.getByTestId('rs-agent-sees').waitFor();
    assert.equal(await until(() => agent.getByTestId('rs-session').getAttribute('data-status'), (s) => s === 'active'), 'active');

    const admin = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    watchProblems(admin, 'admin', problems);
    await signIn(admin, server.url, { email: server.adminEmail, password: server.adminPassword });
    await admin.goto(`${server.url}/remote-support`);
    const row = admin.locator(`[data-testid="rs-figures-row"][data-agent="${ada.id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('[data-accepted]').getAttribute('data-accepted'), '1');
    await screenshot(admin, 'remote-support-figures-admin-1280');
    await admin.setViewportSize({ width: 390, height: 844 });
    assert.ok((await admin.evaluate(() => document.scrollingElement.scrollWidth)) <= 390, 'the agent page scrolls sideways at 390 px');
    await screenshot(admin, 'remote-support-figures-admin-390');
    assert.deepEqual(problems, []);
  });
});
