// GDPR erasure against the real server (issue 14): a person with messages, mentions of
// their name in others' messages, files with versions, a meeting and an acknowledged
// alert is erased by an administrator; the receipt lists every store; afterwards their
// name and e-mail are in no byte of the data folder (SQLite file, its WAL, the stored
// objects) -- or, on PostgreSQL, in no row -- they cannot sign in or be brought back into
// a conversation, and the refusals hold.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, api, login, createUser } from './lib/server.mjs';

const NAME = 'Zelda Quintessa';
const EMAIL = 'zelda.quintessa@example.test';

// Every file under dir, recursively.
function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

// The files whose bytes contain one of the needles, letter case aside.
function filesContaining(dir, needles) {
  const hits = [];
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file).toString('latin1').toLowerCase();
    for (const n of needles) if (text.includes(n.toLowerCase())) hits.push(`${file}: ${n}`);
  }
  return hits;
}

async function upload(server, token, spaceId, name, text) {
  const q = new URLSearchParams({ name, parent_id: '0' });
  return api(server, 'POST', `/api/v1/spaces/${spaceId}/files?${q}`, {
    token, raw: Buffer.from(text), headers: { 'content-type': 'application/octet-stream' },
  });
}

describe('privacy: erasure', () => {
  let server, admin, zelda, ben, conv;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    zelda = await createUser(server, admin, { email: EMAIL, display_name: NAME });
    ben = await createUser(server, admin, { email: 'ben.privacy@example.test', display_name: 'Ben' });

    conv = await api(server, 'POST', '/api/v1/conversations', {
      token: zelda.token, body: { kind: 'group', name: 'Launch', member_ids: [ben.user.id] },
    });
    assert.equal(conv.status, 201, conv.text);
    const post = (token, text, client_id) =>
      api(server, 'POST', `/api/v1/conversations/${conv.json.id}/messages`, { token, body: { text, client_id } });
    assert.equal((await post(zelda.token, `Hello, ${NAME} here: my launch plan`, 'z1')).status, 201);
    const edited = await post(zelda.token, 'draft from zelda.quintessa', 'z2');
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${conv.json.id}/messages/${edited.json.id}`, {
      token: zelda.token, body: { text: 'final plan' },
    })).status, 200);
    assert.equal((await post(ben.token, `thanks ${NAME}! cc @zelda.quintessa, mail ${EMAIL}`, 'b1')).status, 201);

    const spaces = await api(server, 'GET', '/api/v1/spaces', { token: zelda.token });
    const space = spaces.json.items.find((s) => s.kind === 'personal');
    assert.equal((await upload(server, zelda.token, space.id, 'cv.txt', `CV of ${NAME}, ${EMAIL}`)).status, 201);
    assert.equal((await upload(server, zelda.token, space.id, 'cv.txt', `CV of ${NAME} (v2)`)).status, 201);

    const meeting = await api(server, 'POST', '/api/v1/meetings', {
      token: ben.token, body: { title: 'Launch review', user_ids: [zelda.user.id] },
    });
    assert.equal(meeting.status, 201, meeting.text);
    const alert = await api(server, 'POST', '/api/v1/alerts', {
      token: admin, body: { title: 'Fire drill', priority: 'warning', audience: { user_ids: [zelda.user.id] }, require_ack: true },
    });
    assert.equal(alert.status, 201, alert.text);
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${alert.json.id}/ack`, {
      token: zelda.token, body: { comment: `ok, ${NAME}` },
    })).status, 200);
  });
  after(async () => server?.stop());

  it('lets the person ask for erasure and see its state; only an administrator erases', async () => {
    const asked = await api(server, 'POST', '/api/v1/me/erasure-request', { token: zelda.token });
    assert.equal(asked.status, 202, asked.text);
    assert.equal(asked.json.state, 'requested');
    const mine = await api(server, 'GET', '/api/v1/me/erasure-request', { token: zelda.token });
    assert.equal(mine.json.item.id, asked.json.id);
    const open = await api(server, 'GET', '/api/v1/admin/erasures?state=requested', { token: admin });
    assert.deepEqual(open.json.items.map((e) => e.user_id), [zelda.user.id]);

    assert.equal((await api(server, 'POST', `/api/v1/admin/users/${zelda.user.id}/erase`, { token: ben.token })).status, 403);
    assert.equal((await api(server, 'GET', '/api/v1/admin/erasures', { token: ben.token })).status, 403);
    assert.equal((await api(server, 'POST', '/api/v1/admin/users/999999/erase', { token: admin })).status, 404);
    assert.equal((await api(server, 'POST', '/api/v1/admin/users/abc/erase', { token: admin })).status, 404);
    assert.equal((await api(server, 'POST', `/api/v1/admin/users/${zelda.user.id}/erase`, { token: admin, body: { now: true } })).status, 400);
    assert.equal((await api(server, 'POST', `/api/v1/admin/users/${zelda.user.id}/erase`)).status, 401);
    const self = await api(server, 'GET', '/api/v1/me', { token: admin });
    const adminSelf = await api(server, 'POST', `/api/v1/admin/users/${self.json.id}/erase`, { token: admin });
    assert.equal(adminSelf.status, 409, 'an active administrator is not erased');
    // Nothing happened to her yet.
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: zelda.token })).status, 200);
  });

  it('erases every trace, answers the receipt and keeps it readable', async () => {
    const r = await api(server, 'POST', `/api/v1/admin/users/${zelda.user.id}/erase`, { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'done', r.text);
    assert.equal(r.json.user_id, zelda.user.id);
    const line = (name, action) => r.json.stores.find((s) => s.name === name && s.action === action)?.count;
    assert.equal(line('chat.messages', 'erased'), 2);
    assert.equal(line('chat.message_versions', 'erased'), 1);
    assert.equal(line('chat.messages_naming_them', 'pseudonymised'), 1);
    assert.equal(line('files.files', 'erased'), 1);
    assert.equal(line('files.versions', 'erased'), 2);
    assert.equal(line('meetings.invitations', 'erased'), 1);
    assert.equal(line('alerts.receipts', 'pseudonymised'), 1);
    assert.equal(line('identity.users', 'pseudonymised'), 1);
    assert.ok(line('storage.deleted_content', 'scrubbed') > 10);
    for (const m of ['chat', 'files', 'meetings', 'alerts', 'retention', 'audit', 'identity', 'presence', 'storage'])
      assert.ok(r.json.stores.some((s) => s.module === m), `the receipt lists ${m}`);
    assert.ok(!r.json.held.some((h) => h.includes('legal hold')), r.text);
    assert.ok(!r.text.toLowerCase().includes('zelda'), 'the receipt names nothing about her');

    const later = await api(server, 'GET', `/api/v1/admin/erasures/${r.json.id}`, { token: admin });
    assert.equal(later.status, 200);
    assert.deepEqual(later.json.stores, r.json.stores);
    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=privacy.erase', { token: admin });
    assert.equal(audit.json.items.length, 1);
    assert.equal(audit.json.items[0].target, `user:${zelda.user.id}`);

    if (server.databaseUrl) {
      // PostgreSQL: every row of every table, as text, through SQL.
      const psql = (sql) => execFileSync('psql', [server.databaseUrl, '-qAtc', sql], { encoding: 'utf8' }).trim();
      const tables = psql("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").split('\n');
      assert.ok(tables.length > 30, tables.join(','));
      const hits = [];
      for (const t of tables) {
        const n = Number(psql(`SELECT COUNT(*) FROM ${t} r WHERE lower(r::text) LIKE '%zelda.quintessa%' OR lower(r::text) LIKE '%quintessa%'`));
        if (n > 0) hits.push(`${t}: ${n}`);
      }
      assert.deepEqual(hits, [], 'rows still name her');
    } else {
      const hits = filesContaining(join(server.dir, 'data'), [EMAIL, NAME, 'zelda.quintessa', 'Quintessa']);
      assert.deepEqual(hits, [], 'her name or address is still in the data folder');
    }
  });

  it('leaves her unable to sign in, act or be brought back into a conversation', async () => {
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: zelda.token })).status, 401);
    const again = await api(server, 'POST', '/api/v1/auth/login', { body: { email: EMAIL, password: zelda.password } });
    assert.equal(again.status, 401);
    const back = await api(server, 'PUT', `/api/v1/conversations/${conv.json.id}/members/${zelda.user.id}`, {
      token: ben.token, body: { role: 'member' },
    });
    assert.ok(back.status >= 400 && back.status < 500, `${back.status} ${back.text}`);
    const members = await api(server, 'GET', `/api/v1/conversations/${conv.json.id}/members`, { token: ben.token });
    assert.ok(!members.json.items.some((m) => m.user_id === zelda.user.id));
    const history = await api(server, 'GET', `/api/v1/conversations/${conv.json.id}/messages`, { token: ben.token });
    const bens = history.json.items.find((m) => m.author.id === ben.user.id);
    assert.equal(bens.text, `thanks Former user! cc @erased-${zelda.user.id}, mail erased-${zelda.user.id}@erased.invalid`);
    const erasedAgain = await api(server, 'POST', `/api/v1/admin/users/${zelda.user.id}/erase`, { token: admin });
    assert.equal(erasedAgain.status, 200, 'erasing again is harmless');
    assert.equal(erasedAgain.json.stores.find((s) => s.name === 'chat.messages' && s.action === 'erased').count, 0);
  });
});
