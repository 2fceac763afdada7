// Remote support for a customer marked sensitive (issue 13) in Chromium: the admin marks the
// customer on the remote support page; the agent's session shows the mark and offers no
// "ask for the screen" until a supervisor approved; the request appears on the supervisor's
// page live, the supervisor refuses with a reason and the agent sees the reason at once; asked
// again and approved, the agent may ask and the customer is asked to show the screen.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { agentPage, chatAllowed, customerJoins } from '../lib/remote-support.mjs';
import { createPeople, liveLink, request, signIn, watchProblems } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

describe('remote support: a sensitive customer waits for the supervisor', () => {
  let server;
  let browser;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const tess = { email: `tess.${tag}@example.test`, name: 'Tess Taxpayer', password: `pw-${randomBytes(8).toString('hex')}` };
  const ada = { email: `ada.${tag}@example.test`, name: 'Ada Agent', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'agent' };

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    await createPeople(server, [ada]);
    await createPeople(server, [tess], { kind: 'customer', country: 'DE', timeZone: 'Europe/Berlin' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('marked by the admin; requested by the agent; refused with a reason, then approved, live', async () => {
    // The supervisor (the admin) marks Tess sensitive on the remote support page.
    const supervisor = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    watchProblems(supervisor, 'supervisor', problems);
    await signIn(supervisor, server.url, { email: server.adminEmail, password: server.adminPassword });
    await supervisor.goto(`${server.url}/remote-support`);
    await liveLink(supervisor);
    await supervisor.getByTestId('rs-sensitive-search').fill('Tess');
    await supervisor.getByTestId('rs-sensitive-search').press('Enter');
    await supervisor.getByTestId('rs-mark').click();
    await supervisor.getByTestId('rs-sensitive').getByText('Tess Taxpayer').waitFor();
    await supervisor.getByTestId('rs-approvals').waitFor();

    // The agent starts a session for Tess; the customer enters the code on the public page.
    const login = (await request(server.url, 'POST', '/api/v1/auth/login', null, { email: ada.email, password: ada.password })).json;
    const started = await request(server.url, 'POST', '/api/v1/remote-support/sessions', login.token, { customer_user_id: tess.id });
    assert.equal(started.status, 201, JSON.stringify(started.json));
    assert.equal(started.json.session.customer.sensitive, true);
    const agent = await agentPage(browser, server, login, started.json.id, problems);
    const customer = await customerJoins(browser, server, started.json.code, 'Tess', problems);

    // Chat needs no approval; the screen does.
    await chatAllowed(agent, customer);
    const ask = agent.getByTestId('rs-ask');
    const approval = agent.getByTestId('rs-approval');
    assert.equal(await approval.getAttribute('data-status'), 'none');
    assert.equal(await ask.count(), 0, 'the agent is offered no ask for the screen before the approval');

    // The request reaches the supervisor's page live; refused with a reason, the agent sees it at once.
    await agent.getByTestId('rs-request-approval').click();
    assert.equal(await until(() => approval.getAttribute('data-status'), (s) => s === 'pending'), 'pending');
    await customer.getByTestId('rs-approval-pending').waitFor();
    const requestCard = supervisor.locator(`[data-testid="rs-approval-request"][data-session="${started.json.id}"]`);
    await requestCard.waitFor();
    await screenshot(supervisor, 'remote-support-approval-request-1280');
    await requestCard.getByTestId('rs-approval-reason').fill('Open tax audit: ask for the form by post.');
    await requestCard.getByTestId('rs-refuse').click();
    assert.equal(await until(() => approval.getAttribute('data-status'), (s) => s === 'refused'), 'refused');
    assert.match(await agent.getByTestId('rs-approval-reason-shown').innerText(), /Open tax audit: ask for the form by post\./);
    assert.equal(await ask.count(), 0);
    await requestCard.waitFor({ state: 'detached' });

    // Asked again and approved: now the agent may ask, and the customer is asked.
    await agent.getByTestId('rs-request-approval').click();
    await requestCard.waitFor();
    await requestCard.getByTestId('rs-approve').click();
    assert.equal(await until(() => approval.getAttribute('data-status'), (s) => s === 'approved'), 'approved');
    assert.equal(await until(() => ask.getAttribute('data-step').catch(() => null), (s) => s === 'view'), 'view');
    await ask.click();
    await customer.getByTestId('rs-ask-view').waitFor();
    await screenshot(agent, 'remote-support-approval-agent-1280');
    await agent.setViewportSize({ width: 390, height: 844 });
    await screenshot(agent, 'remote-support-approval-agent-390');
    assert.ok((await agent.evaluate(() => document.scrollingElement.scrollWidth)) <= 390, 'the agent page scrolls sideways at 390 px');

    const log = await request(server.url, 'GET', `/api/v1/remote-support/sessions/${started.json.id}/log`, login.token);
    const events = log.json.items.map((i) => i.event).filter((e) => e.startsWith('approval_'));
    assert.deepEqual(events, ['approval_requested', 'approval_refused', 'approval_requested', 'approval_granted']);
    assert.deepEqual(problems, []);
  });
});
