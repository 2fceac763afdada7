// tus uploads across stops of the server: a SIGTERM while a PATCH is in flight (whether
// its client keeps sending past the grace or cuts it) exits 0 and loses nothing that
// arrived; a kill -9 during a whole file sent in one PATCH loses at most one checkpoint's
// bytes. Each test restarts the server on the same data folder (and database) and
// finishes the upload, byte-exact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { startServer, api, login, createUser, freshPostgresDatabase } from './lib/server.mjs';

const TUS = { 'tus-resumable': '1.0.0' };
const MiB = 1024 * 1024;
const b64 = (text) => Buffer.from(String(text)).toString('base64');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function tus(server, token, method, path, headers = {}, body) {
  const res = await fetch(server.base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...TUS, ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// A server and, after a stop, its successor on the same data folder and database.
async function restartable() {
  const env = process.env.MERIDIAN_TEST_DATABASE_URL
    ? { MERIDIAN_DATABASE_URL: await freshPostgresDatabase(process.env.MERIDIAN_TEST_DATABASE_URL) }
    : {};
  const first = await startServer({ webRoot: false, env });
  const servers = [first];
  return {
    first,
    async next() {
      const s = await startServer({ webRoot: false, env, args: ['--data-dir', first.dir + '/data'] });
      servers.push(s);
      return s;
    },
    async stopAll() {
      for (const s of servers.reverse()) await s.stop();
    },
  };
}

async function newUpload(server, length) {
  const admin = await login(server, server.adminEmail, server.adminPassword);
  const ana = await createUser(server, admin, { email: 'ana.stop@example.test', display_name: 'Ana' });
  const spaces = await api(server, 'GET', '/api/v1/spaces', { token: ana.token });
  const space = spaces.json.items.find((s) => s.kind === 'personal');
  const r = await tus(server, ana.token, 'POST', '/api/v1/uploads', {
    'upload-length': String(length),
    'upload-metadata': `filename ${b64('stopped.bin')},space_id ${b64(space.id)}`,
  });
  assert.equal(r.status, 201, r.text);
  return { token: ana.token, location: r.headers.get('location') };
}

// A PATCH from `offset` to the end whose body is written by the test, bit by bit.
function openPatch(server, token, location, offset, length) {
  const req = request(server.base + location, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${token}`,
      ...TUS,
      'content-type': 'application/offset+octet-stream',
      'upload-offset': String(offset),
      'content-length': String(length - offset),
    },
  });
  const ended = new Promise((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('error', () => resolve({ cut: true }));
  });
  return {
    ended,
    write: (bytes) => new Promise((resolve) => req.write(bytes, resolve)),
    cut: () => req.destroy(),
  };
}

async function offsetOf(server, token, location) {
  const r = await tus(server, token, 'HEAD', location);
  assert.equal(r.status, 200, `HEAD ${location}: ${r.status} (the upload must survive the stop)`);
  return Number(r.headers.get('upload-offset'));
}

// Sends the rest in one PATCH and checks the file that results, byte for byte.
async function finishAndCheck(server, token, location, data) {
  const offset = await offsetOf(server, token, location);
  const r = await tus(server, token, 'PATCH', location, {
    'content-type': 'application/offset+octet-stream',
    'upload-offset': String(offset),
  }, data.subarray(offset));
  assert.equal(r.status, 204, r.text);
  const fileId = r.headers.get('x-meridian-file-id');
  const res = await fetch(`${server.base}/api/v1/files/${fileId}/content`, { headers: { authorization: `Bearer ${token}` } });
  const back = Buffer.from(await res.arrayBuffer());
  assert.equal(back.length, data.length);
  assert.equal(createHash('sha256').update(back).digest('hex'), createHash('sha256').update(data).digest('hex'));
}

describe('tus uploads and stops of the server', () => {
  it('exits 0 on SIGTERM while a PATCH runs past the grace, and keeps what arrived', async () => {
    const run = await restartable();
    try {
      const data = randomBytes(40 * MiB);
      const { token, location } = await newUpload(run.first, data.length);
      const acknowledged = 12 * MiB;
      const first = await tus(run.first, token, 'PATCH', location, {
        'content-type': 'application/offset+octet-stream',
        'upload-offset': '0',
      }, data.subarray(0, acknowledged));
      assert.equal(first.status, 204);
      // The next PATCH sends 10 MiB, then its client waits (and keeps the connection).
      const patch = openPatch(run.first, token, location, acknowledged, data.length);
      const sent = acknowledged + 10 * MiB;
      for (let at = acknowledged; at < sent; at += MiB) await patch.write(data.subarray(at, at + MiB));
      await sleep(500);
      const t0 = Date.now();
      run.first.child.kill('SIGTERM');
      const exit = await run.first.exited;
      patch.cut();
      assert.deepEqual(exit, { code: 0, signal: null }, run.first.stderr());
      assert.ok(Date.now() - t0 < 10000, `stopped after ${Date.now() - t0} ms`);
      const second = await run.next();
      const again = await login(second, 'ana.stop@example.test', 'a good password');
      assert.equal(await offsetOf(second, again, location), sent, 'the bytes of the PATCH in flight are kept');
      await finishAndCheck(second, again, location, data);
    } finally {
      await run.stopAll();
    }
  });

  for (const cutAfterMs of [300, 4600]) {
    it(`keeps an upload whose client cuts its PATCH ${cutAfterMs} ms into a graceful stop`, async () => {
      const run = await restartable();
      try {
        const data = randomBytes(48 * MiB);
        const { token, location } = await newUpload(run.first, data.length);
        const acknowledged = 26 * MiB;
        const first = await tus(run.first, token, 'PATCH', location, {
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
        }, data.subarray(0, acknowledged));
        assert.equal(first.status, 204);
        const patch = openPatch(run.first, token, location, acknowledged, data.length);
        let at = acknowledged;
        for (; at < acknowledged + 4 * MiB; at += 256 * 1024) await patch.write(data.subarray(at, at + 256 * 1024));
        await sleep(300);
        run.first.child.kill('SIGTERM');
        await sleep(cutAfterMs);
        patch.cut();
        const exit = await run.first.exited;
        assert.deepEqual(exit, { code: 0, signal: null }, run.first.stderr());
        const second = await run.next();
        const again = await login(second, 'ana.stop@example.test', 'a good password');
        const offset = await offsetOf(second, again, location);
        assert.ok(offset >= acknowledged, `acknowledged ${acknowledged} bytes, the upload is at ${offset}`);
        assert.equal(offset, at, 'what arrived before the cut is kept');
        await finishAndCheck(second, again, location, data);
      } finally {
        await run.stopAll();
      }
    });
  }

  it('after kill -9 keeps all but the last checkpoint of a file sent in one PATCH', async () => {
    const run = await restartable();
    try {
      const data = randomBytes(48 * MiB);
      const { token, location } = await newUpload(run.first, data.length);
      const patch = openPatch(run.first, token, location, 0, data.length);
      const sent = 40 * MiB;
      for (let at = 0; at < sent; at += MiB) await patch.write(data.subarray(at, at + MiB));
      await sleep(1500);
      run.first.child.kill('SIGKILL');
      await run.first.exited;
      patch.cut();
      const second = await run.next();
      const again = await login(second, 'ana.stop@example.test', 'a good password');
      const offset = await offsetOf(second, again, location);
      // Checkpoints every 8 MiB (ResumableOptions::checkpoint_bytes).
      assert.ok(offset > sent - 8 * MiB - 1, `sent ${sent} bytes in one PATCH, ${offset} survived kill -9`);
      assert.ok(offset <= sent);
      await finishAndCheck(second, again, location, data);
    } finally {
      await run.stopAll();
    }
  });
});
