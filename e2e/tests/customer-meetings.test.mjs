// Customers and meetings (issue 15, defect 5): the server does not let customers host meetings
// (policy_table.csv: system,host_meeting), so a customer's Meetings page offers neither "Start an
// instant meeting" nor "Schedule"; it lists their invitations with a Join button, reached from a
// Meetings entry in the top bar.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, newPage, request, signIn, watchErrors } from '../lib/session.mjs';

describe('a customer and meetings', () => {
  let server;
  let browser;
  let admin;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const cleo = { email: `cleo.${tag}@example.test`, name: 'Cleo Customer', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'customer' };
  const api = (method, path, token, body) => request(server.url, method, path, token, body);

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    admin = await createPeople(server, [cleo]);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds invitations under Meetings with Join buttons, and is offered no hosting the server refuses', async () => {
    const meeting = await api('POST', '/api/v1/meetings', admin.token, {
      title: 'Contract renewal', kind: 'scheduled', starts_at: Date.now() + 86_400_000, duration_minutes: 30,
      time_zone: 'Europe/Lisbon', user_ids: [cleo.id],
    });
    assert.equal(meeting.status, 201, JSON.stringify(meeting.json));
    const cleoToken = (await api('POST', '/api/v1/auth/login', null, { email: cleo.email, password: cleo.password })).json.token;
    const refused = await api('POST', '/api/v1/meetings', cleoToken, { title: 'Mine' });
    assert.equal(refused.status, 403, 'the server refuses a customer as host');

    const page = await newPage(browser, { timeout: 20_000 });
    watchErrors(page, 'cleo', problems);
    await signIn(page, server.url, cleo);
    await page.getByTestId('nav-meetings').click();
    const item = page.getByTestId('meetings-list').locator('li', { hasText: 'Contract renewal' });
    await item.waitFor();
    const join = item.getByRole('link', { name: 'Join' });
    assert.equal(await join.getAttribute('href'), `/meet/${meeting.json.code}`);
    assert.equal(await page.getByTestId('start-instant').count(), 0, 'no "Start an instant meeting"');
    assert.equal(await page.getByRole('button', { name: 'Schedule' }).count(), 0, 'no "Schedule"');
    assert.equal(await page.getByTestId('meeting-reschedule').count(), 0, 'no Edit');
    assert.equal(await page.getByTestId('meeting-cancel').count(), 0, 'no Cancel meeting');
    await screenshot(page, 'customer-meetings');
    await join.click();
    await page.getByTestId('prejoin').waitFor();
    assert.deepEqual(problems, []);
  });
});
