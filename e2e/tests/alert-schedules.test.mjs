// Scheduled alerts and team leads in the browser (issue 11). An admin schedules an alert
// from the composer ("Later": 09:00 in America/New_York, every Monday and Wednesday, 3
// times); the schedules page lists it with its rule and state; pause, resume and delete
// work and the server agrees. A team lead reaches the composer and is offered only the team
// they lead (no countries, roles or people: the server would refuse them) and sends to it;
// a plain member is kept out of the composer and offered no link to it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { adminLogin, createPeople, newPage, request, signIn, watchProblems } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 15_000;

describe('alerts: schedules page and team leads in the composer', () => {
  const tag = randomBytes(3).toString('hex');
  const dora = { email: `dora.${tag}@example.test`, name: 'Dora Decker', password: `pw-dora-${tag}-x1` };
  const lina = { email: `lina.${tag}@example.test`, name: 'Lina Lead', password: `pw-lina-${tag}-x1`, kind: 'agent' };
  const otto = { email: `otto.${tag}@example.test`, name: 'Otto Other', password: `pw-otto-${tag}-x1` };
  const title = `Weekly drill ${tag}`;
  const problems = [];
  let server, browser, admin, team, otherTeam;
  const api = (method, path, token, body) => request(server.url, method, path, token, body);

  before(async () => {
    server = await startServer();
    await createPeople(server, [dora, lina, otto], { country: 'DE', timeZone: 'Europe/Berlin' });
    admin = await adminLogin(server);
    team = (await api('POST', '/api/v1/admin/teams', admin.token, { name: `Support ${tag}` })).json;
    otherTeam = (await api('POST', '/api/v1/admin/teams', admin.token, { name: `Sales ${tag}` })).json;
    for (const [t, who, role] of [[team, lina, 'lead'], [team, otto, 'member'], [otherTeam, dora, 'member']])
      assert.equal((await api('PUT', `/api/v1/admin/teams/${t.id}/members/${who.id}`, admin.token, { role })).status, 204);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('an admin schedules an alert in a time zone, repeating; pauses, resumes and deletes it', async () => {
    const page = await newPage(browser, { timeout: TIMEOUT });
    watchProblems(page, 'admin', problems);
    await signIn(page, server.url, { email: server.adminEmail, password: server.adminPassword });
    await page.goto(`${server.url}/alerts/schedules`);
    await page.getByText('Nothing scheduled').waitFor();
    // One way to a new scheduled alert (the header's), not a second one in the empty state.
    assert.equal(await page.getByText('New scheduled alert').count(), 1);
    await screenshot(page, 'alert-schedules-empty');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scroll at 390 px');
    await screenshot(page, 'alert-schedules-empty-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('schedule-new').click();
    await page.getByTestId('alert-date').waitFor();
    await page.getByTestId('alert-title').fill(title);
    await page.getByTestId('alert-country').selectOption('DE');
    await page.getByTestId('alert-recipient-count').getByText('3 people in DE').waitFor();
    await page.getByTestId('alert-date').fill('2030-03-11');
    await page.getByTestId('alert-time').fill('09:00');
    await page.getByTestId('alert-zone').selectOption('America/New_York');
    await page.getByTestId('alert-repeat').selectOption('weekly');
    await page.getByTestId('alert-day-MO').check();
    await page.getByTestId('alert-day-WE').check();
    await page.getByTestId('alert-times').fill('3');
    await screenshot(page, 'alert-schedule-compose');
    await page.getByTestId('alert-send').click();

    await page.waitForURL(/\/alerts\/schedules$/);
    const row = page.getByTestId('schedule-row').filter({ hasText: title });
    await row.waitFor();
    assert.equal(await row.getByTestId('schedule-when').textContent(), '09:00 in America/New_York, from 2030-03-11');
    assert.equal(await row.getByTestId('schedule-rule').textContent(), 'Every week on Mon, Wed, 3 times');
    assert.equal((await row.getByTestId('schedule-state').textContent()).trim(), 'Active');
    const stored = (await api('GET', '/api/v1/alerts/schedules', admin.token)).json.items.find((s) => s.title === title);
    assert.equal(stored.time_zone, 'America/New_York');
    assert.equal(stored.rrule, 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3');
    // 09:00 in New York on 11 March 2030 is after the spring-forward (EDT, UTC-4): 13:00 UTC.
    assert.equal(stored.next_at, Date.UTC(2030, 2, 11, 13, 0));
    assert.deepEqual(stored.alert.audience, { countries: ['DE'] });
    await screenshot(page, 'alert-schedules-list');

    await row.getByTestId('schedule-pause').click();
    const paused = await until(() => row.getByTestId('schedule-state').textContent(), (t) => t.trim() === 'Paused');
    assert.equal(paused.trim(), 'Paused');
    assert.equal((await api('GET', '/api/v1/alerts/schedules', admin.token)).json.items.find((s) => s.id === stored.id).state, 'paused');
    await row.getByTestId('schedule-resume').click();
    const resumed = await until(() => row.getByTestId('schedule-state').textContent(), (t) => t.trim() === 'Active');
    assert.equal(resumed.trim(), 'Active');

    await row.getByTestId('schedule-delete').click();
    await page.getByTestId('confirm-ok').click();
    const deleted = await until(() => row.getByTestId('schedule-state').textContent(), (t) => t.trim() === 'Deleted');
    assert.equal(deleted.trim(), 'Deleted');
    assert.equal(await row.getByTestId('schedule-delete').count(), 0);
    assert.equal((await api('GET', '/api/v1/alerts/schedules', admin.token)).json.items.find((s) => s.id === stored.id).state, 'cancelled');
    await page.close();
  });

  it('a team lead reaches the composer, is offered only the team they lead, and sends to it', async () => {
    const page = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'Europe/Berlin' });
    watchProblems(page, 'lina', problems);
    await signIn(page, server.url, lina);
    await page.getByTestId('alert-bell').click();
    await page.getByTestId('alert-new').click();
    await page.waitForURL(/\/alerts\/new$/);
    await page.getByTestId('alert-lead-hint').waitFor();
    assert.equal(await page.getByTestId('alert-country').count(), 0, 'no countries for a lead');
    assert.equal(await page.getByTestId('alert-role-employee').count(), 0, 'no roles for a lead');
    assert.equal(await page.getByTestId('alert-people').count(), 0, 'no people for a lead');
    const teams = page.getByTestId('alert-team');
    await teams.first().waitFor();
    assert.equal(await teams.count(), 1, 'only the team she leads');
    await page.getByTestId('alert-title').fill(`Queue is long ${tag}`);
    await teams.first().check();
    await page.getByTestId('alert-recipient-count').getByText('2 people in DE').waitFor();
    await screenshot(page, 'alert-compose-lead');
    await page.getByTestId('alert-send').click();
    await page.waitForURL(/\/alerts\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const sent = await api('GET', `/api/v1/alerts/${id}`, admin.token);
    assert.equal(sent.status, 200);
    assert.equal(sent.json.recipient_count, 2);
    assert.equal(sent.json.sender.id, lina.id);
    await page.close();
  });

  it('a plain member is offered no composer and is kept out of it', async () => {
    const page = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'Europe/Berlin' });
    watchProblems(page, 'otto', problems);
    await signIn(page, server.url, otto);
    await page.getByTestId('alert-bell').click();
    await page.getByTestId('alert-panel').waitFor();
    assert.equal(await page.getByTestId('alert-new').count(), 0);
    await page.keyboard.press('Escape');
    await page.goto(`${server.url}/alerts/new`);
    await page.waitForURL(/\/not-allowed\?area=alerts/);
    await page.getByText('Sending alerts is for administrators and for team leads').waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });
});
