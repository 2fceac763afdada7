// Live conversation changes, live retention purges, audited support actions and
// accent-insensitive search, against the real server (SQLite by default, PostgreSQL with
// MERIDIAN_TEST_DATABASE_URL).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live, settle } from './lib/live.mjs';

const DAY = 24 * 3600 * 1000;

describe('live conversation changes, purges, support audit, accents', () => {
  let server, admin, ana, ben, cleo, ada, abe, emma, carl, team, team2;
  const sockets = [];
  const connect = async (who) => {
    const ws = live(server, who.token);
    sockets.push(ws);
    await ws.opened;
    await ws.next((m) => m.type === 'hello');
    return ws;
  };
  const create = async (who, body) => {
    const r = await api(server, 'POST', '/api/v1/conversations', { token: who.token, body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const post = (who, id, text, client_id) =>
    api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: who.token, body: { text, client_id } });

  before(async () => {
    server = await startServer({ webRoot: false, env: { MERIDIAN_RETENTION_ALLOW_RUN_AS_OF: '1' } });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.lo@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.lo@example.test', display_name: 'Ben' });
    cleo = await createUser(server, admin, { email: 'cleo.lo@example.test', display_name: 'Cleo' });
    emma = await createUser(server, admin, { email: 'emma.lo@example.test', display_name: 'Emma' });
    ada = await createUser(server, admin, { email: 'ada.lo@example.test', display_name: 'Ada', kind: 'agent' });
    abe = await createUser(server, admin, { email: 'abe.lo@example.test', display_name: 'Abe', kind: 'agent' });
    carl = await createUser(server, admin, { email: 'carl.lo@example.test', display_name: 'Carl', kind: 'customer' });
    team = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Support LO' } })).json;
    team2 = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Billing LO' } })).json;
    await api(server, 'PUT', `/api/v1/admin/teams/${team.id}/members/${ada.user.id}`, { token: admin });
    await api(server, 'PUT', `/api/v1/admin/teams/${team.id}/members/${abe.user.id}`, { token: admin });
    await api(server, 'PUT', `/api/v1/admin/teams/${team.id}/members/${emma.user.id}`, { token: admin });
    await api(server, 'PUT', '/api/v1/admin/support/routes/default', { token: admin, body: { team_id: team.id } });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
  });

  it('conversation.updated reaches every member live on rename, topic, settings and role changes; refusals are precise', async () => {
    const ch = await create(ana, { kind: 'channel', name: 'roadmap', visibility: 'public' });
    await api(server, 'POST', `/api/v1/conversations/${ch.id}/join`, { token: ben.token });
    const benWs = await connect(ben);
    const cleoWs = await connect(cleo);

    const renamed = await api(server, 'PATCH', `/api/v1/conversations/${ch.id}`, { token: ana.token, body: { name: 'roadmap-2027', topic: 'Plans for next year' } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.json.name, 'roadmap-2027');
    assert.equal(renamed.json.my_role, 'owner');
    const seen = await benWs.next((m) => m.type === 'conversation.updated' && m.conversation_id === ch.id);
    assert.equal(seen.change, 'details');
    assert.equal(seen.conversation.name, 'roadmap-2027');
    assert.equal(seen.conversation.topic, 'Plans for next year');
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${ch.id}`, { token: ben.token })).json.topic, 'Plans for next year');

    const settings = await api(server, 'PATCH', `/api/v1/conversations/${ch.id}/settings`, { token: ana.token, body: { announcement: true } });
    assert.equal(settings.status, 200, settings.text);
    const s = await benWs.next((m) => m.type === 'conversation.updated' && m.change === 'settings');
    assert.equal(s.conversation.settings.announcement, true);

    const role = await api(server, 'PATCH', `/api/v1/conversations/${ch.id}/members/${ben.user.id}`, { token: ana.token, body: { role: 'moderator' } });
    assert.equal(role.status, 200, role.text);
    const r = await benWs.next((m) => m.type === 'conversation.updated' && m.change === 'member');
    assert.deepEqual(r.member, { user_id: ben.user.id, role: 'moderator', can_post: r.member.can_post });

    // Refusals: a plain member, a non-member, a direct conversation, bad bodies.
    const g = await create(ana, { kind: 'group', name: 'pair', member_ids: [cleo.user.id] });
    await api(server, 'PATCH', `/api/v1/conversations/${g.id}/members/${cleo.user.id}`, { token: ana.token, body: { role: 'member' } });
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${g.id}`, { token: cleo.token, body: { topic: 'mine now' } })).status, 403);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${ch.id}`, { token: cleo.token, body: { topic: 'x' } })).status, 403, 'not joined');
    const dm = await create(ana, { kind: 'direct', member_ids: [ben.user.id] });
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${dm.id}`, { token: ana.token, body: { name: 'x' } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${ch.id}`, { token: ana.token, body: {} })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${ch.id}`, { token: ana.token, body: { name: '' } })).status, 400, 'a channel keeps a name');
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${ch.id}`, { token: ana.token, body: { colour: 'red' } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${ch.id}`, { token: ana.token, body: { topic: 't'.repeat(251) } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${ch.id}`, { token: ana.token, body: { topic: 'a\u0007b' } })).status, 400);
    assert.equal((await api(server, 'PATCH', '/api/v1/conversations/999999', { token: ana.token, body: { topic: 'x' } })).status, 404);

    await settle();
    assert.ok(!cleoWs.inbox.some((m) => m.type === 'conversation.updated' && m.conversation_id === ch.id), 'a non-member heard of it');
  });

  it('a retention purge reaches members live as messages.purged; outsiders hear nothing', async () => {
    const g = await create(ana, { kind: 'group', name: 'ephemeral', member_ids: [ben.user.id] });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await post(ana, g.id, `short-lived ${i}`, `p${i}`)).json.id);
    const benWs = await connect(ben);
    const cleoWs = await connect(cleo);
    assert.equal((await api(server, 'PUT', `/api/v1/admin/retention/policies/conversation:${g.id}`, { token: admin, body: { keep_days: 1 } })).status, 200);
    const run = await api(server, 'POST', '/api/v1/admin/retention/run', { token: admin, body: { as_of: Date.now() + 2 * DAY } });
    assert.equal(run.status, 200, run.text);
    const purged = await benWs.next((m) => m.type === 'messages.purged' && m.conversation_id === g.id);
    assert.deepEqual([...purged.message_ids].sort((a, b) => a - b), ids.sort((a, b) => a - b));
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${g.id}/messages`, { token: ben.token })).json.items.length, 0);
    await settle();
    assert.ok(!cleoWs.inbox.some((m) => m.type === 'messages.purged' && m.conversation_id === g.id));
    await api(server, 'DELETE', `/api/v1/admin/retention/policies/conversation:${g.id}`, { token: admin });
  });

  it('a purge takes its place in the change order; a thread root that stays follows with its new count', async () => {
    const g = await create(ben, { kind: 'group', name: 'threads-expire', member_ids: [ana.user.id] });
    const root = (await post(ana, g.id, 'root by ana (on hold)', 'tr1')).json;
    const reply = (await api(server, 'POST', `/api/v1/conversations/${g.id}/messages`, { token: ben.token, body: { text: 'reply by ben', client_id: 'tr2', thread_root_id: root.id } })).json;
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${g.id}/leave`, { token: ana.token })).status, 204);
    const benWs = await connect(ben);
    // Ana's messages are on hold (she left, so the conversation itself is not held): her
    // root stays while Ben's reply expires.
    assert.equal((await api(server, 'PUT', `/api/v1/admin/retention/holds/user:${ana.user.id}`, { token: admin, body: { reason: 'case 9' } })).status, 200);
    assert.equal((await api(server, 'PUT', `/api/v1/admin/retention/policies/conversation:${g.id}`, { token: admin, body: { keep_days: 1 } })).status, 200);
    const before = (await api(server, 'GET', `/api/v1/conversations/${g.id}`, { token: ben.token })).json.last_seq;
    const run = await api(server, 'POST', '/api/v1/admin/retention/run', { token: admin, body: { as_of: Date.now() + 2 * DAY } });
    assert.equal(run.status, 200, run.text);
    const purged = await benWs.next((m) => m.type === 'messages.purged' && m.conversation_id === g.id);
    assert.deepEqual(purged.message_ids, [reply.id]);
    assert.equal(purged.change_seq, before + 1);
    const updated = await benWs.next((m) => m.type === 'message.updated' && m.conversation_id === g.id);
    assert.equal(updated.message.id, root.id);
    assert.equal(updated.message.reply_count, 0);
    assert.equal(updated.change_seq, before + 2);
    // The same two changes, from storage, for someone who was away.
    const changes = (await api(server, 'GET', `/api/v1/conversations/${g.id}/changes?after=${before}`, { token: ben.token })).json;
    assert.deepEqual(changes.events, [{ type: 'messages.purged', conversation_id: g.id, change_seq: before + 1, message_ids: [reply.id] }]);
    assert.deepEqual(changes.items.map((m) => [m.id, m.change_seq, m.reply_count]), [[root.id, before + 2, 0]]);
    assert.equal(changes.to, before + 2);
    assert.equal(changes.has_more, false);
    await api(server, 'DELETE', `/api/v1/admin/retention/holds/user:${ana.user.id}`, { token: admin });
    await api(server, 'DELETE', `/api/v1/admin/retention/policies/conversation:${g.id}`, { token: admin });
  });

  it('support: claim, assign, transfer, close and reopen are in the audit log; customers and non-agents are refused', async () => {
    const opened = await api(server, 'POST', '/api/v1/support/conversations', { token: carl.token, body: { subject: 'broken invoice', text: 'my invoice is wrong', client_id: 'lo1' } });
    assert.equal(opened.status, 201, opened.text);
    const id = opened.json.id;
    const act = (who, what, body) => api(server, 'POST', `/api/v1/support/conversations/${id}/${what}`, { token: who.token, body });

    // Where it can go: teams with agents (agents and admins only).
    assert.equal((await api(server, 'GET', '/api/v1/support/teams', { token: carl.token })).status, 403);
    assert.equal((await api(server, 'GET', '/api/v1/support/teams', { token: ben.token })).status, 403);
    const teams = await api(server, 'GET', '/api/v1/support/teams', { token: ada.token });
    assert.equal(teams.status, 200, teams.text);
    const mine = teams.json.items.find((t) => t.id === team.id);
    assert.deepEqual(mine.agents.map((a) => a.display_name), ['Abe', 'Ada'], 'agents only, not Emma the employee');
    assert.ok(!teams.json.items.some((t) => t.id === team2.id), 'a team without agents is no target');

    assert.equal((await act(carl, 'claim')).status, 403, 'a customer cannot claim');
    assert.equal((await act(ben, 'claim')).status, 403, 'an employee who is not an agent cannot claim');
    assert.equal((await act(emma, 'claim')).status, 403, 'an employee in the team is still no agent');
    assert.equal((await act(ada, 'claim')).status, 200);
    assert.equal((await act(abe, 'claim')).status, 409, 'taken');
    assert.equal((await act(carl, 'assign', { agent_id: abe.user.id })).status, 403);
    assert.equal((await act(ada, 'assign', { agent_id: abe.user.id })).status, 200);
    // Internal notes: agents only.
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/notes`, { token: abe.token, body: { text: 'customer is on the old plan' } })).status, 201);
    const carlNotes = await api(server, 'GET', `/api/v1/support/conversations/${id}/notes`, { token: carl.token });
    assert.equal(carlNotes.status, 403);
    assert.ok(!carlNotes.text.includes('old plan'));
    const carlHistory = await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: carl.token });
    assert.ok(!carlHistory.text.includes('old plan'));
    assert.equal((await act(abe, 'transfer', { team_id: team2.id })).status, 200); // a team without agents yet: queued there
    assert.equal((await act(carl, 'close')).status, 200);
    assert.equal((await act(carl, 'reopen')).status, 200);

    const audit = await api(server, 'GET', `/api/v1/admin/audit?action=support.*&target=support:${id}`, { token: admin });
    assert.equal(audit.status, 200, audit.text);
    const actions = audit.json.items.map((e) => e.action).reverse();
    assert.deepEqual(actions, ['support.claim', 'support.assign', 'support.transfer', 'support.close', 'support.reopen']);
    const claim = audit.json.items.at(-1);
    assert.equal(claim.actor_id ?? claim.actor?.id, ada.user.id, JSON.stringify(claim));
    assert.ok(!audit.text.includes('invoice'), 'no subject or message text in the audit log');
    assert.ok(!audit.text.includes('old plan'));
    assert.equal((await api(server, 'GET', '/api/v1/admin/audit?action=support.*', { token: ada.token })).status, 403);
  });

  it('search ignores accents on both stores, and the snippet keeps them', async () => {
    const g = await create(ana, { kind: 'group', name: 'viagem', member_ids: [ben.user.id] });
    assert.equal((await post(ana, g.id, 'Olá! Encontro em São Paulo, depois München', 'a1')).status, 201);
    const search = (q) => api(server, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}&conversation_id=${g.id}`, { token: ben.token });
    for (const q of ['sao paulo', 'SÃO', 'munchen', 'ola', 'olá']) {
      const r = await search(q);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.items.length, 1, `${q}: ${r.text}`);
    }
    assert.ok((await search('sao')).json.items[0].snippet.includes('\u0002São\u0003'));
    assert.equal((await search('munich')).json.items.length, 0);
  });
});
