// Directories for pickers: teams and customers, for staff only. Customers never list other
// customers, guests (accounts or meeting guest passes) see nothing, signed-out callers get 401.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

describe('directories for pickers (teams, customers)', () => {
  let server, admin, emp, agent, cust, cust2, guest, team;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    emp = await createUser(server, admin, { email: 'dir.emp@example.test', display_name: 'Dora Emp' });
    agent = await createUser(server, admin, { email: 'dir.agent@example.test', display_name: 'Abe Agent', kind: 'agent' });
    cust = await createUser(server, admin, { email: 'dir.cust@example.test', display_name: 'Carla Customer', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
    cust2 = await createUser(server, admin, { email: 'dir.cust2@example.test', display_name: 'Chris Client', kind: 'customer', country: 'IN', time_zone: 'Asia/Kolkata' });
    guest = await createUser(server, admin, { email: 'dir.guest@example.test', display_name: 'Gail Guest', kind: 'guest' });
    team = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Tax desk' } })).json;
    for (const u of [emp, agent])
      assert.equal((await api(server, 'PUT', `/api/v1/admin/teams/${team.id}/members/${u.user.id}`, { token: admin })).status, 204);
  });
  after(async () => { await server?.stop(); });

  it('lists teams with their member count for employees, agents and admins', async () => {
    for (const token of [emp.token, agent.token, admin]) {
      const r = await api(server, 'GET', '/api/v1/teams', { token });
      assert.equal(r.status, 200, r.text);
      const t = r.json.items.find((x) => x.id === team.id);
      assert.deepEqual(t, { id: team.id, name: 'Tax desk', member_count: 2, lead_ids: [] });
    }
  });

  it('lists customers for staff, searchable, without account internals', async () => {
    const all = await api(server, 'GET', '/api/v1/customers', { token: emp.token });
    assert.equal(all.status, 200, all.text);
    assert.ok(all.json.items.length >= 2);
    assert.ok(all.json.items.every((u) => u.kind === 'customer'), 'only customers');
    const carla = all.json.items.find((u) => u.id === cust.user.id);
    assert.deepEqual(carla, { id: cust.user.id, display_name: 'Carla Customer', email: 'dir.cust@example.test', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
    const found = await api(server, 'GET', '/api/v1/customers?q=chris', { token: agent.token });
    assert.deepEqual(found.json.items.map((u) => u.id), [cust2.user.id]);
    const page = await api(server, 'GET', '/api/v1/customers?limit=1&offset=1', { token: admin });
    assert.equal(page.json.items.length, 1);
    assert.equal((await api(server, 'GET', '/api/v1/customers?limit=x', { token: emp.token })).status, 400);
    // Deactivated customers are not offered.
    assert.equal((await api(server, 'POST', `/api/v1/admin/users/${cust2.user.id}/deactivate`, { token: admin })).status, 200);
    const after = await api(server, 'GET', '/api/v1/customers?q=chris', { token: emp.token });
    assert.deepEqual(after.json.items, []);
    assert.equal(after.json.total, 0);
  });

  it('lists guests for invitations only when asked (?include=guests), never customers', async () => {
    const plain = await api(server, 'GET', '/api/v1/users?q=gail', { token: emp.token });
    assert.equal(plain.status, 200, plain.text);
    assert.deepEqual(plain.json.items, [], 'the plain directory is employees and agents');
    const withGuests = await api(server, 'GET', '/api/v1/users?q=gail&include=guests', { token: emp.token });
    assert.equal(withGuests.status, 200, withGuests.text);
    assert.deepEqual(withGuests.json.items.map((u) => [u.id, u.kind]), [[guest.user.id, 'guest']]);
    const everyone = await api(server, 'GET', '/api/v1/users?include=guests&limit=200', { token: agent.token });
    assert.ok(everyone.json.items.every((u) => u.kind !== 'customer'), 'customers are never in the people directory');
    const wrong = await api(server, 'GET', '/api/v1/users?include=customers', { token: emp.token });
    assert.equal(wrong.status, 400);
    assert.match(wrong.json.error.message, /include must be 'guests'/);
    for (const token of [cust.token, guest.token])
      assert.equal((await api(server, 'GET', '/api/v1/users?include=guests', { token })).status, 403);
  });

  it('refuses customers, guests, meeting guest passes and the signed-out', async () => {
    for (const token of [cust.token, guest.token]) {
      for (const path of ['/api/v1/customers', '/api/v1/teams']) {
        const r = await api(server, 'GET', path, { token });
        assert.equal(r.status, 403, `${path}: ${r.text}`);
        assert.equal(r.json.error.code, 'forbidden');
      }
    }
    // A customer asking for customers by name gets nothing either.
    assert.equal((await api(server, 'GET', '/api/v1/customers?q=carla', { token: cust.token })).status, 403);
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: emp.token, body: { title: 'Dir' } })).json;
    const pass = (await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Walk-in' } })).json;
    for (const path of ['/api/v1/customers', '/api/v1/teams']) {
      assert.equal((await api(server, 'GET', path, { token: pass.token })).status, 401);
      assert.equal((await api(server, 'GET', path)).status, 401);
    }
  });
});
