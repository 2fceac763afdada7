// A customer asks for help from their own view; an agent of the routed team claims it
// from the queue and answers in Chat; the customer sees the answer live.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, liveLink, newPage, request, signIn as signInAs } from '../lib/session.mjs';

const TIMEOUT = 15_000;

describe('support: customer asks, agent claims and answers', () => {
  let server;
  let browser;
  let customerPage;
  let agentPage;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const carla = { email: `carla.${tag}@example.test`, name: 'Carla Customer', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'customer' };
  const abel = { email: `abel.${tag}@example.test`, name: 'Abel Agent', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'agent' };

  const api = (method, path, token, body) => request(server.url, method, path, token, body);

  const signIn = (page, who) => signInAs(page, server.url, who);

  before(async () => {
    server = await startServer();
    const login = await createPeople(server, [carla, abel], { country: 'PT', timeZone: 'Europe/Lisbon' });
    const team = await api('POST', '/api/v1/admin/teams', login.token, { name: `Support ${tag}` });
    assert.equal((await api('PUT', `/api/v1/admin/teams/${team.json.id}/members/${abel.id}`, login.token)).status, 204);
    assert.equal((await api('PUT', '/api/v1/admin/support/routes/default', login.token, { team_id: team.json.id })).status, 200);
    browser = await launchChromium();
    for (const who of ['customer', 'agent']) {
      const page = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'UTC' });
      page.on('pageerror', (error) => problems.push(`${who}: ${error.message}`));
      page.on('dialog', async (dialog) => {
        problems.push(`${who}: a ${dialog.type()} dialog fired`);
        await dialog.dismiss().catch(() => undefined);
      });
      if (who === 'customer') customerPage = page;
      else agentPage = page;
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('the customer opens a request from their own view', async () => {
    await signIn(customerPage, carla);
    assert.equal(await customerPage.getByTestId('nav-chat').count(), 0, 'customers have no Chat');
    await customerPage.getByTestId('nav-support').click();
    await customerPage.waitForURL(/\/support$/);
    const form = customerPage.getByTestId('support-open-form');
    await form.locator('input[name="subject"]').fill('Invoice 42');
    await form.locator('textarea[name="text"]').fill('The total is wrong <b>twice</b>');
    await form.locator('button[type="submit"]').click();
    await customerPage.getByTestId('support-list').getByText('Invoice 42').waitFor();
    await customerPage.getByTestId('support-conversation').getByText('The total is wrong <b>twice</b>').waitFor();
  });

  it('the agent sees it in the queue, claims it and answers in Chat; the customer sees it live', async () => {
    await signIn(agentPage, abel);
    // Before claiming, Chat shows the conversation but the composer says why it is off.
    const { json: customer } = await api('POST', '/api/v1/auth/login', null, { email: carla.email, password: carla.password });
    carla.token = customer.token;
    const { json: mine } = await api('GET', '/api/v1/support/conversations', customer.token);
    await agentPage.goto(`${server.url}/chat/${mine.items[0].id}`);
    await liveLink(agentPage); // the reloaded page's socket: the customer's screenshot arrives live later
    await agentPage.getByTestId('composer-blocked').getByText('Claim this conversation to reply').waitFor();
    assert.equal(await agentPage.getByTestId('composer-input').isDisabled(), true);
    await agentPage.getByTestId('nav-support').click();
    const queued = agentPage.getByTestId('support-queue').locator('li').filter({ hasText: 'Invoice 42' });
    await queued.waitFor();
    await queued.getByRole('button', { name: 'Claim' }).click();
    await agentPage.waitForURL(/\/chat\/\d+$/);
    await agentPage.getByTestId('composer-input').fill('Hello Carla, fixing it now');
    await agentPage.getByTestId('composer-input').press('Enter');
    await customerPage.getByTestId('support-conversation').getByText('Hello Carla, fixing it now').waitFor();
    const page = await customerPage.content();
    assert.ok(!page.includes(abel.email), 'an agent email reached the customer');
    await customerPage.getByTestId('support-list').getByText('Abel Agent').waitFor();
    assert.deepEqual(problems, []);
  });

  it('the customer attaches a screenshot; the agent sees it live in Chat as a thumbnail', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const conversation = customerPage.getByTestId('support-conversation');
    await conversation.getByTestId('attachment-input').setInputFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: png });
    await conversation.locator('[data-testid="attachment-upload"][data-state="done"]').waitFor();
    await conversation.getByTestId('support-composer').press('Enter');
    await conversation.getByTestId('attachment-name').getByText('screenshot.png').waitFor();
    await conversation.getByTestId('attachment-upload').waitFor({ state: 'detached' });
    const shown = agentPage.locator('[data-testid="message"]').filter({ has: agentPage.getByTestId('attachment-thumbnail') });
    await shown.waitFor();
    assert.equal(await shown.getByTestId('attachment-name').innerText(), 'screenshot.png');
    assert.deepEqual(problems, []);
  });

  it('a closed request shows Reopen instead of the composer; reopening brings the composer back', async () => {
    const { json: mine } = await api('GET', '/api/v1/support/conversations', carla.token);
    assert.equal((await api('POST', `/api/v1/support/conversations/${mine.items[0].id}/close`, carla.token)).status, 200);
    await customerPage.reload();
    await customerPage.getByTestId('support-list').getByText('Invoice 42').click();
    await customerPage.getByTestId('support-closed').waitFor();
    assert.equal(await customerPage.getByTestId('support-composer').count(), 0);
    await customerPage.getByTestId('support-reopen').click();
    await customerPage.getByTestId('support-composer').waitFor();
    const { json: after } = await api('GET', '/api/v1/support/conversations', carla.token);
    assert.equal(after.items[0].status, 'assigned');
    assert.deepEqual(problems, []);
  });
});
