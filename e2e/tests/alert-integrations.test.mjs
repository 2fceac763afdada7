// Alert integrations in the browser (issue 11): an admin opens Integrations from the sent
// alerts, adds a JSON webhook integration for Germany and sees its secret once; a request
// signed with that secret (HMAC-SHA256 over "timestamp.body", as a sender would) is accepted
// and reaches Dora; a new secret is shown once and the old one stops working; an
// integration whose creator lost the admin role shows as suspended with the reason; delete
// removes it. The page fits 390x844 without sideways scrolling.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { adminLogin, createPeople, newPage, request, signIn, watchProblems } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 15_000;

describe('alerts: integrations page', () => {
  const tag = randomBytes(3).toString('hex');
  const dora = { email: `dora.${tag}@example.test`, name: 'Dora Decker', password: `pw-dora-${tag}-x1` };
  const rita = { email: `rita.${tag}@example.test`, name: 'Rita Root', password: `pw-rita-${tag}-x1` };
  const problems = [];
  let server, browser, admin;
  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const signed = async (name, secret, payload) => {
    const body = JSON.stringify(payload);
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${server.url}/api/v1/integrations/webhook/${name}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-meridian-timestamp': ts,
        'x-meridian-signature': 'sha256=' + createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex'),
      },
      body,
    });
    return res.status;
  };

  before(async () => {
    server = await startServer();
    await createPeople(server, [dora, rita], { country: 'DE', timeZone: 'Europe/Berlin' });
    admin = await adminLogin(server);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('an admin adds a webhook integration, sees its secret once, rotates it, sees a suspension and deletes it', async () => {
    // Rita, an admin for a while, made one; she is an admin no more.
    assert.equal((await api('PUT', `/api/v1/admin/users/${rita.id}/roles`, admin.token, { roles: ['admin'] })).status, 200);
    const ritaToken = (await api('POST', '/api/v1/auth/login', null, { email: rita.email, password: rita.password })).json.token;
    const old = await api('POST', '/api/v1/alerts/integrations', ritaToken, { name: `old-${tag}`, audience: { countries: ['DE'] } });
    assert.equal(old.status, 201, JSON.stringify(old.json));
    assert.equal((await api('PUT', `/api/v1/admin/users/${rita.id}/roles`, admin.token, { roles: ['employee'] })).status, 200);

    const page = await newPage(browser, { timeout: TIMEOUT });
    watchProblems(page, 'admin', problems);
    await signIn(page, server.url, { email: server.adminEmail, password: server.adminPassword });
    await page.goto(`${server.url}/alerts`);
    await page.getByTestId('sent-integrations').click();
    await page.waitForURL(/\/alerts\/integrations$/);
    const oldRow = page.getByTestId('integration-row').filter({ hasText: `old-${tag}` });
    assert.equal((await oldRow.getByTestId('integration-state').textContent()).trim(), 'Suspended');
    assert.match(await oldRow.getByTestId('integration-reason').textContent(), /no longer send alerts to everyone/);

    const name = `backups-${tag}`;
    await page.getByTestId('integration-name').fill(name);
    await page.getByTestId('integration-kind').selectOption('webhook');
    await page.getByTestId('integration-country').selectOption('DE');
    await page.getByTestId('integration-create').click();
    const secret = (await until(() => page.getByTestId('integration-secret').textContent(), (t) => t && t.length >= 32)).trim();
    await screenshot(page, 'alert-integrations-secret');
    const row = page.getByTestId('integration-row').filter({ hasText: name });
    await row.waitFor();
    assert.equal((await row.getByTestId('integration-state').textContent()).trim(), 'Active');

    // The secret works for a signed request, and the alert reaches Dora.
    assert.equal(await signed(name, secret, { title: `Backup failed ${tag}`, priority: 'warning' }), 201);
    const doras = (await api('POST', '/api/v1/auth/login', null, { email: dora.email, password: dora.password })).json.token;
    assert.ok((await api('GET', '/api/v1/alerts', doras)).json.items.some((a) => a.title === `Backup failed ${tag}`));

    // Done: the secret is gone from the page.
    await page.getByTestId('integration-secret-done').click();
    await until(() => page.getByTestId('integration-secret').count(), (n) => n === 0);

    // A new secret: shown once; the old one stops working.
    await row.getByTestId('integration-rotate').click();
    await page.getByTestId('confirm-ok').click();
    const rotated = (await until(() => page.getByTestId('integration-secret').textContent().catch(() => ''), (t) => t && t.trim().length >= 32 && t.trim() !== secret)).trim();
    assert.equal(await signed(name, secret, { title: 'old secret' }), 401);
    assert.equal(await signed(name, rotated, { title: `Rotated ${tag}` }), 201);
    await page.getByTestId('integration-secret-done').click();

    // At 390x844: everything reachable without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scroll at 390 px');
    await screenshot(page, 'alert-integrations-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, 'alert-integrations');

    // Delete the suspended one.
    await oldRow.getByTestId('integration-delete').click();
    await page.getByTestId('confirm-ok').click();
    await until(() => oldRow.count(), (n) => n === 0);
    const left = (await api('GET', '/api/v1/alerts/integrations', admin.token)).json.items.map((x) => x.name);
    assert.deepEqual(left, [name]);
    await page.close();
    assert.deepEqual(problems, []);
  });
});
