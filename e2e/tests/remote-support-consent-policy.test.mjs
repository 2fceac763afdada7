// The minimum consent policy of remote support (issue 13) in Chromium: under the default the
// customer page says each step is asked on its own and the agent is offered no joint question;
// the admin lowers the policy on the remote support page (audited); a session started after it
// shows the customer the lowered policy, the agent asks for the screen and drawing as one
// question, the customer is shown both steps in plain words and one "Not now" declines both.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { agentPage, chatAllowed, customerJoins } from '../lib/remote-support.mjs';
import { createPeople, request, signIn, watchProblems } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

describe('remote support: the minimum consent policy', () => {
  let server;
  let browser;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const ada = { email: `ada.${tag}@example.test`, name: 'Ada Agent', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'agent' };

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    await createPeople(server, [ada]);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function agentAndCustomer(login) {
    const started = await request(server.url, 'POST', '/api/v1/remote-support/sessions', login.token, {});
    assert.equal(started.status, 201, JSON.stringify(started.json));
    const agent = await agentPage(browser, server, login, started.json.id, problems);
    const customer = await customerJoins(browser, server, started.json.code, 'Carla Caller', problems);
    await chatAllowed(agent, customer);
    return { id: started.json.id, agent, customer };
  }

  it('lowered by the admin: audited, shown to the customer, two steps asked and declined as one question', async () => {
    const login = (await request(server.url, 'POST', '/api/v1/auth/login', null, { email: ada.email, password: ada.password })).json;

    // The default: the customer is told each step is asked alone; no joint question offered.
    const strict = await agentAndCustomer(login);
    assert.equal(await strict.customer.getByTestId('rs-policy').getAttribute('data-lowered'), 'false');
    assert.equal(await strict.customer.getByTestId('rs-policy-lowered').count(), 0);
    assert.equal(await until(() => strict.agent.getByTestId('rs-ask').getAttribute('data-step').catch(() => null), (s) => s === 'view'), 'view');
    assert.equal(await strict.agent.getByTestId('rs-ask-together').count(), 0);
    assert.equal(await strict.agent.getByTestId('rs-policy-choice').count(), 0, 'an agent does not set the policy');

    // The admin lowers it on the remote support page.
    const admin = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    watchProblems(admin, 'admin', problems);
    await signIn(admin, server.url, { email: server.adminEmail, password: server.adminPassword });
    await admin.goto(`${server.url}/remote-support`);
    const now = admin.getByTestId('rs-policy-now');
    assert.equal(await until(() => now.getAttribute('data-separate').catch(() => null), (v) => v === '3'), '3');
    await admin.getByTestId('rs-policy-choice').selectOption({ index: 1 });
    await admin.getByTestId('rs-policy-save').click();
    assert.equal(await until(() => now.getAttribute('data-separate'), (v) => v === '2'), '2');
    assert.match(await now.innerText(), /Lowered/);
    await screenshot(admin, 'remote-support-consent-policy-admin-1280');
    const adminLogin = (await request(server.url, 'POST', '/api/v1/auth/login', null, { email: server.adminEmail, password: server.adminPassword })).json;
    const audit = await request(server.url, 'GET', '/api/v1/admin/audit?action=remote_support.consent_policy.change', adminLogin.token);
    assert.deepEqual(audit.json.items.map((i) => i.outcome), ['lowered']);

    // The running session keeps the policy it started under.
    assert.equal(await strict.customer.getByTestId('rs-policy').getAttribute('data-lowered'), 'false');

    // A new session: the customer is shown the lowered policy; the agent asks two steps as one question.
    const lowered = await agentAndCustomer(login);
    await lowered.customer.getByTestId('rs-policy-lowered').waitFor();
    assert.match(await lowered.customer.getByTestId('rs-policy-lowered').innerText(), /lowered its consent policy/);
    const together = lowered.agent.getByTestId('rs-ask-together');
    assert.equal(await until(() => together.getAttribute('data-steps').catch(() => null), (s) => s === 'view,annotate'), 'view,annotate');
    await together.click();
    await lowered.customer.getByTestId('rs-ask-view').waitFor();
    assert.equal(await lowered.customer.getByTestId('rs-ask-also').getAttribute('data-step'), 'annotate');
    await screenshot(lowered.customer, 'remote-support-consent-policy-customer-390');
    assert.ok((await lowered.customer.evaluate(() => document.scrollingElement.scrollWidth)) <= 390, 'the customer page scrolls sideways at 390 px');
    await lowered.customer.getByTestId('rs-deny').click();
    for (const step of ['view', 'annotate']) {
      const state = lowered.agent.getByTestId(`rs-consent-${step}`);
      assert.equal(await until(() => state.getAttribute('data-state'), (s) => s === 'denied'), 'denied', step);
    }

    const log = await request(server.url, 'GET', `/api/v1/remote-support/sessions/${lowered.id}/log`, login.token);
    assert.equal(log.json.items[0].data.separate_questions, 2);
    const denied = log.json.items.find((i) => i.event === 'consent_denied');
    assert.deepEqual(denied?.data.together, ['view', 'annotate'], 'one answer for the one question, logged as such');
    assert.deepEqual(problems, []);
  });
});
