// The remote support queue (issue 13) in Chromium: a signed-in customer asks for screen help
// from their support view (390 px); the request shows on the agent's open page over /ws (no
// reload, no polling) with its waiting time, and is flagged 'waiting too long' after the
// configured time; the agent accepts and the session opens with its code; the customer's view shows the
// invitation and Join opens the customer page for that session. A reload while waiting
// shows the wait again, not the offer to ask. The admin sees the figures.
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
    server = await startServer({ env: { MERIDIAN_REMOTE_SUPPORT_WAITING_ALERT_SECONDS: '2' } });
    browser = await launchChromium();
    await createPeople(server, [ada]);
    await createPeople(server, [cora], { kind: 'customer', country: 'DE', timeZone: 'Europe/Berlin' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asked by the customer, accepted by the agent, joined by the customer; figures for the admin', async () => {
    // The agent's page is open before anyone asks: the request must arrive over /ws.
    const login = (await request(server.url, 'POST', '/api/v1/auth/login', null, { email: ada.email, password: ada.password })).json;
    const agent = await agentPage(browser, server, login, null, problems);
    await agent.getByTestId('rs-queue').getByText('Nobody is waiting.').waitFor();
    let queueReads = 0;
    agent.on('request', (r) => {
      if (r.method() === 'GET' && new URL(r.url()).pathname === '/api/v1/remote-support/requests') queueReads += 1;
    });

    const customer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    watchProblems(customer, 'customer', problems);
    await signIn(customer, server.url, { email: cora.email, password: cora.password });
    await customer.goto(`${server.url}/support`);
    await customer.getByTestId('rs-help-ask').click();
    await customer.getByTestId('rs-help-waiting').waitFor();

    const item = agent.getByTestId('rs-queue-item').filter({ hasText: 'Cora Customer' });
    await item.waitFor();
    assert.equal(queueReads, 0, 'the agent page read the queue again instead of hearing the request live');
    assert.match(await item.innerText(), /\(DE\) · waiting \d+ s/);

    // After a reload the page reads the waiting request back: it shows the wait, not Ask.
    await customer.reload();
    await customer.getByTestId('rs-help-waiting').waitFor();
    assert.equal(await customer.getByTestId('rs-help-ask').count(), 0, 'Ask offered again after a reload');
    await screenshot(customer, 'remote-support-queue-customer-390');
    assert.ok((await customer.evaluate(() => document.scrollingElement.scrollWidth)) <= 390, 'the support view scrolls sideways at 390 px');

    // Past the configured wait (2 s here) the request is flagged, live.
    await item.getByTestId('rs-overdue').waitFor();
    await screenshot(agent, 'remote-support-queue-agent-1280');
    await agent.setViewportSize({ width: 390, height: 844 });
    assert.ok((await agent.evaluate(() => document.scrollingElement.scrollWidth)) <= 390, 'the agent page scrolls sideways at 390 px');
    await screenshot(agent, 'remote-support-queue-agent-390');
    await agent.setViewportSize({ width: 1280, height: 800 });
    await item.getByTestId('rs-accept').click();
    const code = agent.getByTestId('rs-code');
    await code.waitFor();
    assert.match(await agent.getByTestId('rs-session').innerText(), /Cora Customer/);
    await item.waitFor({ state: 'detached' });

    // The customer's view hears that an agent took the request: the invitation appears.
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
