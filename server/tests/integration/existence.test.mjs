// Someone outside a conversation learns nothing about whether it exists: every chat
// route answers a non-member exactly as it answers for an id that was never used
// (issue 16, defect 5: `leave` on a direct or support conversation said 400).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

describe('conversations do not reveal that they exist', () => {
  let server, admin, ana, ben, eve, carl, dora, ada;
  const existing = {};
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.exist@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.exist@example.test', display_name: 'Ben' });
    eve = await createUser(server, admin, { email: 'eve.exist@example.test', display_name: 'Eve' });
    ada = await createUser(server, admin, { email: 'ada.exist@example.test', display_name: 'Ada', kind: 'agent' });
    carl = await createUser(server, admin, { email: 'carl.exist@example.test', display_name: 'Carl', kind: 'customer' });
    dora = await createUser(server, admin, { email: 'dora.exist@example.test', display_name: 'Dora', kind: 'customer' });
    const team = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Support exist' } })).json;
    await api(server, 'PUT', `/api/v1/admin/teams/${team.id}/members/${ada.user.id}`, { token: admin });
    await api(server, 'PUT', '/api/v1/admin/support/routes/default', { token: admin, body: { team_id: team.id } });
    const conversation = async (body) => {
      const r = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body });
      assert.ok(r.status < 300, r.text);
      return r.json.id;
    };
    existing.direct = await conversation({ kind: 'direct', member_ids: [ben.user.id] });
    existing.group = await conversation({ kind: 'group', name: 'Private', member_ids: [ben.user.id] });
    const support = await api(server, 'POST', '/api/v1/support/conversations', { token: carl.token, body: { subject: 'Invoice', text: 'Hello', client_id: 'c1' } });
    assert.equal(support.status, 201, support.text);
    existing.support = support.json.id;
    for (const id of [existing.direct, existing.group]) {
      const m = await api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: ana.token, body: { text: 'hi', client_id: `m${id}` } });
      assert.equal(m.status, 201, m.text);
    }
  });
  after(async () => server?.stop());

  // Every route under /conversations/{id}, with a body it accepts.
  const routes = (id) => [
    ['GET', `/api/v1/conversations/${id}`],
    ['PATCH', `/api/v1/conversations/${id}`, { topic: 'x' }],
    ['GET', `/api/v1/conversations/${id}/changes?after=0`],
    ['GET', `/api/v1/conversations/${id}/members`],
    ['PUT', `/api/v1/conversations/${id}/members/${ana.user.id}`],
    ['PATCH', `/api/v1/conversations/${id}/members/${ana.user.id}`, { role: 'member' }],
    ['DELETE', `/api/v1/conversations/${id}/members/${ana.user.id}`],
    ['GET', `/api/v1/conversations/${id}/messages`],
    ['POST', `/api/v1/conversations/${id}/messages`, { text: 'probe', client_id: `probe-${id}` }],
    ['PATCH', `/api/v1/conversations/${id}/messages/1`, { text: 'probe' }],
    ['DELETE', `/api/v1/conversations/${id}/messages/1`],
    ['GET', `/api/v1/conversations/${id}/messages/1/replies`],
    ['POST', `/api/v1/conversations/${id}/messages/1/reactions`, { emoji: '👍' }],
    ['POST', `/api/v1/conversations/${id}/messages/1/read`, { seq: 1 }],
    ['PUT', `/api/v1/conversations/${id}/messages/1/follow`],
    ['DELETE', `/api/v1/conversations/${id}/messages/1/follow`],
    ['POST', `/api/v1/conversations/${id}/read`, { seq: 1 }],
    ['GET', `/api/v1/conversations/${id}/settings`],
    ['PATCH', `/api/v1/conversations/${id}/settings`, { announcement: true }],
    ['POST', `/api/v1/conversations/${id}/join`],
    ['POST', `/api/v1/conversations/${id}/leave`],
    ['GET', `/api/v1/conversations/${id}/retention`],
    ['GET', `/api/v1/conversations/${id}/space`],
  ];
  const answer = async (who, [method, path, body]) => {
    const r = await api(server, method, path, { token: who.token, body });
    return { status: r.status, code: r.json?.error?.code, message: r.json?.error?.message };
  };

  for (const kind of ['direct', 'group', 'support']) {
    it(`a non-member gets the same answers for an existing ${kind} conversation as for no conversation`, async () => {
      const never = 9_000_000 + existing[kind];
      for (const outsider of [eve, dora]) {
        const probes = routes(existing[kind]);
        const controls = routes(never);
        for (let i = 0; i < probes.length; ++i) {
          const seen = await answer(outsider, probes[i]);
          const none = await answer(outsider, controls[i]);
          assert.ok(seen.status >= 400, `${probes[i][0]} ${probes[i][1]} let an outsider in: ${JSON.stringify(seen)}`);
          assert.deepEqual(seen, none, `${probes[i][0]} ${probes[i][1]} as ${outsider === eve ? 'an employee' : 'a customer'}`);
        }
      }
    });
  }
});
