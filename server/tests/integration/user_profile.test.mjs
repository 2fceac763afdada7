// GET /api/v1/users/{id}, the profile card's "who is this" (issue 14): staff see anyone
// active in the directory's shape (kind, roles, teams with their role, country, region, zone);
// customers and guests only themselves; a hidden, unknown or deactivated id is 404 alike.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

describe('one person for their profile card', () => {
  let server, admin, ana, bob, carl, gil;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.card@example.test', display_name: 'Ana', country: 'PT', time_zone: 'Europe/Lisbon' });
    bob = await createUser(server, admin, { email: 'bob.card@example.test', display_name: 'Bob', kind: 'agent', country: 'US', time_zone: 'America/New_York' });
    carl = await createUser(server, admin, { email: 'carl.card@example.test', display_name: 'Carl', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
    gil = await createUser(server, admin, { email: 'gil.card@example.test', display_name: 'Gil', kind: 'guest', country: 'FR', time_zone: 'Europe/Paris' });
    const team = await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Support' } });
    assert.equal(team.status, 201, team.text);
    const lead = await api(server, 'PUT', `/api/v1/admin/teams/${team.json.id}/members/${bob.user.id}`, { token: admin, body: { role: 'lead' } });
    assert.ok([200, 204].includes(lead.status), lead.text);
  });
  after(async () => server?.stop());

  it('staff see a colleague: kind, roles, teams with their role, country, region, zone; not account internals', async () => {
    const r = await api(server, 'GET', `/api/v1/users/${bob.user.id}`, { token: ana.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.display_name, 'Bob');
    assert.equal(r.json.kind, 'agent');
    assert.deepEqual(r.json.roles, ['agent']);
    assert.deepEqual(r.json.teams.map((t) => [t.name, t.role]), [['Support', 'lead']]);
    assert.equal(r.json.country, 'US');
    assert.equal(r.json.region, 'AMER');
    assert.equal(r.json.time_zone, 'America/New_York');
    assert.ok(!('gdpr' in r.json) && !('active' in r.json), r.text);
    // Staff see customers too (a support conversation's customer).
    assert.equal((await api(server, 'GET', `/api/v1/users/${carl.user.id}`, { token: bob.token })).status, 200);
  });

  it('customers and guests see only themselves; anyone else is 404 like an unknown id', async () => {
    assert.equal((await api(server, 'GET', `/api/v1/users/${carl.user.id}`, { token: carl.token })).status, 200);
    assert.equal((await api(server, 'GET', `/api/v1/users/${gil.user.id}`, { token: gil.token })).status, 200);
    for (const [who, id] of [[carl, bob.user.id], [carl, gil.user.id], [gil, ana.user.id], [ana, 987654]]) {
      const r = await api(server, 'GET', `/api/v1/users/${id}`, { token: who.token });
      assert.equal(r.status, 404, r.text);
      assert.equal(r.json.error.code, 'not_found');
    }
    assert.equal((await api(server, 'GET', `/api/v1/users/${bob.user.id}`)).status, 401);
    assert.equal((await api(server, 'GET', '/api/v1/users/not-a-number', { token: ana.token })).status, 404);
  });

  it('a deactivated account is 404 to others', async () => {
    const dan = await createUser(server, admin, { email: 'dan.card@example.test', display_name: 'Dan' });
    assert.equal((await api(server, 'GET', `/api/v1/users/${dan.user.id}`, { token: ana.token })).status, 200);
    const off = await api(server, 'POST', `/api/v1/admin/users/${dan.user.id}/deactivate`, { token: admin });
    assert.equal(off.status, 200, off.text);
    assert.equal((await api(server, 'GET', `/api/v1/users/${dan.user.id}`, { token: ana.token })).status, 404);
  });
});
