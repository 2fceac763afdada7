// Chat attachments against the real server (SQLite by default, PostgreSQL with
// MERIDIAN_TEST_DATABASE_URL): a member uploads into the conversation's space (plain
// and tus) and attaches; others see it live and download identical bytes while they are
// members; non-members, removed members, other customers and guests are refused; a
// deleted or purged message takes its files and objects with it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

const DAY = 24 * 3600 * 1000;
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const b64 = (s) => Buffer.from(String(s)).toString('base64');

function objectFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      if (name === '.tmp' || name === '.multipart') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('chat attachments', () => {
  let server, admin, ana, ben, eve, gus, ada, carl, dora, objectsDir;
  const space = async (who, conversationId) =>
    api(server, 'GET', `/api/v1/conversations/${conversationId}/space`, { token: who.token });
  const upload = (who, spaceId, name, bytes) =>
    api(server, 'POST', `/api/v1/spaces/${spaceId}/files?${new URLSearchParams({ name })}`, {
      token: who.token,
      raw: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
  const post = (who, conversationId, body) =>
    api(server, 'POST', `/api/v1/conversations/${conversationId}/messages`, { token: who.token, body });
  const download = async (who, fileId, query = '') => {
    const res = await fetch(`${server.base}/api/v1/files/${fileId}/content${query}`, {
      headers: { authorization: `Bearer ${who.token}` },
    });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  const group = async (owner, members, name = 'launch') => {
    const r = await api(server, 'POST', '/api/v1/conversations', {
      token: owner.token,
      body: { kind: 'group', name, member_ids: members.map((m) => m.user.id) },
    });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };

  before(async () => {
    server = await startServer({
      webRoot: false,
      env: { MERIDIAN_RETENTION_ALLOW_RUN_AS_OF: '1', MERIDIAN_FILES_SPACE_QUOTA_BYTES: String(4 * 1024 * 1024) },
    });
    objectsDir = join(server.dir, 'data', 'objects');
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.att@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.att@example.test', display_name: 'Ben' });
    eve = await createUser(server, admin, { email: 'eve.att@example.test', display_name: 'Eve' });
    gus = await createUser(server, admin, { email: 'gus.att@example.test', display_name: 'Gus', kind: 'guest' });
    ada = await createUser(server, admin, { email: 'ada.att@example.test', display_name: 'Ada', kind: 'agent' });
    carl = await createUser(server, admin, { email: 'carl.att@example.test', display_name: 'Carl', kind: 'customer' });
    dora = await createUser(server, admin, { email: 'dora.att@example.test', display_name: 'Dora', kind: 'customer' });
    const team = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Support' } })).json;
    await api(server, 'PUT', `/api/v1/admin/teams/${team.id}/members/${ada.user.id}`, { token: admin });
    await api(server, 'PUT', '/api/v1/admin/support/routes/default', { token: admin, body: { team_id: team.id } });
  });
  after(async () => server?.stop());

  it('a member attaches an upload; another member sees it live and downloads identical bytes; outsiders are refused', async () => {
    const id = await group(ana, [ben, gus]);
    const outsiderGroup = await group(eve, [ana], 'other');
    const s = await space(ana, id);
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.kind, 'conversation');
    assert.equal(s.json.conversation_id, id);
    assert.equal((await space(ana, id)).json.id, s.json.id, 'one space per conversation');
    assert.equal((await space(eve, id)).status, 404);
    assert.equal((await api(server, 'GET', '/api/v1/spaces', { token: ana.token })).json.items.filter((x) => x.kind === 'conversation').length, 0);

    const bytes = randomBytes(300 * 1024 + 7);
    // The type is sniffed from the bytes (libmagic): random ones look like a DOS executable,
    // zlib or audio about 3 times in 100 (`file` on 300 samples), so they start with a run
    // that matches no magic number (1,500 of 1,500 samples: application/octet-stream).
    bytes.set([0x00, 0xff, 0x00, 0xff, 0x4d, 0x45, 0x52, 0x49]);
    const up = await upload(ana, s.json.id, 'photo.bin', bytes);
    assert.equal(up.status, 201, up.text);

    const wben = live(server, ben.token);
    await wben.opened;
    const sent = await post(ana, id, { text: '', client_id: 'a1', attachments: [up.json.id] });
    assert.equal(sent.status, 201, sent.text);
    assert.deepEqual(sent.json.attachments, [{ id: up.json.id, name: 'photo.bin', size: bytes.length, content_type: 'application/octet-stream' }]);
    const event = await wben.next((m) => m.type === 'message.new' && m.message?.id === sent.json.id);
    assert.equal(event.message.attachments[0].id, up.json.id);
    wben.close();

    const history = await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: ben.token });
    assert.equal(history.json.items.at(-1).attachments[0].name, 'photo.bin');
    const changes = await api(server, 'GET', `/api/v1/conversations/${id}/changes?after=0`, { token: ben.token });
    assert.equal(changes.status, 200, changes.text);
    assert.equal(changes.json.items.at(-1).attachments.length, 1);

    const got = await download(ben, up.json.id);
    assert.equal(got.status, 200);
    assert.equal(sha256(got.body), sha256(bytes));
    assert.equal((await download(gus, up.json.id)).status, 200, 'a guest who is a member reads it');
    for (const who of [eve, carl]) assert.equal((await download(who, up.json.id)).status, 404);
    assert.equal((await download({ token: admin }, up.json.id)).status, 404, 'admins are not members');
    // Not yours, or from elsewhere: refused, nothing stored.
    const evesSpace = (await space(eve, outsiderGroup)).json;
    const evesFile = (await upload(eve, evesSpace.id, 'e.txt', Buffer.from('eve'))).json;
    assert.equal((await post(ana, id, { text: 'x', client_id: 'a2', attachments: [evesFile.id] })).status, 400);
    assert.equal((await post(ana, id, { text: 'x', client_id: 'a3', attachments: [up.json.id] })).status, 409);
    assert.equal((await post(ana, id, { text: 'x', client_id: 'a4', attachments: ['1'] })).status, 400);
    assert.equal((await post(ana, id, { text: 'x', client_id: 'a5', attachments: Array(11).fill(up.json.id) })).status, 400);
    // Attachments are fixed: no new version, no rename, no delete outside the message.
    assert.equal((await api(server, 'PATCH', `/api/v1/files/${up.json.id}`, { token: ana.token, body: { name: 'y.bin' } })).status, 409);
    assert.equal((await api(server, 'DELETE', `/api/v1/files/${up.json.id}`, { token: ana.token })).status, 409);

    // Removed from the conversation: refused from then on, preview too.
    assert.equal((await api(server, 'DELETE', `/api/v1/conversations/${id}/members/${ben.user.id}`, { token: ana.token })).status, 204);
    assert.equal((await download(ben, up.json.id)).status, 404);
    assert.equal((await download(ben, up.json.id, '?inline=1')).status, 404);
    assert.equal((await download(gus, up.json.id)).status, 200);

    // The activity log records upload, attach and download (C++ test); only managers read
    // a space's log and nobody manages a conversation space.
    const log = await api(server, 'GET', `/api/v1/spaces/${s.json.id}/activity`, { token: ana.token });
    assert.equal(log.status, 403, 'no one manages a conversation space');
    const audited = await api(server, 'GET', `/api/v1/spaces/${s.json.id}/activity`, { token: admin });
    assert.equal(audited.status, 200, audited.text);
    const actions = audited.json.items.filter((a) => a.node_id === up.json.id).map((a) => `${a.action}:${a.actor_user_id}`);
    for (const want of [`upload:${ana.user.id}`, `attach:${ana.user.id}`, `download:${ben.user.id}`, `download:${gus.user.id}`])
      assert.ok(actions.includes(want), `${want} in ${actions}`);
    // No share links on chat attachments.
    assert.equal((await api(server, 'POST', `/api/v1/files/${up.json.id}/links`, { token: ana.token, body: {} })).status, 403);
  });

  it('uploads by tus into the conversation space and attaches in a thread reply', async () => {
    const id = await group(ana, [ben]);
    const s = (await space(ben, id)).json;
    const bytes = randomBytes(64 * 1024);
    const TUS = { 'tus-resumable': '1.0.0' };
    const created = await fetch(server.base + '/api/v1/uploads', {
      method: 'POST',
      headers: { authorization: `Bearer ${ben.token}`, ...TUS, 'upload-length': String(bytes.length), 'upload-metadata': `filename ${b64('notes.txt')},space_id ${b64(s.id)}` },
    });
    assert.equal(created.status, 201);
    const patched = await fetch(server.base + created.headers.get('location'), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ben.token}`, ...TUS, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
      body: bytes,
    });
    assert.equal(patched.status, 204);
    const fileId = Number(patched.headers.get('x-meridian-file-id'));
    assert.ok(fileId > 0);
    const root = (await post(ana, id, { text: 'root', client_id: 'r1' })).json;
    const reply = await post(ben, id, { text: 'see file', client_id: 'r2', thread_root_id: root.id, attachments: [fileId] });
    assert.equal(reply.status, 201, reply.text);
    const thread = await api(server, 'GET', `/api/v1/conversations/${id}/messages/${root.id}/replies`, { token: ana.token });
    assert.equal(thread.status, 200, thread.text);
    assert.equal(thread.json.items[0].attachments[0].id, fileId);
    assert.equal(sha256((await download(ana, fileId)).body), sha256(bytes));
  });

  it('over WebSocket: message.send carries attachments', async () => {
    const id = await group(ana, [ben]);
    const s = (await space(ana, id)).json;
    const up = (await upload(ana, s.id, 'ws.txt', Buffer.from('over the socket'))).json;
    const ws = live(server, ana.token);
    await ws.opened;
    const ack = await ws.request({ type: 'message.send', id: 'm1', conversation_id: id, text: 'ws', client_id: 'w1', attachments: [up.id] });
    assert.equal(ack.type, 'message.ack', JSON.stringify(ack));
    assert.equal(ack.message.attachments[0].name, 'ws.txt');
    const bad = await ws.request({ type: 'message.send', id: 'm2', conversation_id: id, text: 'ws', client_id: 'w2', attachments: 'nope' });
    assert.equal(bad.type, 'error');
    ws.close();
  });

  it('a customer reads only the files of their own support conversation', async () => {
    const mine = await api(server, 'POST', '/api/v1/support/conversations', { token: carl.token, body: { subject: 'invoice', text: 'help', client_id: 'c1' } });
    assert.equal(mine.status, 201, mine.text);
    const theirs = await api(server, 'POST', '/api/v1/support/conversations', { token: dora.token, body: { subject: 'refund', text: 'hi', client_id: 'd1' } });
    const s = (await space(carl, mine.json.id)).json;
    const up = (await upload(carl, s.id, 'invoice.pdf', Buffer.from('%PDF-1.4 invoice'))).json;
    assert.equal((await post(carl, mine.json.id, { text: 'attached', client_id: 'c2', attachments: [up.id] })).status, 201);
    assert.equal((await download(dora, up.id)).status, 404);
    assert.equal((await space(dora, mine.json.id)).status, 404);
    assert.equal((await space(carl, theirs.json.id)).status, 404);
    assert.equal((await download(eve, up.id)).status, 404);
    // The team's agent reads before claiming (observer), may not upload until claimed.
    assert.equal((await download(ada, up.id)).status, 200);
    const adaSpace = await space(ada, mine.json.id);
    assert.equal(adaSpace.json.my_role, 'viewer');
    assert.equal((await upload(ada, s.id, 'a.txt', Buffer.from('a'))).status, 403);
  });

  it('deleting the message removes its file and object; a retention purge does too', async () => {
    const id = await group(ana, [ben]);
    const s = (await space(ana, id)).json;
    const before = objectFiles(objectsDir).length;
    const a = (await upload(ana, s.id, 'a.bin', randomBytes(1000))).json;
    const b = (await upload(ana, s.id, 'b.bin', randomBytes(1000))).json;
    assert.equal(objectFiles(objectsDir).length, before + 2);
    const m = (await post(ana, id, { text: 'two files', client_id: 'd1', attachments: [a.id, b.id] })).json;
    const del = await api(server, 'DELETE', `/api/v1/conversations/${id}/messages/${m.id}`, { token: ana.token });
    assert.ok(del.status === 200 || del.status === 204, del.text);
    assert.equal((await download(ana, a.id)).status, 404);
    assert.equal((await download(ben, b.id)).status, 404);
    assert.equal(objectFiles(objectsDir).length, before, 'no orphan object');
    const history = await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: ben.token });
    assert.deepEqual(history.json.items.at(-1).attachments, []);

    const c = (await upload(ana, s.id, 'c.bin', randomBytes(2000))).json;
    await post(ana, id, { text: 'old file', client_id: 'd2', attachments: [c.id] });
    assert.equal(objectFiles(objectsDir).length, before + 1);
    assert.equal((await api(server, 'PUT', `/api/v1/admin/retention/policies/conversation:${id}`, { token: admin, body: { keep_days: 1 } })).status, 200);
    const run = await api(server, 'POST', '/api/v1/admin/retention/run', { token: admin, body: { as_of: Date.now() + 2 * DAY } });
    assert.equal(run.status, 200, run.text);
    assert.ok(run.json.messages_deleted >= 1);
    assert.equal((await download(ana, c.id)).status, 404);
    assert.equal(objectFiles(objectsDir).length, before, 'no orphan object after the purge');
  });
});
