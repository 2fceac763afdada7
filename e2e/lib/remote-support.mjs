// Remote support pages in Chromium (issue 13): the agent's page signed in with a token, the
// customer joining by code on the public page, and chat allowed through both pages.
import assert from 'node:assert/strict';
import { liveLink, watchProblems } from './session.mjs';
import { until } from './wait.mjs';

/** The agent's remote support page at 1280x800, signed in with `login` ({token, expires_at}). */
export async function agentPage(browser, server, login, sessionId, problems) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((session) => localStorage.setItem('meridian.session', JSON.stringify(session)), {
    token: login.token,
    expiresAt: login.expires_at,
  });
  const agent = await context.newPage();
  watchProblems(agent, 'agent', problems);
  await agent.goto(`${server.url}/remote-support${sessionId ? `?session=${sessionId}` : ''}`);
  await liveLink(agent);
  return agent;
}

/** A caller at 390x844 enters the code and their name on the public page and is connected. */
export async function customerJoins(browser, server, code, name, problems) {
  const customer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  watchProblems(customer, 'customer', problems);
  await customer.goto(`${server.url}/remote-support/join`);
  await customer.getByTestId('rs-code-input').fill(code);
  await customer.getByTestId('rs-name-input').fill(name);
  await customer.getByTestId('rs-connect').click();
  await customer.getByTestId('rs-agent-sees').waitFor();
  return customer;
}

/** The agent asks for chat (the only step offered first), the customer allows it. */
export async function chatAllowed(agent, customer) {
  const ask = agent.getByTestId('rs-ask');
  assert.equal(await until(() => ask.getAttribute('data-step').catch(() => null), (s) => s === 'chat'), 'chat');
  await ask.click();
  await customer.getByTestId('rs-ask-chat').waitFor();
  await customer.getByTestId('rs-allow').click();
  assert.equal(await until(() => agent.getByTestId('rs-consent-chat').getAttribute('data-state'), (s) => s === 'granted'), 'granted');
}
