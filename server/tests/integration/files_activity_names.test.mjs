// The files activity log names the people and teams a file was shared with (issue 15,
// defect 11): "Ana shared budget.txt with Ben Names (viewer)", not "user 6 viewer". The
// name is looked up when the log is read, so it follows a rename or an erasure.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

describe('files: activity names who a file was shared with', () => {
  let server, admin, ana, ben, team, file;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.names@example.test', display_name: 'Ana Names' });
    ben = await createUser(server, admin, { email: 'ben.names@example.test', display_name: 'Ben Names' });
    const t = await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Support Lisbon' } });
    assert.equal(t.status, 201, t.text);
    team = t.json;
    const spaces = await api(server, 'GET', '/api/v1/spaces', { token: ana.token });
    const mine = spaces.json.items.find((s) => s.kind === 'personal');
    const up = await api(server, 'POST', `/api/v1/spaces/${mine.id}/files?name=budget.txt&parent_id=0`, {
      token: ana.token,
      raw: Buffer.from('numbers'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(up.status, 201, up.text);
    file = up.json;
  });
  after(async () => server?.stop());

  it('gives the grantee of a share and of an unshare by name, in JSON and CSV', async () => {
    const toBen = await api(server, 'POST', `/api/v1/files/${file.id}/grants`, {
      token: ana.token,
      body: { grantee_kind: 'user', grantee_id: ben.user.id, role: 'viewer' },
    });
    assert.equal(toBen.status, 201, toBen.text);
    const toTeam = await api(server, 'POST', `/api/v1/files/${file.id}/grants`, {
      token: ana.token,
      body: { grantee_kind: 'team', grantee_id: team.id, role: 'editor' },
    });
    assert.equal(toTeam.status, 201, toTeam.text);
    const removed = await api(server, 'DELETE', `/api/v1/grants/${toBen.json.id}`, { token: ana.token });
    assert.equal(removed.status, 204, removed.text);

    const log = await api(server, 'GET', `/api/v1/files/${file.id}/activity`, { token: ana.token });
    assert.equal(log.status, 200, log.text);
    const shares = log.json.items.filter((a) => a.action === 'grant' || a.action === 'ungrant');
    const seen = shares.map((a) => `${a.actor_name} ${a.action} ${a.target_kind}:${a.target_name} ${a.role ?? ''}`.trim());
    assert.deepEqual(seen, [
      `Ana Names ungrant user:Ben Names`,
      `Ana Names grant team:Support Lisbon editor`,
      `Ana Names grant user:Ben Names viewer`,
    ]);
    assert.equal(shares.at(-1).target_id, ben.user.id);

    const csv = await api(server, 'GET', `/api/v1/files/${file.id}/activity?format=csv`, { token: ana.token });
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.text.split('\r\n')[0], /,target_kind,target_id,target_name$/);
    assert.match(csv.text, /"Ben Names"/);
    assert.match(csv.text, /"Support Lisbon"/);
  });

  it('follows a rename of the person shared with', async () => {
    const renamed = await api(server, 'PATCH', `/api/v1/admin/users/${ben.user.id}`, { token: admin, body: { display_name: 'Benedita Names' } });
    assert.equal(renamed.status, 200, renamed.text);
    const log = await api(server, 'GET', `/api/v1/files/${file.id}/activity?action=grant`, { token: ana.token });
    assert.ok(log.json.items.some((a) => a.target_name === 'Benedita Names'), log.text);
  });
});
