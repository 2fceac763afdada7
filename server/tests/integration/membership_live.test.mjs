// Membership changes are pushed live (issue 15, defect 4): someone added to a group or
// channel learns it at once (before anyone posts, without reloading), someone removed learns
// it is gone, and the members see the member list change. Across nodes: multinode.test.mjs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live, settle } from './lib/live.mjs';

describe('membership changes are pushed live', () => {
  let server, admin, ana, ben, cleo, dan;
  const sockets = [];
  const open = async (who) => {
    const ws = live(server, who.token);
    sockets.push(ws);
    await ws.opened;
    return ws;
  };
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.members@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.members@example.test', display_name: 'Ben' });
    cleo = await createUser(server, admin, { email: 'cleo.members@example.test', display_name: 'Cleo' });
    dan = await createUser(server, admin, { email: 'dan.members@example.test', display_name: 'Dan' });
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await server?.stop();
  });

  it('tells the people a new group is made with, and only them', async () => {
    const [wb, wd] = [await open(ben), await open(dan)];
    const made = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Launch', member_ids: [ben.user.id] } });
    assert.equal(made.status, 201, made.text);
    const told = await wb.next((m) => m.type === 'conversation.added');
    assert.deepEqual(told, { type: 'conversation.added', conversation_id: made.json.id, by: ana.user.id });
    await settle(300);
    assert.equal(wd.inbox.filter((m) => m.conversation_id === made.json.id).length, 0, 'Dan is not in it');
    // What the added person does next: read it, as GET /conversations/{id} answers.
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${made.json.id}`, { token: ben.token })).status, 200);
  });

  it('tells the added, the removed and the members when people are added, removed or leave', async () => {
    const made = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Crew', member_ids: [ben.user.id] } });
    const id = made.json.id;
    const [wb, wc] = [await open(ben), await open(cleo)];
    const add = await api(server, 'PUT', `/api/v1/conversations/${id}/members/${cleo.user.id}`, { token: ana.token });
    assert.ok(add.status < 300, add.text);
    assert.equal((await wc.next((m) => m.type === 'conversation.added' && m.conversation_id === id)).by, ana.user.id);
    const seen = await wb.next((m) => m.type === 'conversation.members' && m.conversation_id === id);
    assert.deepEqual([seen.added, seen.removed], [[cleo.user.id], []]);

    const remove = await api(server, 'DELETE', `/api/v1/conversations/${id}/members/${ben.user.id}`, { token: ana.token });
    assert.equal(remove.status, 204, remove.text);
    assert.equal((await wb.next((m) => m.type === 'conversation.removed' && m.conversation_id === id)).by, ana.user.id);
    const after = await wc.next((m) => m.type === 'conversation.members' && m.conversation_id === id);
    assert.deepEqual([after.added, after.removed], [[], [ben.user.id]]);

    const left = await api(server, 'POST', `/api/v1/conversations/${id}/leave`, { token: cleo.token });
    assert.equal(left.status, 204, left.text);
    // Cleo's other devices learn it too.
    assert.equal((await wc.next((m) => m.type === 'conversation.removed' && m.conversation_id === id)).by, cleo.user.id);
  });

  it('tells nothing for a refused change', async () => {
    const made = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Closed', member_ids: [ben.user.id] } });
    const wd = await open(dan);
    // Dan is no member: he cannot add himself, and nobody hears of it.
    const refused = await api(server, 'PUT', `/api/v1/conversations/${made.json.id}/members/${dan.user.id}`, { token: dan.token });
    assert.equal(refused.status, 404, refused.text);
    await settle(300);
    assert.equal(wd.inbox.filter((m) => m.conversation_id === made.json.id).length, 0);
  });
});
