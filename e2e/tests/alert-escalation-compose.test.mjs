// Escalation steps in the composer (issue 11): an admin composes an alert to Germany that
// everyone must acknowledge, adds two escalation steps (after 5 minutes notify those still
// waiting again, after 20 minutes their team leads), removes a third, and sends; the
// server stored exactly those steps, pending. The composer fits 390x844 without sideways
// scrolling with the steps open.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { adminLogin, createPeople, newPage, request, signIn, watchProblems } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 15_000;

describe('alerts: escalation steps in the composer', () => {
  const tag = randomBytes(3).toString('hex');
  const dora = { email: `dora.${tag}@example.test`, name: 'Dora Decker', password: `pw-dora-${tag}-x1` };
  const problems = [];
  let server, browser, admin;
  const api = (method, path, token, body) => request(server.url, method, path, token, body);

  before(async () => {
    server = await startServer();
    await createPeople(server, [dora], { country: 'DE', timeZone: 'Europe/Berlin' });
    admin = await adminLogin(server);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('an admin adds escalation steps and the server keeps them', async () => {
    const page = await newPage(browser, { timeout: TIMEOUT });
    watchProblems(page, 'admin', problems);
    await signIn(page, server.url, { email: server.adminEmail, password: server.adminPassword });
    await page.goto(`${server.url}/alerts/new`);
    await page.getByTestId('alert-title').fill(`Drill ${tag}`);
    await page.getByTestId('alert-country').selectOption('DE');
    await page.getByTestId('alert-ack-everyone').check();
    for (let i = 0; i < 3; i++) await page.getByTestId('alert-step-add').click();
    await until(() => page.getByTestId('alert-step').count(), (n) => n === 3);
    await page.getByTestId('alert-step-remove').nth(2).click();
    await until(() => page.getByTestId('alert-step').count(), (n) => n === 2);
    await page.getByTestId('alert-step-minutes').nth(0).fill('5');
    await page.getByTestId('alert-step-minutes').nth(1).fill('20');
    assert.equal(await page.getByTestId('alert-step-notify').nth(1).inputValue(), 'leads');
    await page.getByTestId('alert-step').nth(1).scrollIntoViewIfNeeded();
    await screenshot(page, 'alert-compose-escalation');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scroll at 390 px');
    await page.getByTestId('alert-step').nth(1).scrollIntoViewIfNeeded();
    await screenshot(page, 'alert-compose-escalation-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByTestId('alert-send').click();
    await page.waitForURL(/\/alerts\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const steps = (await api('GET', `/api/v1/alerts/${id}/escalation`, admin.token)).json.steps;
    assert.deepEqual(steps.map((s) => [s.after_ms, s.notify, s.state]), [[5 * 60_000, 'again', 'pending'], [20 * 60_000, 'leads', 'pending']]);
    await page.close();
    assert.deepEqual(problems, []);
  });
});
