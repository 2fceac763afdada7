// Catch me up across conversations (POST /api/v1/ai/catch-up): one call over every
// conversation of mine with unread messages, each point linking to its messages; a
// conversation I am not in is never included, even when it holds the words asked about.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

describe('ai catch-up across conversations', () => {
  let server, admin, ana, ben, cleo;
  const said = {};
  const conv = async (owner, name, members) => {
    const r = await api(server, 'POST', '/api/v1/conversations', { token: owner.token, body: { kind: 'group', name, member_ids: members.map((m) => m.user.id) } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const post = async (who, c, text, key) => {
    const r = await api(server, 'POST', `/api/v1/conversations/${c}/messages`, { token: who.token, body: { text, client_id: `cu-${key}` } });
    assert.equal(r.status, 201, r.text);
    said[key] = r.json.id;
  };

  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.cu@example.test', display_name: 'Ana Lima' });
    ben = await createUser(server, admin, { email: 'ben.cu@example.test', display_name: 'Ben Stone' });
    cleo = await createUser(server, admin, { email: 'cleo.cu@example.test', display_name: 'Cleo Park' });
  });
  after(async () => server?.stop());

  it('summarises my unread conversations in one call, each point linked, and never one I am not in', async () => {
    const launch = await conv(ben, 'Launch', [ana]);
    const hiring = await conv(cleo, 'Hiring', [ana, ben]);
    const secret = await conv(ben, 'Secret', [cleo]);
    await post(ben, launch, 'We decided to ship the release on Friday.', 'decision');
    await post(cleo, hiring, 'Ana will send the offer letter tomorrow.', 'task');
    await post(ben, secret, 'We decided to cut the budget of the secret project.', 'secret');

    const r = await api(server, 'POST', '/api/v1/ai/catch-up', { token: ana.token, body: {} });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.provider, 'builtin');
    const ids = r.json.conversations.map((c) => c.conversation_id).sort();
    assert.deepEqual(ids, [launch, hiring].sort());
    assert.doesNotMatch(JSON.stringify(r.json), /secret/i);
    const points = r.json.conversations.flatMap((c) => c.summary.points.map((p) => ({ ...p, conversation_id: c.conversation_id })));
    for (const p of points) assert.ok(p.message_ids.length > 0 && p.message_seqs.length === p.message_ids.length, JSON.stringify(p));
    assert.ok(points.some((p) => p.conversation_id === launch && p.message_ids.includes(said.decision)), JSON.stringify(points));
    assert.ok(points.some((p) => p.conversation_id === hiring && p.message_ids.includes(said.task)), JSON.stringify(points));
    assert.ok(!points.some((p) => p.message_ids.includes(said.secret)));

    const cleos = await api(server, 'POST', '/api/v1/ai/catch-up', { token: cleo.token });
    assert.equal(cleos.status, 200, cleos.text);
    assert.ok(cleos.json.conversations.some((c) => c.conversation_id === secret));

    const bad = await api(server, 'POST', '/api/v1/ai/catch-up', { token: ana.token, body: { conversation_id: secret } });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.json.error.message, /conversation_id/);
    assert.equal((await api(server, 'POST', '/api/v1/ai/catch-up', {})).status, 401);
  });
});
