// The audit table fits a 1280 px screen (issue 15, defect 12): long addresses and action names
// wrap inside their cells instead of pushing Details out of sight behind a sideways scroll.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, newPage, request, signIn, watchErrors } from '../lib/session.mjs';

describe('audit table at 1280 px', () => {
  let server;
  let browser;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const long = {
    email: `customer-success-escalations-and-renewals.${tag}@regional-subsidiary.example-holdings.test`,
    name: 'Long Address',
    password: `pw-${randomBytes(8).toString('hex')}`,
  };

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    await createPeople(server, [long]);
    const signedIn = await request(server.url, 'POST', '/api/v1/auth/login', null, { email: long.email, password: long.password });
    assert.equal(signedIn.status, 200);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows every column, Details included, without scrolling sideways', async () => {
    const page = await newPage(browser, { timeout: 20_000 });
    watchErrors(page, 'admin', problems);
    await signIn(page, server.url, { email: server.adminEmail, password: server.adminPassword });
    await page.goto(`${server.url}/admin/audit`);
    const table = page.getByTestId('audit-table');
    await table.locator('tbody tr', { hasText: long.email.slice(0, 20) }).first().waitFor();
    const { scroll, client } = await page.locator('.table-wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    await screenshot(page, 'admin-audit-1280');
    assert.ok(scroll <= client + 1, `the table is ${scroll} px wide in a ${client} px box: clipped`);
    const details = table.getByRole('button', { name: 'Details' }).first();
    const box = await details.boundingBox();
    assert.ok(box && box.x + box.width <= 1280, `Details at ${JSON.stringify(box)}`);
    assert.deepEqual(problems, []);
  });
});
