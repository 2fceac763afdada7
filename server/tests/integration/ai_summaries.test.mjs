// The AI copilot's summaries against the real server with the built-in provider: a member
// gets a summary whose points link to the messages; a non-member gets 404; the copilot
// switched off for a country is refused with its reason; people excluded from AI are left
// out; bad bodies get a precise 400; every call is in the audit log without contents.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

describe('ai summaries', () => {
  let server, admin, ana, ben, cleo, dora, gus, conv;
  const said = {};
  const seqs = {};
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.ai@example.test', display_name: 'Ana Lima' });
    ben = await createUser(server, admin, { email: 'ben.ai@example.test', display_name: 'Ben Stone' });
    cleo = await createUser(server, admin, { email: 'cleo.ai@example.test', display_name: 'Cleo' });
    dora = await createUser(server, admin, { email: 'dora.ai@example.test', display_name: 'Dora', country: 'DE', time_zone: 'Europe/Berlin' });
    gus = await createUser(server, admin, { email: 'gus.ai@example.test', display_name: 'Gus', kind: 'guest' });
    const c = await api(server, 'POST', '/api/v1/conversations', {
      token: ana.token,
      body: { kind: 'group', name: 'Release', member_ids: [ben.user.id, dora.user.id] },
    });
    assert.equal(c.status, 201, c.text);
    conv = c.json.id;
    const post = async (who, key, text) => {
      const r = await api(server, 'POST', `/api/v1/conversations/${conv}/messages`, { token: who.token, body: { text, client_id: key } });
      assert.equal(r.status, 201, r.text);
      said[key] = r.json.id;
      seqs[key] = r.json.seq;
    };
    await post(ana, 'green', 'The staging build is green again after the cache fix.');
    await post(ben, 'decided', 'We decided to ship the release on Monday.');
    await post(ana, 'task', '@ben can you write the release notes?');
    await post(dora, 'budget', 'Do we have budget for the offsite in June?');
    await post(ben, 'faster', 'The staging cache fix also made the dashboard faster.');
  });
  after(async () => server?.stop());

  it('summarises a conversation for a member, each point linked to its messages', async () => {
    const r = await api(server, 'POST', '/api/v1/ai/summaries', { token: ben.token, body: { conversation_id: conv } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.provider, 'builtin');
    assert.equal(r.json.language, 'en');
    assert.equal(r.json.message_count, 5);
    assert.match(r.json.summary, /^5 messages, 3 people \(English\)\./);
    assert.deepEqual(r.json.decisions.map((p) => p.message_ids), [[said.decided]]);
    assert.deepEqual(r.json.decisions.map((p) => p.message_seqs), [[seqs.decided]]);
    assert.deepEqual(r.json.action_items.map((p) => [p.message_ids, p.owner_user_id, p.owner_name]), [[[said.task], ben.user.id, 'Ben Stone']]);
    assert.deepEqual(r.json.open_questions.map((p) => p.message_ids), [[said.budget]]);
    assert.ok(r.json.points.length >= 3);
    for (const p of r.json.points) {
      assert.ok(p.text.length > 0);
      assert.ok(p.message_ids.length > 0 && p.message_ids.every((id) => Object.values(said).includes(id)), JSON.stringify(p));
    }
    const status = await api(server, 'GET', '/api/v1/ai/status', { token: ben.token });
    assert.equal(status.status, 200, status.text);
    assert.deepEqual(status.json, {
      copilot: true, external: false, excluded: false, available: true, reason: null, providers: { summaries: 'builtin', ask: 'builtin' },
      budget: { counts: 'tokens sent to and received from external providers; built-in answers are free', person_day: null, organisation_month: null },
    });
  });

  it('summarises only the unread part for catching up', async () => {
    const read = await api(server, 'POST', `/api/v1/conversations/${conv}/read`, { token: dora.token, body: { seq: seqs.task } });
    assert.ok(read.status < 300, read.text);
    const r = await api(server, 'POST', '/api/v1/ai/summaries', { token: dora.token, body: { conversation_id: conv, unread_only: true } });
    assert.equal(r.status, 200, r.text);
    // Dora's own question moved her read marker past it: only Ben's last message is new to her.
    assert.equal(r.json.message_count, 1);
    assert.deepEqual(r.json.points.flatMap((p) => p.message_ids), [said.faster]);
    // From the marker Dora had when she opened the conversation (before her own question).
    const since = await api(server, 'POST', '/api/v1/ai/summaries', { token: dora.token, body: { conversation_id: conv, after_seq: seqs.task } });
    assert.equal(since.json.message_count, 2);
    const both = await api(server, 'POST', '/api/v1/ai/summaries', { token: dora.token, body: { conversation_id: conv, after_seq: 1, unread_only: true } });
    assert.equal(both.status, 400, both.text);
  });

  it('refuses non-members (404), guests, and bad bodies, and stays up', async () => {
    const outsider = await api(server, 'POST', '/api/v1/ai/summaries', { token: cleo.token, body: { conversation_id: conv } });
    assert.equal(outsider.status, 404, outsider.text);
    assert.doesNotMatch(outsider.text, /staging|Monday/);
    assert.equal((await api(server, 'POST', '/api/v1/ai/summaries', { token: cleo.token, body: { conversation_id: 987654 } })).status, 404);
    assert.equal((await api(server, 'POST', '/api/v1/ai/summaries', { token: gus.token, body: { conversation_id: conv } })).status, 403);
    assert.equal((await api(server, 'POST', '/api/v1/ai/summaries', { body: { conversation_id: conv } })).status, 401);
    for (const body of [{}, { conversation_id: 'x' }, { conversation_id: -3 }, { conversation_id: conv, colour: 'red' },
      { conversation_id: conv, since: 20, until: 10 }]) {
      const r = await api(server, 'POST', '/api/v1/ai/summaries', { token: ana.token, body });
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.json.error.code, 'invalid_argument');
    }
    const raw = await api(server, 'POST', '/api/v1/ai/summaries', { token: ana.token, raw: '{"conversation_id":', headers: { 'content-type': 'application/json' } });
    assert.equal(raw.status, 400, raw.text);
    assert.equal((await api(server, 'POST', '/api/v1/ai/summaries', { token: ana.token, body: { conversation_id: conv } })).status, 200);
  });

  it('leaves out the content of people excluded from AI, and tells them why it does not work for them', async () => {
    const flag = await api(server, 'PATCH', `/api/v1/admin/users/${ben.user.id}`, { token: admin, body: { gdpr: { exclude_from_ai: true } } });
    assert.equal(flag.status, 200, flag.text);
    const r = await api(server, 'POST', '/api/v1/ai/summaries', { token: ana.token, body: { conversation_id: conv } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.message_count, 3);
    assert.equal(r.json.excluded_messages, 2);
    assert.equal(r.json.decisions.length, 0, 'Ben said the decision');
    assert.doesNotMatch(JSON.stringify(r.json), /Monday|dashboard faster/);
    const refused = await api(server, 'POST', '/api/v1/ai/summaries', { token: ben.token, body: { conversation_id: conv } });
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.json.error.message, /excluded from AI/);
    const status = await api(server, 'GET', '/api/v1/ai/status', { token: ben.token });
    assert.equal(status.json.excluded, true);
    assert.equal(status.json.available, false);
    await api(server, 'PATCH', `/api/v1/admin/users/${ben.user.id}`, { token: admin, body: { gdpr: { exclude_from_ai: false } } });
  });

  it('refuses with a plain reason when ai.copilot is off for the country, and audits every call without contents', async () => {
    const off = await api(server, 'PUT', '/api/v1/admin/feature-toggles/ai.copilot', { token: admin, body: { countries: { DE: false } } });
    assert.equal(off.status, 200, off.text);
    const r = await api(server, 'POST', '/api/v1/ai/summaries', { token: dora.token, body: { conversation_id: conv } });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.message, 'The AI copilot is switched off for your country (DE) by your organisation.');
    const status = await api(server, 'GET', '/api/v1/ai/status', { token: dora.token });
    assert.equal(status.json.copilot, false);
    assert.equal(status.json.reason, r.json.error.message);
    assert.equal((await api(server, 'POST', '/api/v1/ai/summaries', { token: ana.token, body: { conversation_id: conv } })).status, 200, 'Portugal still has it');

    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=ai.summary&limit=100', { token: admin });
    assert.equal(audit.status, 200, audit.text);
    const items = audit.json.items;
    const ok = items.filter((e) => e.outcome === 'ok');
    const denied = items.filter((e) => e.outcome === 'denied');
    assert.ok(ok.length >= 4, `${ok.length} successful calls audited`);
    assert.ok(denied.length >= 4, `${denied.length} refusals audited`);
    const last = ok[0];
    assert.equal(last.target, `conversation:${conv}`);
    assert.equal(last.actor_id, ana.user.id);
    const detail = typeof last.detail === 'string' ? JSON.parse(last.detail) : last.detail;
    assert.equal(detail.feature, 'summaries');
    assert.equal(detail.provider, 'builtin');
    assert.equal(detail.messages, 5);
    assert.ok(detail.input_bytes > 0 && detail.output_bytes > 0 && detail.latency_ms >= 0);
    assert.doesNotMatch(JSON.stringify(items), /staging|Monday|offsite/);
  });
});
