// A team's region (issue 15, defect 7): chosen when the team is made (by default the
// creator's), changed with PATCH /api/v1/admin/teams/{id}, refused when not a region here;
// the team's file space follows it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

describe('teams: region', () => {
  let server, admin, nora;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    nora = await createUser(server, admin, { email: 'nora.region@example.test', display_name: 'Nora NY', country: 'US', time_zone: 'America/New_York', roles: ['admin'] });
  });
  after(async () => server?.stop());

  it('makes a team in the region chosen, else the creator’s, and refuses one that is not a region here', async () => {
    const eu = await api(server, 'POST', '/api/v1/admin/teams', { token: nora.token, body: { name: 'Support EU', region: 'EU' } });
    assert.equal(eu.status, 201, eu.text);
    assert.equal(eu.json.region, 'EU');
    const us = await api(server, 'POST', '/api/v1/admin/teams', { token: nora.token, body: { name: 'Support US' } });
    assert.equal(us.status, 201, us.text);
    assert.equal(us.json.region, 'AMER');
    const mars = await api(server, 'POST', '/api/v1/admin/teams', { token: nora.token, body: { name: 'Support Mars', region: 'MARS' } });
    assert.equal(mars.status, 400, mars.text);
    assert.match(mars.json.error.message, /AMER, APAC, EU, MEA/);
  });

  it('moves a team and its file space to another region', async () => {
    const team = await api(server, 'POST', '/api/v1/admin/teams', { token: nora.token, body: { name: 'Support Madrid' } });
    assert.equal(team.json.region, 'AMER');
    const space = await api(server, 'POST', '/api/v1/spaces', { token: nora.token, body: { kind: 'team', name: 'Madrid files', team_id: team.json.id } });
    assert.equal(space.status, 201, space.text);
    assert.equal(space.json.region, 'AMER');

    const moved = await api(server, 'PATCH', `/api/v1/admin/teams/${team.json.id}`, { token: nora.token, body: { region: 'EU' } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.region, 'EU');
    const detail = await api(server, 'GET', `/api/v1/admin/teams/${team.json.id}`, { token: nora.token });
    assert.equal(detail.json.region, 'EU');
    const spaces = await api(server, 'GET', '/api/v1/spaces', { token: nora.token });
    assert.equal(spaces.json.items.find((s) => s.id === space.json.id)?.region, 'EU', spaces.text);
  });

  it('refuses an unknown region, an unknown team and a non-admin', async () => {
    const team = await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Support Oslo', region: 'EU' } });
    assert.equal((await api(server, 'PATCH', `/api/v1/admin/teams/${team.json.id}`, { token: admin, body: { region: 'MARS' } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/admin/teams/${team.json.id}`, { token: admin, body: { region: 'EU', name: 'x' } })).status, 400);
    assert.equal((await api(server, 'PATCH', '/api/v1/admin/teams/99999', { token: admin, body: { region: 'EU' } })).status, 404);
    const ivo = await createUser(server, admin, { email: 'ivo.region@example.test', display_name: 'Ivo' });
    const refused = await api(server, 'PATCH', `/api/v1/admin/teams/${team.json.id}`, { token: ivo.token, body: { region: 'AMER' } });
    assert.ok([403, 404].includes(refused.status), refused.text);
    assert.equal((await api(server, 'GET', `/api/v1/admin/teams/${team.json.id}`, { token: admin })).json.region, 'EU');
  });
});
