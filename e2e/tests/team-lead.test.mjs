// Team leads in Admin -> Teams (issue 11): an admin makes a member the team's lead with one
// button, sees the Lead badge, and the lead may then send an alert to that team (the policy;
// refusals are in server/tests/integration/alerts_team_leads.test.mjs). Taking the role back
// removes the badge and the right.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { adminLogin, newPage, request, signIn, watchErrors } from '../lib/session.mjs';

describe('team lead', () => {
  let server;
  let browser;
  let admin;
  let team;
  let lina;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const nora = { email: `nora.${tag}@example.test`, name: 'Nora Admin', password: `pw-${randomBytes(8).toString('hex')}` };
  const linaLogin = { email: `lina.${tag}@example.test`, password: `pw-${randomBytes(8).toString('hex')}` };
  const send = (token) =>
    request(server.url, 'POST', '/api/v1/alerts', token, { title: 'Standup moved', priority: 'info', audience: { team_ids: [team.id] } });

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    admin = await adminLogin(server);
    const made = await request(server.url, 'POST', '/api/v1/admin/users', admin.token, {
      email: nora.email, display_name: nora.name, password: nora.password, kind: 'employee', country: 'DE', time_zone: 'Europe/Berlin', roles: ['admin'],
    });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    const member = await request(server.url, 'POST', '/api/v1/admin/users', admin.token, {
      email: linaLogin.email, display_name: 'Lina Lead', password: linaLogin.password, kind: 'agent', country: 'DE', time_zone: 'Europe/Berlin',
    });
    assert.equal(member.status, 201, JSON.stringify(member.json));
    lina = member.json;
    team = (await request(server.url, 'POST', '/api/v1/admin/teams', admin.token, { name: `Support ${tag}` })).json;
    assert.equal((await request(server.url, 'PUT', `/api/v1/admin/teams/${team.id}/members/${lina.id}`, admin.token)).status, 204);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is given and taken back in Admin -> Teams', async () => {
    const linaToken = (await request(server.url, 'POST', '/api/v1/auth/login', null, linaLogin)).json.token;
    assert.equal((await send(linaToken)).status, 403, 'a plain member may not send to the team');

    const page = await newPage(browser, { timeout: 20_000 });
    watchErrors(page, 'nora', problems);
    await signIn(page, server.url, nora);
    await page.goto(`${server.url}/admin/teams`);
    await page.getByRole('button', { name: new RegExp(`Support ${tag}`) }).click();
    await page.getByTestId(`team-lead-toggle-${lina.id}`).click();
    await page.getByTestId('team-lead-badge').waitFor();
    await page.getByTestId(`team-lead-toggle-${lina.id}`).filter({ hasText: 'Remove lead' }).waitFor();
    await screenshot(page, 'team-lead-made');
    const detail = await request(server.url, 'GET', `/api/v1/admin/teams/${team.id}`, admin.token);
    assert.deepEqual(detail.json.lead_ids, [lina.id]);
    assert.equal((await send(linaToken)).status, 201, 'the lead sends to their team');

    await page.getByTestId(`team-lead-toggle-${lina.id}`).click();
    await page.getByTestId(`team-lead-toggle-${lina.id}`).filter({ hasText: 'Make lead' }).waitFor();
    assert.equal(await page.getByTestId('team-lead-badge').count(), 0);
    assert.equal((await send(linaToken)).status, 403, 'no longer a lead');
    assert.deepEqual(problems, []);
  });
});
