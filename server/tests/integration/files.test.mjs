// Files over REST against the real server: streamed upload and byte-exact download,
// Range/ETag, versions, quota refused before the body, traversal names, HTML/SVG never
// served inline, per-role refusals and customer isolation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { eventually } from './lib/live.mjs';

function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

async function upload(server, token, spaceId, name, bytes, { parent = 0, headers = {} } = {}) {
  const q = new URLSearchParams({ name, parent_id: String(parent) });
  return api(server, 'POST', `/api/v1/spaces/${spaceId}/files?${q}`, {
    token,
    raw: bytes,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  });
}

async function download(server, token, id, headers = {}, query = '') {
  const res = await fetch(`${server.base}/api/v1/files/${id}/content${query}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

// Sends only the header of an upload with Expect: 100-continue and reports whether the
// server asked for the body or refused at once.
function headerOnlyUpload(server, token, path, length) {
  return new Promise((resolve, reject) => {
    const req = request(`${server.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-length': String(length), expect: '100-continue' },
    });
    let askedForBody = false;
    req.on('continue', () => {
      askedForBody = true;
      req.destroy();
      resolve({ askedForBody });
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ askedForBody, status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on('error', (e) => (askedForBody ? null : reject(e)));
    req.flushHeaders();
  });
}

function objectFiles(dir) {
  const out = [];
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

describe('files', () => {
  let server, admin, ana, ben, carl, cora, anaSpace;
  before(async () => {
    server = await startServer({
      webRoot: false,
      env: { MERIDIAN_FILES_PERSONAL_QUOTA_BYTES: String(8 * 1024 * 1024), MERIDIAN_FILES_KEEP_VERSIONS: '3' },
    });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.files@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.files@example.test', display_name: 'Ben' });
    carl = await createUser(server, admin, { email: 'carl.files@example.test', display_name: 'Carl', kind: 'customer' });
    cora = await createUser(server, admin, { email: 'cora.files@example.test', display_name: 'Cora', kind: 'customer' });
    const spaces = await api(server, 'GET', '/api/v1/spaces', { token: ana.token });
    assert.equal(spaces.status, 200);
    anaSpace = spaces.json.items.find((s) => s.kind === 'personal');
    assert.ok(anaSpace);
    assert.equal(anaSpace.my_role, 'manager');
  });
  after(async () => server?.stop());

  it('uploads and downloads byte-exact, with SHA-256, ETag, Range and 304', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5);
    // The type is sniffed from the bytes (libmagic): random ones look like a DOS executable,
    // zlib or audio about 3 times in 100, so fix a leading run that matches no magic number.
    bytes.set([0x00, 0xff, 0x00, 0xff, 0x4d, 0x45, 0x52, 0x49]);
    const up = await upload(server, ana.token, anaSpace.id, 'data.bin', bytes);
    assert.equal(up.status, 201, up.text);
    assert.equal(up.json.size, bytes.length);
    assert.equal(up.json.sha256, sha256(bytes));
    assert.equal(up.json.content_type, 'application/octet-stream');

    const whole = await download(server, ana.token, up.json.id);
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(bytes));
    assert.equal(whole.headers.get('etag'), `"${sha256(bytes)}"`);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.match(whole.headers.get('content-disposition'), /^attachment; filename="data.bin"/);
    assert.match(whole.headers.get('content-security-policy'), /sandbox/);

    const part = await download(server, ana.token, up.json.id, { range: 'bytes=100-199' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${bytes.length}`);
    assert.ok(part.body.equals(bytes.subarray(100, 200)));

    const tail = await download(server, ana.token, up.json.id, { range: 'bytes=-10' });
    assert.equal(tail.status, 206);
    assert.ok(tail.body.equals(bytes.subarray(bytes.length - 10)));

    const beyond = await download(server, ana.token, up.json.id, { range: `bytes=${bytes.length}-` });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${bytes.length}`);

    const cached = await download(server, ana.token, up.json.id, { 'if-none-match': `"${sha256(bytes)}"` });
    assert.equal(cached.status, 304);
  });

  it('keeps versions of an overwritten file and restores one', async () => {
    let id;
    for (const text of ['one', 'two', 'three', 'four']) {
      const r = await upload(server, ana.token, anaSpace.id, 'notes.txt', Buffer.from(text));
      assert.equal(r.status, 201, r.text);
      id = r.json.id;
    }
    const versions = await api(server, 'GET', `/api/v1/files/${id}/versions`, { token: ana.token });
    assert.deepEqual(versions.json.items.map((v) => v.number), [4, 3, 2]);
    assert.equal((await download(server, ana.token, id, {}, '?version=2')).body.toString(), 'two');
    const restored = await api(server, 'POST', `/api/v1/files/${id}/versions/2/restore`, { token: ana.token });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.json.version, 5);
    assert.equal((await download(server, ana.token, id)).body.toString(), 'two');
  });

  it('refuses an upload over quota from its header, before the body is sent', async () => {
    const path = `/api/v1/spaces/${anaSpace.id}/files?name=huge.bin`;
    const r = await headerOnlyUpload(server, ana.token, path, 64 * 1024 * 1024);
    assert.equal(r.askedForBody, false);
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, 'quota_exceeded');
  });

  it('refuses traversal and control-character names', async () => {
    for (const name of ['..', '../../etc/passwd', 'a/b', 'a\\b', 'x\ny']) {
      const r = await upload(server, ana.token, anaSpace.id, name, Buffer.from('x'));
      assert.equal(r.status, 400, `${JSON.stringify(name)}: ${r.text}`);
    }
    const folder = await api(server, 'POST', `/api/v1/spaces/${anaSpace.id}/folders`, {
      token: ana.token,
      body: { name: '../up' },
    });
    assert.equal(folder.status, 400);
  });

  it('never serves HTML or SVG inline, and previews images inline in a sandbox', async () => {
    const html = await upload(server, ana.token, anaSpace.id, 'page.png', Buffer.from('<!DOCTYPE html><html><script>alert(document.cookie)</script></html>'));
    assert.equal(html.status, 201);
    assert.equal(html.json.content_type, 'text/html'); // sniffed, not trusted from the name
    const preview = await download(server, ana.token, html.json.id, {}, '?inline=1');
    assert.equal(preview.status, 200);
    assert.equal(preview.headers.get('content-type'), 'application/octet-stream');
    assert.match(preview.headers.get('content-disposition'), /^attachment/);
    assert.equal(preview.headers.get('x-content-type-options'), 'nosniff');
    assert.match(preview.headers.get('content-security-policy'), /sandbox; default-src 'none'/);

    const svg = await upload(server, ana.token, anaSpace.id, 'logo.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    const svgPreview = await download(server, ana.token, svg.json.id, {}, '?inline=1');
    assert.equal(svgPreview.headers.get('content-type'), 'application/octet-stream');
    assert.match(svgPreview.headers.get('content-disposition'), /^attachment/);

    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8ffff3f0005fe02fea7d6a4d20000000049454e44ae426082', 'hex');
    const image = await upload(server, ana.token, anaSpace.id, 'dot.png', png);
    assert.equal(image.json.content_type, 'image/png');
    const imagePreview = await download(server, ana.token, image.json.id, {}, '?inline=1');
    assert.equal(imagePreview.headers.get('content-type'), 'image/png');
    assert.match(imagePreview.headers.get('content-disposition'), /^inline/);
    assert.match(imagePreview.headers.get('content-security-policy'), /sandbox/);
  });

  it('enforces roles: no access, viewer, editor', async () => {
    const folder = await api(server, 'POST', `/api/v1/spaces/${anaSpace.id}/folders`, {
      token: ana.token,
      body: { name: 'shared' },
    });
    assert.equal(folder.status, 201);
    const file = await upload(server, ana.token, anaSpace.id, 'plan.txt', Buffer.from('plan'), { parent: folder.json.id });
    assert.equal(file.status, 201);

    assert.equal((await download(server, ben.token, file.json.id)).status, 404);
    const grant = await api(server, 'POST', `/api/v1/files/${folder.json.id}/grants`, {
      token: ana.token,
      body: { grantee_kind: 'user', grantee_id: ben.user.id, role: 'viewer' },
    });
    assert.equal(grant.status, 201, grant.text);
    assert.equal((await download(server, ben.token, file.json.id)).body.toString(), 'plan');
    const write = await upload(server, ben.token, anaSpace.id, 'plan.txt', Buffer.from('x'), { parent: folder.json.id });
    assert.equal(write.status, 403);
    const share = await api(server, 'POST', `/api/v1/files/${folder.json.id}/grants`, {
      token: ben.token,
      body: { grantee_kind: 'user', grantee_id: carl.user.id, role: 'viewer' },
    });
    assert.equal(share.status, 403);
    assert.equal((await api(server, 'DELETE', `/api/v1/files/${file.json.id}`, { token: ben.token })).status, 403);

    const activity = await api(server, 'GET', `/api/v1/files/${file.json.id}/activity?action=download`, { token: ana.token });
    assert.equal(activity.status, 200);
    assert.ok(activity.json.items.some((a) => a.actor_user_id === ben.user.id && a.ip === '127.0.0.1'));
    const csv = await fetch(`${server.base}/api/v1/spaces/${anaSpace.id}/activity?format=csv`, {
      headers: { authorization: `Bearer ${ana.token}` },
    });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.match(await csv.text(), /^id,at,space_id/);
    assert.equal((await api(server, 'GET', `/api/v1/spaces/${anaSpace.id}/activity`, { token: ben.token })).status, 404);
  });

  it('share links: wrong passwords are slowed down with 429 and Retry-After, then locked', async () => {
    const file = await upload(server, ana.token, anaSpace.id, 'guarded.txt', Buffer.from('guarded'));
    assert.equal(file.status, 201);
    const made = await api(server, 'POST', `/api/v1/files/${file.json.id}/links`, {
      token: ana.token,
      body: { password: 'open sesame' },
    });
    assert.equal(made.status, 201, made.text);
    const guess = (password) => fetch(server.base + made.json.url, { headers: { 'x-link-password': password } });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await guess(`guess ${i}`)).status);
    assert.deepEqual(answers.slice(0, 3), [403, 403, 403]);
    assert.ok(answers.slice(3).every((s) => s === 429), `statuses ${answers}`);
    const slowed = await guess('open sesame');
    assert.equal(slowed.status, 429, 'even the right password waits');
    assert.ok(Number(slowed.headers.get('retry-after')) >= 1);
    assert.equal((await slowed.json()).error.code, 'rate_limited');
    await new Promise((r) => setTimeout(r, Number(slowed.headers.get('retry-after')) * 1000 + 100));
    assert.equal((await guess('open sesame')).status, 200);
  });

  it('share links: password, download limit, expiry, revocation and the country toggle', async () => {
    const file = await upload(server, ana.token, anaSpace.id, 'linked.txt', Buffer.from('for outsiders'));
    assert.equal(file.status, 201);
    const made = await api(server, 'POST', `/api/v1/files/${file.json.id}/links`, {
      token: ana.token,
      body: { password: 'open sesame', max_downloads: 1 },
    });
    assert.equal(made.status, 201, made.text);
    const url = made.json.url;
    const anon = (headers = {}) => fetch(server.base + url, { headers });
    assert.equal((await anon()).status, 401);
    assert.equal((await anon({ 'x-link-password': 'wrong password' })).status, 403);
    const ok = await anon({ 'x-link-password': 'open sesame' });
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'for outsiders');
    assert.match(ok.headers.get('content-disposition'), /^attachment/);
    assert.equal((await anon({ 'x-link-password': 'open sesame' })).status, 403); // limit reached

    const revocable = await api(server, 'POST', `/api/v1/files/${file.json.id}/links`, { token: ana.token, body: {} });
    assert.equal((await fetch(server.base + revocable.json.url)).status, 200);
    assert.equal((await api(server, 'DELETE', `/api/v1/links/${revocable.json.id}`, { token: ana.token })).status, 204);
    assert.equal((await fetch(server.base + revocable.json.url)).status, 404);

    // Far enough ahead that a slow request is still in time; then wait until that moment passed.
    const expiresAt = Date.now() + 2000;
    const expired = await api(server, 'POST', `/api/v1/files/${file.json.id}/links`, {
      token: ana.token,
      body: { expires_at: expiresAt },
    });
    assert.equal(expired.status, 201, expired.text);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 100));
    assert.equal((await fetch(server.base + expired.json.url)).status, 404);

    // Ben is a viewer only: he may not make links.
    const viewer = await api(server, 'POST', `/api/v1/files/${file.json.id}/grants`, {
      token: ana.token,
      body: { grantee_kind: 'user', grantee_id: ben.user.id, role: 'viewer' },
    });
    assert.equal(viewer.status, 201);
    assert.equal((await api(server, 'POST', `/api/v1/files/${file.json.id}/links`, { token: ben.token, body: {} })).status, 403);

    // Links off in Portugal (Ana's country): new links refused, existing ones stop.
    const open = await api(server, 'POST', `/api/v1/files/${file.json.id}/links`, { token: ana.token, body: {} });
    const off = await api(server, 'PUT', '/api/v1/admin/feature-toggles/files.external_links', {
      token: admin,
      body: { countries: { PT: false } },
    });
    assert.equal(off.status, 200, off.text);
    // A change applies at once on the node that made it.
    assert.equal((await api(server, 'POST', `/api/v1/files/${file.json.id}/links`, { token: ana.token, body: {} })).status, 403);
    assert.equal((await fetch(server.base + open.json.url)).status, 403);

    const activity = await api(server, 'GET', `/api/v1/files/${file.json.id}/activity?action=link_use`, { token: ana.token });
    assert.ok(activity.json.items.length >= 2);
    assert.ok(activity.json.items.every((a) => a.link_id > 0 && a.ip === '127.0.0.1'));
  });

  it('a customer sees only their customer space', async () => {
    const carlsSpace = await api(server, 'POST', '/api/v1/spaces', {
      token: ana.token,
      body: { kind: 'customer', name: 'Carl', customer_user_id: carl.user.id },
    });
    assert.equal(carlsSpace.status, 201, carlsSpace.text);
    const corasSpace = await api(server, 'POST', '/api/v1/spaces', {
      token: ana.token,
      body: { kind: 'customer', name: 'Cora', customer_user_id: cora.user.id },
    });
    const forCora = await upload(server, ana.token, corasSpace.json.id, 'offer.pdf', Buffer.from('%PDF-1.4 for cora'));
    assert.equal(forCora.status, 201);

    const spaces = await api(server, 'GET', '/api/v1/spaces', { token: carl.token });
    assert.deepEqual(spaces.json.items.map((s) => s.id), [carlsSpace.json.id]);
    assert.equal((await upload(server, carl.token, carlsSpace.json.id, 'mine.txt', Buffer.from('hi'))).status, 201);
    assert.equal((await api(server, 'GET', `/api/v1/spaces/${corasSpace.json.id}/children`, { token: carl.token })).status, 404);
    assert.equal((await download(server, carl.token, forCora.json.id)).status, 404);
    assert.equal((await upload(server, carl.token, anaSpace.id, 'x.txt', Buffer.from('x'))).status, 404);
    const create = await api(server, 'POST', '/api/v1/spaces', {
      token: carl.token,
      body: { kind: 'customer', name: 'Me', customer_user_id: carl.user.id },
    });
    assert.equal(create.status, 403);
  });

  it('deduplicates identical content and removes the object with its last version', async () => {
    const objects = join(server.dir, 'data', 'objects');
    const before = objectFiles(objects).length;
    const bytes = randomBytes(100000);
    const a = await upload(server, ana.token, anaSpace.id, 'dup-a.bin', bytes);
    const b = await upload(server, ana.token, anaSpace.id, 'dup-b.bin', bytes);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(objectFiles(objects).length, before + 1);
    assert.equal((await api(server, 'DELETE', `/api/v1/files/${a.json.id}`, { token: ana.token })).status, 204);
    assert.equal(objectFiles(objects).length, before + 1);
    assert.equal((await api(server, 'DELETE', `/api/v1/files/${b.json.id}`, { token: ana.token })).status, 204);
    assert.equal(objectFiles(objects).length, before);
  });

  it('an upload cut mid-body leaves no object and no file', async () => {
    const objects = join(server.dir, 'data', 'objects');
    const before = objectFiles(objects).length;
    await new Promise((resolve) => {
      const req = request(`${server.base}/api/v1/spaces/${anaSpace.id}/files?name=cut.bin`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ana.token}`, 'content-length': String(1024 * 1024) },
      });
      req.on('error', () => resolve());
      req.write(randomBytes(300 * 1024), () => setTimeout(() => { req.destroy(); resolve(); }, 200));
    });
    // The server notices the cut and removes its temporary file in its own time: wait for it.
    await eventually(() => readdirSync(join(objects, '.tmp')).length === 0, { what: 'the temporary file removed' });
    assert.equal(objectFiles(objects).length, before);
    assert.equal(readdirSync(join(objects, '.tmp')).length, 0);
    const list = await api(server, 'GET', `/api/v1/spaces/${anaSpace.id}/children`, { token: ana.token });
    assert.ok(!list.json.items.some((n) => n.name === 'cut.bin'));
  });
});
