// A team's region in Admin -> Teams (issue 15, defect 7): a US admin making "Support EU" picks
// EU (the form starts at the admin's own region), sees it, and can move the team later.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { adminLogin, newPage, request, signIn, watchErrors } from '../lib/session.mjs';

describe('team region', () => {
  let server;
  let browser;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const nora = { email: `nora.${tag}@example.test`, name: 'Nora Admin', password: `pw-${randomBytes(8).toString('hex')}` };

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    const admin = await adminLogin(server);
    const made = await request(server.url, 'POST', '/api/v1/admin/users', admin.token, {
      email: nora.email, display_name: nora.name, password: nora.password, kind: 'employee', country: 'US', time_zone: 'America/New_York', roles: ['admin'],
    });
    assert.equal(made.status, 201, JSON.stringify(made.json));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is chosen when the team is made, shown, and changed later', async () => {
    const page = await newPage(browser, { timeout: 20_000 });
    watchErrors(page, 'nora', problems);
    await signIn(page, server.url, nora);
    await page.goto(`${server.url}/admin/teams`);
    const region = page.getByTestId('team-region');
    await region.waitFor();
    assert.equal(await region.inputValue(), 'AMER', "starts at the admin's own region");
    await page.getByTestId('team-name').fill(`Support EU ${tag}`);
    await region.selectOption('EU');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByTestId('team-detail-region').filter({ hasText: 'Region EU' }).waitFor();
    await screenshot(page, 'team-region-created');

    await page.getByTestId('team-region-edit').selectOption('APAC');
    await page.getByTestId('team-region-saved').waitFor();
    await page.getByTestId('team-detail-region').filter({ hasText: 'Region APAC' }).waitFor();
    const token = (await request(server.url, 'POST', '/api/v1/auth/login', null, { email: nora.email, password: nora.password })).json.token;
    const teams = await request(server.url, 'GET', '/api/v1/admin/teams', token);
    assert.equal(teams.json.items.find((t) => t.name === `Support EU ${tag}`)?.region, 'APAC');
    await screenshot(page, 'team-region-moved');
    assert.deepEqual(problems, []);
  });
});
