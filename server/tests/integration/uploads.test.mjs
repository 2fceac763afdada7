// tus 1.0 resumable uploads against the real server: protocol headers, an upload cut at
// random offsets and resumed, checksums, termination, and a round trip over 1 GiB
// (MERIDIAN_SKIP_BIG_UPLOAD=1 skips that one).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { startServer, api, login, createUser } from './lib/server.mjs';

const TUS = { 'tus-resumable': '1.0.0' };

function b64(text) {
  return Buffer.from(String(text)).toString('base64');
}

async function tus(server, token, method, path, headers = {}, body) {
  const res = await fetch(server.base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...TUS, ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

async function create(server, token, spaceId, name, length) {
  const r = await tus(server, token, 'POST', '/api/v1/uploads', {
    'upload-length': String(length),
    'upload-metadata': `filename ${b64(name)},space_id ${b64(spaceId)}`,
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('tus-resumable'), '1.0.0');
  assert.ok(r.headers.get('upload-expires'));
  return r.headers.get('location');
}

async function offsetOf(server, token, location) {
  const r = await tus(server, token, 'HEAD', location);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  return Number(r.headers.get('upload-offset'));
}

// Sends bytes from a generator; when `cutAfter` is set, destroys the connection once
// that many bytes were written (the server keeps what arrived).
function patch(server, token, location, offset, source, { length, cutAfter, checksum } = {}) {
  return new Promise((resolve, reject) => {
    const headers = {
      authorization: `Bearer ${token}`,
      ...TUS,
      'content-type': 'application/offset+octet-stream',
      'upload-offset': String(offset),
      'content-length': String(length),
    };
    if (checksum) headers['upload-checksum'] = checksum;
    const req = request(server.base + location, { method: 'PATCH', headers });
    let sent = 0;
    let cut = false;
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', (e) => (cut ? resolve({ cut: true }) : reject(e)));
    const pump = () => {
      for (;;) {
        const chunk = source.next();
        if (chunk.done) return req.end();
        let buf = chunk.value;
        if (cutAfter !== undefined && sent + buf.length >= cutAfter) {
          buf = buf.subarray(0, cutAfter - sent);
          req.write(buf, () => setTimeout(() => { cut = true; req.destroy(); }, 150));
          return;
        }
        sent += buf.length;
        if (!req.write(buf)) return req.once('drain', pump);
      }
    };
    pump();
  });
}

function* slices(buf, from, to, step = 64 * 1024) {
  for (let i = from; i < to; i += step) yield buf.subarray(i, Math.min(to, i + step));
}

describe('tus uploads', () => {
  let server, admin, ana, ben, space;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.tus@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.tus@example.test', display_name: 'Ben' });
    const spaces = await api(server, 'GET', '/api/v1/spaces', { token: ana.token });
    space = spaces.json.items.find((s) => s.kind === 'personal');
  });
  after(async () => server?.stop());

  it('answers OPTIONS with its version and extensions', async () => {
    const r = await fetch(`${server.base}/api/v1/uploads`, { method: 'OPTIONS' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('tus-version'), '1.0.0');
    assert.equal(r.headers.get('tus-extension'), 'creation,termination,checksum,expiration');
    assert.equal(r.headers.get('tus-checksum-algorithm'), 'sha1,sha256');
  });

  it('refuses a missing Tus-Resumable, bad content type, wrong offset and other users', async () => {
    const location = await create(server, ana.token, space.id, 'refusals.bin', 10);
    const noVersion = await fetch(server.base + location, { method: 'HEAD', headers: { authorization: `Bearer ${ana.token}` } });
    assert.equal(noVersion.status, 412);
    const badType = await tus(server, ana.token, 'PATCH', location, { 'content-type': 'text/plain', 'upload-offset': '0' }, 'x');
    assert.equal(badType.status, 415);
    const wrongOffset = await tus(server, ana.token, 'PATCH', location, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '3' }, 'x');
    assert.equal(wrongOffset.status, 409);
    assert.equal((await tus(server, ben.token, 'HEAD', location)).status, 404);
    const otherSpace = await tus(server, ben.token, 'POST', '/api/v1/uploads', {
      'upload-length': '10',
      'upload-metadata': `filename ${b64('x')},space_id ${b64(space.id)}`,
    });
    assert.equal(otherSpace.status, 404);
    const overQuota = await tus(server, ana.token, 'POST', '/api/v1/uploads', {
      'upload-length': String(1e15),
      'upload-metadata': `filename ${b64('x')},space_id ${b64(space.id)}`,
    });
    assert.equal(overQuota.status, 413);
    const del = await tus(server, ana.token, 'DELETE', location);
    assert.equal(del.status, 204);
    assert.equal((await tus(server, ana.token, 'HEAD', location)).status, 404);
  });

  it('resumes an upload cut at random offsets, byte-exact', async () => {
    const data = randomBytes(20 * 1024 * 1024 + 123);
    const location = await create(server, ana.token, space.id, 'resumed.bin', data.length);
    let offset = 0;
    let done;
    for (let round = 0; round < 50 && !done; round++) {
      const remaining = data.length - offset;
      const cut = remaining > 1024 && round < 6 ? 1 + Math.floor(Math.random() * Math.min(remaining - 1, 6 * 1024 * 1024)) : undefined;
      const r = await patch(server, ana.token, location, offset, slices(data, offset, data.length), { length: remaining, cutAfter: cut });
      // 409: the server was still recording the cut request; ask again.
      if (!r.cut && r.status !== 409) {
        assert.equal(r.status, 204);
        done = r;
      }
      await new Promise((res) => setTimeout(res, 50));
      if (!done) {
        const now = await offsetOf(server, ana.token, location);
        assert.ok(now >= offset, `offset went back: ${now} < ${offset}`);
        offset = now;
      }
    }
    assert.ok(done, 'the upload completed');
    assert.equal(Number(done.headers['upload-offset']), data.length);
    const fileId = done.headers['x-meridian-file-id'];
    assert.ok(fileId);
    const res = await fetch(`${server.base}/api/v1/files/${fileId}/content`, { headers: { authorization: `Bearer ${ana.token}` } });
    const back = Buffer.from(await res.arrayBuffer());
    assert.equal(back.length, data.length);
    assert.ok(back.equals(data));
  });

  it('checks a PATCH checksum and discards a mismatching one', async () => {
    const data = randomBytes(4096);
    const location = await create(server, ana.token, space.id, 'checked.bin', data.length);
    const bad = await patch(server, ana.token, location, 0, slices(data, 0, 2048), {
      length: 2048,
      checksum: `sha256 ${createHash('sha256').update('nope').digest('base64')}`,
    });
    assert.equal(bad.status, 460);
    assert.equal(await offsetOf(server, ana.token, location), 0);
    const good = await patch(server, ana.token, location, 0, slices(data, 0, data.length), {
      length: data.length,
      checksum: `sha1 ${createHash('sha1').update(data).digest('base64')}`,
    });
    assert.equal(good.status, 204);
    assert.ok(good.headers['x-meridian-file-id']);
  });

  it('round-trips a file over 1 GiB, streamed both ways', { skip: process.env.MERIDIAN_SKIP_BIG_UPLOAD === '1', timeout: 600000 }, async () => {
    const total = 1024 * 1024 * 1024 + 4097;
    const block = randomBytes(1024 * 1024);
    const sent = createHash('sha256');
    function* generate() {
      let produced = 0;
      let n = 0;
      while (produced < total) {
        const size = Math.min(block.length, total - produced);
        const buf = Buffer.from(block.subarray(0, size));
        buf.writeUInt32LE(n++, 0);
        sent.update(buf);
        produced += size;
        yield buf;
      }
    }
    // Space for it: a team-sized quota for this user's personal space is not enough by
    // default (10 GiB is), so the personal space works.
    const location = await create(server, ana.token, space.id, 'big.bin', total);
    const t0 = Date.now();
    const up = await patch(server, ana.token, location, 0, generate(), { length: total });
    const uploadMs = Date.now() - t0;
    assert.equal(up.status, 204);
    const fileId = up.headers['x-meridian-file-id'];
    const t1 = Date.now();
    const res = await fetch(`${server.base}/api/v1/files/${fileId}/content`, { headers: { authorization: `Bearer ${ana.token}` } });
    assert.equal(res.status, 200);
    const got = createHash('sha256');
    let length = 0;
    for await (const chunk of res.body) {
      got.update(chunk);
      length += chunk.length;
    }
    const downloadMs = Date.now() - t1;
    assert.equal(length, total);
    assert.equal(got.digest('hex'), sent.digest('hex'));
    console.log(`1 GiB + 4097 B: upload ${uploadMs} ms, download ${downloadMs} ms`);
  });
});
