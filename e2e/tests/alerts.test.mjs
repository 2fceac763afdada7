// Alerts in the browser (issue 11): an admin sends a critical alert to a country from the
// composer; a person there gets the modal (an alertdialog that Escape does not dismiss) and
// acknowledges it with a comment; the admin's tracking view shows it live; a person in
// another country gets nothing. Then the bell's panel, and the pages on a phone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { adminLogin, createPeople, newPage, request, signIn, watchProblems } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 15_000;

describe('alerts: critical alert to a country, acknowledged, tracked live', () => {
  const tag = randomBytes(3).toString('hex');
  const dora = { email: `dora.${tag}@example.test`, name: 'Dora Decker', password: `pw-dora-${tag}-x1` };
  const pia = { email: `pia.${tag}@example.test`, name: 'Pia Pires', password: `pw-pia-${tag}-x1` };
  const title = `Office closed ${tag}`;
  const problems = [];
  let server, browser, adminPage, doraPage, piaPage, admin, alertId;
  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const tokenOf = async (who) => (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json.token;

  before(async () => {
    server = await startServer();
    await createPeople(server, [dora], { country: 'DE', timeZone: 'Europe/Berlin' });
    await createPeople(server, [pia], { country: 'PT', timeZone: 'Europe/Lisbon' });
    admin = { email: server.adminEmail, password: server.adminPassword };
    const me = await api('GET', '/api/v1/me', (await adminLogin(server)).token);
    assert.notEqual(me.json.country, 'DE', 'the admin is not in the audience');
    browser = await launchChromium();
    adminPage = await newPage(browser, { timeout: TIMEOUT });
    doraPage = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'Europe/Berlin' });
    piaPage = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'Europe/Lisbon' });
    watchProblems(adminPage, 'admin', problems);
    watchProblems(doraPage, 'dora', problems);
    watchProblems(piaPage, 'pia', problems);
    await signIn(doraPage, server.url, dora);
    await signIn(piaPage, server.url, pia);
    await signIn(adminPage, server.url, admin);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('only an admin is offered the composer; the server refuses anyone else', async () => {
    await piaPage.getByTestId('alert-bell').click();
    await piaPage.getByTestId('alert-panel').getByText('No alerts').waitFor();
    assert.equal(await piaPage.getByTestId('alert-new').count(), 0, 'no composer link for an employee');
    await piaPage.keyboard.press('Escape');
    await piaPage.getByTestId('alert-panel').waitFor({ state: 'detached' });
    const refused = await api('POST', '/api/v1/alerts', await tokenOf(pia), { title: 'x', priority: 'info', audience: { countries: ['PT'] } });
    assert.equal(refused.status, 403);
  });

  it('the admin composes a critical alert to DE and sees the live count before sending', async () => {
    await adminPage.getByTestId('alert-bell').click();
    await adminPage.getByTestId('alert-new').click();
    await adminPage.waitForURL(/\/alerts\/new$/);
    await adminPage.getByTestId('alert-title').fill(title);
    await adminPage.getByTestId('alert-body').fill('The Berlin office is closed today. Work from home.');
    await adminPage.getByTestId('alert-priority-critical').check();
    await adminPage.getByTestId('alert-country').selectOption('DE');
    await adminPage.getByTestId('alert-recipient-count').getByText('1 person in DE').waitFor();
    await screenshot(adminPage, 'alerts-composer-1280');
    await adminPage.getByTestId('alert-send').click();
    await adminPage.getByTestId('confirm-ok').click(); // "Send a critical alert?"
    await adminPage.waitForURL(/\/alerts\/\d+$/);
    alertId = Number(new URL(adminPage.url()).pathname.split('/').pop());
    await adminPage.getByTestId('recipient-row').filter({ hasText: dora.name }).waitFor();
    assert.equal(await adminPage.getByTestId('recipient-row').count(), 1, 'only Dora is a recipient');
  });

  it('Dora gets the modal: an alertdialog with focus inside that Escape does not dismiss', async () => {
    const modal = doraPage.getByRole('alertdialog', { name: title });
    await modal.waitFor();
    await modal.getByText('The Berlin office is closed today.').waitFor();
    assert.equal(await modal.getAttribute('aria-describedby'), 'critical-alert-body');
    assert.ok(await doraPage.evaluate(() => !!document.activeElement?.closest('[role="alertdialog"]')), 'focus is inside the modal');
    assert.match(await doraPage.title(), /^\(1\) /, 'the tab title counts it');
    await doraPage.keyboard.press('Escape');
    await doraPage.waitForTimeout(300);
    assert.equal(await modal.isVisible(), true, 'Escape does not dismiss it');
    await screenshot(doraPage, 'alerts-modal-1280');
    // Delivered and read reached the server (the modal is shown in a visible tab).
    const seen = await until(
      async () => (await api('GET', `/api/v1/alerts/${alertId}`, await tokenOf(dora))).json.me,
      (me) => me?.delivered_at && me?.read_at,
    );
    assert.ok(seen?.delivered_at && seen?.read_at, JSON.stringify(seen));

    await modal.getByTestId('critical-comment').fill('Working from home');
    await modal.getByTestId('critical-ack').click();
    await modal.waitFor({ state: 'detached' });
    await until(() => doraPage.title(), (t) => !t.startsWith('('));
    assert.doesNotMatch(await doraPage.title(), /^\(\d+\) /);
  });

  it('the admin’s tracking view shows the acknowledgement live, with the comment', async () => {
    const row = adminPage.getByTestId('recipient-row').filter({ hasText: dora.name });
    await row.getByTestId('recipient-state').getByText('Acknowledged').waitFor();
    await row.getByText('Working from home').waitFor();
    assert.equal((await adminPage.getByTestId('stat-acknowledged').textContent()).trim(), '1');
    await screenshot(adminPage, 'alerts-tracking-1280');
  });

  it('Pia in Portugal got nothing', async () => {
    assert.equal(await piaPage.getByRole('alertdialog').count(), 0);
    assert.equal(await piaPage.getByTestId('alert-unread').count(), 0);
    const list = await api('GET', '/api/v1/alerts', await tokenOf(pia));
    assert.deepEqual(list.json.items, []);
    const other = await api('GET', `/api/v1/alerts/${alertId}`, await tokenOf(pia));
    assert.equal(other.status, 404);
  });

  it('Dora’s bell lists it acknowledged; resolving it from the tracking view reaches her live', async () => {
    await doraPage.getByTestId('alert-bell').click();
    const panel = doraPage.getByTestId('alert-panel');
    await panel.getByTestId('alert-item').filter({ hasText: title }).getByText('You acknowledged').waitFor();
    await screenshot(doraPage, 'alerts-panel-1280');
    await adminPage.getByTestId('tracking-resolve').click();
    await adminPage.getByTestId('confirm-ok').click();
    await adminPage.getByTestId('tracking-status').getByText('Resolved').waitFor();
    await panel.getByTestId('alert-item').filter({ hasText: title }).getByText('Resolved').waitFor();
    await doraPage.keyboard.press('Escape');
  });

  it('on a phone: the modal, the composer and the tracking view fit without sideways scrolling', async () => {
    const phone = await newPage(browser, { timeout: TIMEOUT, viewport: { width: 390, height: 844 }, timezoneId: 'Europe/Berlin' });
    watchProblems(phone, 'phone', problems);
    await signIn(phone, server.url, dora);
    const token = (await adminLogin(server)).token;
    const sent = await api('POST', '/api/v1/alerts', token, {
      title: `Evacuate ${tag}`, body: 'Fire alarm in building B. Leave by the east stairs.', priority: 'info', category: 'emergency',
      audience: { user_ids: [dora.id] },
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    const modal = phone.getByRole('alertdialog', { name: `Evacuate ${tag}` });
    await modal.waitFor();
    await screenshot(phone, 'alerts-modal-390');
    await modal.getByTestId('critical-ack').click();
    await modal.waitFor({ state: 'detached' });
    await phone.getByTestId('alert-bell').click();
    await phone.getByTestId('alert-panel').waitFor();
    await screenshot(phone, 'alerts-panel-390');
    const adminPhone = await newPage(browser, { timeout: TIMEOUT, viewport: { width: 390, height: 844 } });
    watchProblems(adminPhone, 'admin phone', problems);
    await signIn(adminPhone, server.url, admin);
    for (const [path, name] of [['/alerts/new', 'alerts-composer-390'], [`/alerts/${sent.json.id}`, 'alerts-tracking-390']]) {
      await adminPhone.goto(`${server.url}${path}`);
      await adminPhone.locator('h1').first().waitFor();
      if (path.endsWith('new')) {
        await adminPhone.getByTestId('alert-country').selectOption('DE');
        await adminPhone.getByTestId('alert-recipient-count').getByText('1 person in DE').waitFor();
      } else {
        await adminPhone.getByTestId('recipient-row').first().waitFor();
      }
      const sideways = await adminPhone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(sideways, 0, `${path} scrolls sideways by ${sideways}px`);
      await screenshot(adminPhone, name);
    }
    await adminPhone.goto(`${server.url}/alerts`);
    await adminPhone.getByTestId('sent-row').first().waitFor();
    await screenshot(adminPhone, 'alerts-sent-390');
  });

  it('no console errors, page errors or native dialogs', () => {
    assert.deepEqual(problems, []);
  });
});
