// An admin creates a user in the admin UI; that user signs in elsewhere and sees their own shell.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { clockDistance, minutesNowIn, parseHhMm } from '../lib/local-time.mjs';
import { startServer } from '../lib/server.mjs';

const TIMEOUT = 15_000;

describe('admin creates a user who then signs in', () => {
  /** @type {import('../lib/server.mjs').MeridianServer} */
  let server;
  /** @type {import('playwright-core').Browser} */
  let browser;
  let adminContext;
  let userContext;
  let adminPage;
  let userPage;
  /** Console errors from every page, e.g. Content-Security-Policy refusals. */
  const consoleErrors = [];
  const watch = (page) =>
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[13]/.test(message.text())) consoleErrors.push(message.text());
    });

  const employee = {
    email: `ana.${randomBytes(3).toString('hex')}@example.test`,
    name: 'Ana Sousa',
    password: `pw-${randomBytes(8).toString('hex')}`,
    country: 'PT',
    timeZone: 'Europe/Lisbon',
  };

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    adminPage = await adminContext.newPage();
    adminPage.setDefaultTimeout(TIMEOUT);
    watch(adminPage);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  async function signIn(page, email, password) {
    await page.goto(`${server.url}/login`);
    await page.locator('input[name="email"]').waitFor();
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(password);
    await page.locator('input[name="password"]').press('Enter');
  }

  it('the admin signs in; focus starts in the email field', async () => {
    await adminPage.goto(`${server.url}/login`);
    await adminPage.locator('input[name="email"]').waitFor();
    await adminPage.waitForFunction(() => document.activeElement?.getAttribute('name') === 'email');
    await signIn(adminPage, server.adminEmail, server.adminPassword);
    await adminPage.getByTestId('user-menu').waitFor();
    await adminPage.getByTestId('nav-admin').waitFor();
    // The global stylesheet applies under the server's Content-Security-Policy.
    const background = await adminPage.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.equal(background, 'rgb(244, 245, 248)');
  });

  it('the admin creates an employee in Portugal through Admin → Users', async () => {
    await adminPage.getByTestId('nav-admin').click();
    await adminPage.waitForURL(/\/admin\/users$/);
    await adminPage.getByTestId('users-table').waitFor();

    await adminPage.getByTestId('new-user').click();
    // The CDK dialog (role=dialog, named by its heading); it was a native <dialog open> before.
    const dialog = adminPage.getByRole('dialog', { name: 'New user' });
    await dialog.waitFor();
    await adminPage.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'form-email');
    await dialog.getByTestId('form-email').fill(employee.email);
    await dialog.getByTestId('form-display-name').fill(employee.name);
    await dialog.getByTestId('form-password').fill(employee.password);
    await dialog.getByTestId('form-kind').selectOption('employee');
    await dialog.getByTestId('form-country').selectOption(employee.country);
    await dialog.getByTestId('form-time-zone').selectOption(employee.timeZone);
    await dialog.getByTestId('form-save').click();

    await dialog.waitFor({ state: 'detached' });
    await adminPage.getByTestId('users-notice').waitFor();
    const row = adminPage.locator(`tr[data-email="${employee.email}"]`);
    await row.waitFor();
    const rowText = await row.innerText();
    assert.match(rowText, /Ana Sousa/);
    assert.match(rowText, /PT/);
    assert.match(rowText, /Europe\/Lisbon/);
    await screenshot(adminPage, 'admin-users');
  });

  it('a wrong password shows the server’s error and keeps the person on /login', async () => {
    userContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'America/New_York' });
    userPage = await userContext.newPage();
    userPage.setDefaultTimeout(TIMEOUT);
    watch(userPage);
    await signIn(userPage, employee.email, `${employee.password}-wrong`);
    const error = userPage.getByTestId('login-error');
    await error.waitFor();
    assert.ok((await error.innerText()).trim().length > 0, 'the error message is not empty');
    assert.match(new URL(userPage.url()).pathname, /^\/login/);
  });

  it('the new user signs in and sees the shell with their Lisbon local time, without Admin', async () => {
    await signIn(userPage, employee.email, employee.password);
    await userPage.getByTestId('user-menu').waitFor();
    assert.equal(await userPage.getByTestId('user-name').innerText(), employee.name);
    assert.equal((await userPage.getByTestId('user-country').innerText()).trim(), 'PT');

    const shown = parseHhMm(await userPage.getByTestId('user-local-time').innerText());
    const expected = minutesNowIn(employee.timeZone);
    assert.ok(
      clockDistance(shown, expected) <= 1,
      `shell shows ${shown} min past midnight, Lisbon is at ${expected} (browser zone is New York on purpose)`,
    );

    assert.equal(await userPage.getByTestId('nav-admin').count(), 0, 'a non-admin sees no Admin navigation');
    await userPage.getByTestId('greeting').waitFor();
    await userPage.locator('[data-testid="realtime-status"].connected').waitFor();
    await screenshot(userPage, 'user-shell');
  });

  it('opening /admin as that user is refused', async () => {
    await userPage.goto(`${server.url}/admin/users`);
    await userPage.getByTestId('not-allowed').waitFor();
    assert.doesNotMatch(new URL(userPage.url()).pathname, /^\/admin/);
    assert.equal(await userPage.getByTestId('users-table').count(), 0);
  });

  it('signing out returns to /login', async () => {
    await userPage.getByTestId('user-menu').click();
    await userPage.getByTestId('sign-out').click();
    await userPage.waitForURL(/\/login/);
    await userPage.goto(`${server.url}/`);
    await userPage.waitForURL(/\/login/);
  });

  it('when an admin deactivates that user, their open page goes to sign-in and says why', async () => {
    await signIn(userPage, employee.email, employee.password);
    await userPage.locator('[data-testid="realtime-status"].connected').waitFor();
    const api = async (method, path, token, body) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, json: await res.json().catch(() => undefined) };
    };
    const { json: login } = await api('POST', '/api/v1/auth/login', null, { email: server.adminEmail, password: server.adminPassword });
    const { json: users } = await api('GET', `/api/v1/admin/users?q=${encodeURIComponent(employee.email)}`, login.token);
    const target = users.items.find((u) => u.email === employee.email);
    assert.equal((await api('POST', `/api/v1/admin/users/${target.id}/deactivate`, login.token)).status, 200);
    await userPage.waitForURL(/\/login/);
    const notice = userPage.getByTestId('session-ended');
    await notice.waitFor();
    assert.match(await notice.innerText(), /deactivated/);
  });

  it('no page logged a console error (CSP refusals, failed chunks, exceptions)', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
