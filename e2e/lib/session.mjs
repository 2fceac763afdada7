// Setup shared by the browser tests: the REST helper, creating people as the admin,
// signing in through the login page, and collecting what went wrong on a page.
import assert from 'node:assert/strict';
import { launchChromium } from './browser.mjs';

/** REST call against the server: { status, json } (json undefined when the body is not JSON). */
export async function request(baseUrl, method, path, token, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

/** Signs in as the server's admin; returns the login answer ({ token, ... }). */
export async function adminLogin(server) {
  const { json } = await request(server.url, 'POST', '/api/v1/auth/login', null, { email: server.adminEmail, password: server.adminPassword });
  return json;
}

/**
 * Creates each person as the admin (kind from person.kind, else `kind`), asserts 201 and sets person.id.
 * Returns the admin's login answer.
 */
export async function createPeople(server, people, { kind = 'employee', country = 'PT', timeZone = 'Europe/Lisbon' } = {}) {
  const login = await adminLogin(server);
  for (const person of people) {
    const created = await request(server.url, 'POST', '/api/v1/admin/users', login.token, {
      email: person.email,
      display_name: person.name,
      password: person.password,
      kind: person.kind ?? kind,
      country,
      time_zone: timeZone,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    person.id = created.json.id;
  }
  return login;
}

/** Fills the login form as `who` ({ email, password }) and presses Enter. */
export async function submitLogin(page, baseUrl, who) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[name="email"]').fill(who.email);
  await page.locator('input[name="password"]').fill(who.password);
  await page.locator('input[name="password"]').press('Enter');
}

/**
 * Waits until the page's live link is up: the shell shows "connected" once the server said
 * hello, i.e. registered the socket for its events. A page that was just loaded (goto,
 * reload) opens a new socket: wait for this before another page or the API causes an
 * event this page must see live.
 */
export async function liveLink(page) {
  await page.locator('[data-testid="realtime-status"].connected').waitFor();
}

/** Signs in as `who` and waits for the shell and a connected realtime link. */
export async function signIn(page, baseUrl, who) {
  await submitLogin(page, baseUrl, who);
  await page.getByTestId('user-menu').waitFor();
  await liveLink(page);
}

/** Console errors other than expected 401/403 answers. */
const isConsoleProblem = (message) => message.type() === 'error' && !/status of 40[13]/.test(message.text());

/** Records dialogs (dismissed), console errors and page errors of `page` in `problems`, prefixed with `who`. */
export function watchProblems(page, who, problems) {
  page.on('dialog', async (dialog) => {
    problems.push(`${who}: a ${dialog.type()} dialog fired: ${dialog.message()}`);
    await dialog.dismiss().catch(() => undefined);
  });
  page.on('console', (message) => {
    if (isConsoleProblem(message)) problems.push(`${who}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${who}: ${error.message}`));
}

/** Records console errors and page errors (not dialogs) of `page` in `problems`, prefixed with `who`. */
export function watchErrors(page, who, problems) {
  page.on('console', (message) => {
    if (isConsoleProblem(message)) problems.push(`${who}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${who}: ${error.message}`));
}

/** A page in a fresh 1280x800 en-GB context (time zone UTC unless given) with a default timeout. */
export async function newPage(browser, { timeout, timezoneId = 'UTC', ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId, ...contextOptions });
  const page = await context.newPage();
  if (timeout) page.setDefaultTimeout(timeout);
  return page;
}

/** A fresh page (options as newPage) signed in as `who`, its errors recorded in `problems`, showing the Files page. */
export async function openFilesPage(browser, baseUrl, who, problems, options = {}) {
  const page = await newPage(browser, options);
  watchErrors(page, who.name, problems);
  await submitLogin(page, baseUrl, who);
  await page.getByTestId('user-menu').waitFor();
  await page.getByTestId('nav-files').click();
  await page.getByTestId('files-page').waitFor();
  return page;
}

/**
 * One person's browser for a test file: Chromium and a fresh page (options as newPage, e.g.
 * { timeout, timezoneId }) whose dialogs, console errors and page errors land in `problems`
 * under `name`, signed in as `who`. `browser` opens more pages; close() closes it all (safe
 * to call when something failed before).
 */
export async function browserSession(server, who, { problems, name = who.name, ...pageOptions } = {}) {
  const browser = await launchChromium();
  const close = () => browser.close().catch(() => undefined);
  try {
    const page = await newPage(browser, pageOptions);
    watchProblems(page, name, problems);
    await signIn(page, server.url, who);
    return { browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
