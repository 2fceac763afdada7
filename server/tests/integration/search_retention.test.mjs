// Search isolation and the retention purge against the real server (SQLite by default,
// PostgreSQL with MERIDIAN_TEST_DATABASE_URL).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

const DAY = 24 * 3600 * 1000;

describe('search and retention', () => {
  let server, admin, ana, ben, cleo, ada, carl, dora, team;
  const post = (who, id, text, client_id) =>
    api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: who.token, body: { text, client_id } });
  const search = (who, q, extra = '') =>
    api(server, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}${extra}`, { token: who.token });

  before(async () => {
    server = await startServer({ webRoot: false, env: { MERIDIAN_RETENTION_ALLOW_RUN_AS_OF: '1', MERIDIAN_RETENTION_BATCH_SIZE: '2' } });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.sr@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.sr@example.test', display_name: 'Ben' });
    cleo = await createUser(server, admin, { email: 'cleo.sr@example.test', display_name: 'Cleo' });
    ada = await createUser(server, admin, { email: 'ada.sr@example.test', display_name: 'Ada', kind: 'agent' });
    carl = await createUser(server, admin, { email: 'carl.sr@example.test', display_name: 'Carl', kind: 'customer' });
    dora = await createUser(server, admin, { email: 'dora.sr@example.test', display_name: 'Dora', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
    team = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Support' } })).json;
    await api(server, 'PUT', `/api/v1/admin/teams/${team.id}/members/${ada.user.id}`, { token: admin });
    await api(server, 'PUT', '/api/v1/admin/support/routes/default', { token: admin, body: { team_id: team.id } });
  });
  after(async () => server?.stop());

  it('finds only what the searcher may read, with snippet and seq; bad queries are 400', async () => {
    const g = (await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'secret', member_ids: [ben.user.id] } })).json;
    const ch = (await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'channel', name: 'general', visibility: 'public' } })).json;
    await post(ana, g.id, 'warmup', 's0');
    assert.equal((await post(ana, g.id, 'the quarterly numbers are final', 's1')).status, 201);
    assert.equal((await post(ana, ch.id, 'quarterly party on Friday', 's2')).status, 201);
    const mine = await search(ana, 'quarter');
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.json.items.length, 2);
    const hit = mine.json.items.find((h) => h.conversation.id === g.id);
    assert.equal(hit.seq, 2);
    assert.equal(hit.kind, 'message');
    assert.ok(hit.snippet.includes('\u0002quarterly\u0003'), hit.snippet);
    assert.equal((await search(cleo, 'quarterly')).json.items.length, 0, 'an outsider found something');
    assert.equal((await search(cleo, 'quarterly', `&conversation_id=${g.id}`)).json.items.length, 0);
    await api(server, 'POST', `/api/v1/conversations/${ch.id}/join`, { token: cleo.token });
    assert.deepEqual((await search(cleo, 'quarterly')).json.items.map((h) => h.conversation.id), [ch.id]);
    assert.equal((await search(ben, 'quarterly', `&conversation_id=${g.id}`)).json.items.length, 1);
    // Query syntax never reaches the engine as syntax.
    for (const q of ['a AND (b', 'NEAR/2', 'col:x', '"quarterly', "'; drop table messages; --", 'quarterly"*', '^x OR -y']) {
      const r = await search(ana, q);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
    }
    for (const q of ['"', '*', '"*()']) assert.equal((await search(ana, q)).status, 400, q);
    assert.equal((await search(ana, '')).status, 400);
    assert.equal((await search(ana, 'x', '&limit=0')).status, 400);
    assert.equal((await search(ana, 'x', '&limit=51')).status, 400);
    assert.equal((await search(ana, 'x'.repeat(201))).status, 400);
  });

  it('customers never find internal notes or other customers\' conversations', async () => {
    const opened = await api(server, 'POST', '/api/v1/support/conversations', { token: carl.token, body: { subject: 'refund', text: 'please refund order 77', client_id: 'c1' } });
    assert.equal(opened.status, 201, opened.text);
    await api(server, 'POST', `/api/v1/support/conversations/${opened.json.id}/claim`, { token: ada.token });
    await api(server, 'POST', `/api/v1/support/conversations/${opened.json.id}/notes`, { token: ada.token, body: { text: 'refund approved quietly' } });
    await api(server, 'POST', '/api/v1/support/conversations', { token: dora.token, body: { subject: 'Erstattung', text: 'refund bitte', client_id: 'd1' } });
    const carls = await search(carl, 'refund');
    assert.deepEqual(carls.json.items.map((h) => h.kind), ['message']);
    assert.ok(!carls.text.includes('quietly'));
    assert.equal((await search(carl, 'quietly')).json.items.length, 0);
    assert.equal((await search(dora, 'order')).json.items.length, 0);
    const adas = await search(ada, 'refund');
    assert.deepEqual(adas.json.items.map((h) => h.kind).sort(), ['message', 'note']);
    assert.equal((await search(ana, 'quietly')).json.items.length, 0);
  });

  it('retention: admins set policies and holds; the run purges messages and search entries, audited', async () => {
    const g = (await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'purge', member_ids: [ben.user.id] } })).json;
    const kept = (await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'kept', member_ids: [ben.user.id] } })).json;
    for (let i = 0; i < 5; i++) await post(ana, g.id, `walrus ${i}`, `w${i}`);
    await post(ana, kept.id, 'walrus kept', 'wk');
    // Only admins.
    assert.equal((await api(server, 'PUT', '/api/v1/admin/retention/policies/global', { token: ana.token, body: { keep_days: 30 } })).status, 403);
    assert.equal((await api(server, 'POST', '/api/v1/admin/retention/run', { token: ana.token })).status, 403);
    assert.equal((await api(server, 'PUT', '/api/v1/admin/retention/policies/everything', { token: admin, body: { keep_days: 30 } })).status, 400);
    assert.equal((await api(server, 'PUT', '/api/v1/admin/retention/policies/kind:group', { token: admin, body: { keep_days: 30 } })).status, 200);
    assert.equal((await api(server, 'PUT', '/api/v1/admin/retention/policies/country:DE', { token: admin, body: { keep_days: 180 } })).status, 200);
    assert.equal((await api(server, 'PUT', `/api/v1/admin/retention/holds/conversation:${kept.id}`, { token: admin, body: { reason: 'case 12' } })).status, 200);
    // Members see the policy in force; only admins see the hold.
    const info = await api(server, 'GET', `/api/v1/conversations/${g.id}/retention`, { token: ben.token });
    assert.deepEqual(info.json.policy, { scope: 'kind:group', keep_days: 30 });
    assert.equal(info.json.legal_hold, undefined);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${kept.id}/retention`, { token: admin })).status, 404, 'admins are not members');
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${g.id}/retention`, { token: cleo.token })).status, 404);
    // Not yet expired: nothing happens.
    const now = await api(server, 'POST', '/api/v1/admin/retention/run', { token: admin });
    assert.equal(now.status, 200, now.text);
    assert.equal(now.json.messages_deleted, 0);
    // 31 days later (as_of): the purge group's messages go, in batches of 2; the held group stays.
    const later = await api(server, 'POST', '/api/v1/admin/retention/run', { token: admin, body: { as_of: Date.now() + 31 * DAY } });
    assert.equal(later.status, 200, later.text);
    assert.ok(later.json.messages_deleted >= 5, later.text);
    assert.ok(later.json.batches >= 3, later.text);
    assert.equal(later.json.conversations_held, 1);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${g.id}/messages`, { token: ana.token })).json.items.length, 0);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${kept.id}/messages`, { token: ana.token })).json.items.length, 1);
    assert.deepEqual((await search(ana, 'walrus')).json.items.map((h) => h.conversation.id), [kept.id]);
    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=retention.run', { token: admin });
    assert.equal(audit.status, 200, audit.text);
    assert.ok(audit.json.items.length >= 2);
    assert.ok(!audit.text.includes('walrus'));
  });
});
