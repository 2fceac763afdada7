// The web app is served from the web root only: content types, caching, SPA fallback,
// and no way out of the root.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, api } from './lib/server.mjs';

// fetch() normalises "..": send raw request lines to test what attackers send.
function rawGet(port, target) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('end', () => resolve({ status: Number(data.split(' ')[1]), text: data }));
    s.on('error', reject);
  });
}

describe('static web app', () => {
  let server;
  before(async () => (server = await startServer()));
  after(async () => server?.stop());

  it('serves index.html without caching and hashed assets for a year', async () => {
    const index = await api(server, 'GET', '/');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const js = await api(server, 'GET', '/main-ABCDEF12.js');
    assert.match(js.headers.get('content-type'), /javascript/);
    assert.match(js.headers.get('cache-control'), /max-age=31536000/);
    assert.match(js.headers.get('content-security-policy'), /default-src 'self'/);
  });

  it('falls back to index.html for client routes but not for missing files', async () => {
    const route = await api(server, 'GET', '/admin/users');
    assert.equal(route.status, 200);
    assert.match(route.text, /<title>Meridian/);
    assert.equal((await api(server, 'GET', '/missing.js')).status, 404);
  });

  for (const target of [
    '/../secret.txt',
    '/../../etc/passwd',
    '/%2e%2e/secret.txt',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e%5c%2e%2e%5csecret.txt',
    '/assets/....//....//secret.txt',
    '/%252e%252e/secret.txt',
    '/assets/..%00/secret.txt',
  ]) {
    it(`never serves a file outside the web root: ${target}`, async () => {
      const r = await rawGet(server.port, target);
      assert.ok(!r.text.includes('TOP-SECRET'), 'leaked a file outside the web root');
      assert.ok(!r.text.includes('root:x:0'), 'leaked /etc/passwd');
      assert.ok([400, 404].includes(r.status), `status ${r.status}`);
    });
  }
});
