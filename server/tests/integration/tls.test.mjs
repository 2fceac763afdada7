// TLS on the server itself (issue 16): HTTPS and WSS with a self-signed certificate made by
// the real openssl command, HSTS, a large static file through the TLS relay, plain HTTP to
// the TLS port refused, SIGHUP reading a renewed certificate (and keeping the old one when the
// new files are broken), a graceful stop closing WSS with 1001, and a key that does not match
// its certificate refused at start.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync, rmSync, mkdirSync } from 'node:fs';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import WebSocket from 'ws';
import { startServer, login, BIN } from './lib/server.mjs';

function makeCertificate(dir, name) {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', `/CN=${name}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '2',
    '-keyout', key, '-out', cert], { stdio: 'pipe' });
  return { cert, key, pem: readFileSync(cert, 'utf8') };
}

function request(port, ca, path, { method = 'GET', body, token } = {}) {
  return new Promise((resolve, reject) => {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const req = https.request({ host: '127.0.0.1', port, path, method, ca, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function peerFingerprint(port, ca) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

function connectWss(port, ca, token) {
  const ws = new WebSocket(`wss://127.0.0.1:${port}/ws`, ['meridian.v1', `bearer.${token}`], { ca });
  const messages = [];
  const waiters = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    const w = waiters.find((x) => x.match(msg));
    if (w) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg); } else messages.push(msg);
  });
  ws.next = (match) => {
    const found = messages.find(match);
    if (found) { messages.splice(messages.indexOf(found), 1); return Promise.resolve(found); }
    return new Promise((resolve) => waiters.push({ match, resolve }));
  };
  ws.opened = new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  ws.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  return ws;
}

function untilLine(server, event) {
  return new Promise((resolve) => {
    const poll = () => (server.lines.some((l) => l.event === event) ? resolve() : setTimeout(poll, 20));
    poll();
  });
}

describe('TLS on the server itself', () => {
  let dir, first, second, server, token;
  const big = randomBytes(5 * 1024 * 1024 + 123);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-tls-'));
    first = makeCertificate(dir, 'first');
    second = makeCertificate(dir, 'second');
    // The server reads these two paths; SIGHUP after they are overwritten.
    copyFileSync(first.cert, join(dir, 'server.crt'));
    copyFileSync(first.key, join(dir, 'server.key'));
    server = await startServer({ args: ['--tls-cert', join(dir, 'server.crt'), '--tls-key', join(dir, 'server.key')] });
    writeFileSync(join(server.dir, 'web', 'assets', 'big.bin'), big);
    const res = await request(server.port, first.pem, '/api/v1/auth/login', {
      method: 'POST', body: { email: server.adminEmail, password: server.adminPassword },
    });
    assert.equal(res.status, 200);
    token = JSON.parse(res.body).token;
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with HSTS and says https:// when it starts', async () => {
    const started = server.lines.find((l) => l.event === 'server.started');
    assert.match(started.url, /^https:\/\//);
    const res = await request(server.port, first.pem, '/api/v1/me', { token });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).email, server.adminEmail);
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('sends a large file through the TLS relay unchanged', async () => {
    const res = await request(server.port, first.pem, '/assets/big.bin');
    assert.equal(res.status, 200);
    assert.equal(res.body.length, big.length);
    assert.equal(createHash('sha256').update(res.body).digest('hex'), createHash('sha256').update(big).digest('hex'));
  });

  it('carries WebSocket frames both ways over WSS, small and larger than a TLS record', async () => {
    const ws = connectWss(server.port, first.pem, token);
    await ws.opened;
    assert.ok((await ws.next((m) => m.type === 'hello')).user);
    ws.send(JSON.stringify({ type: 'ping', id: 'small' }));
    assert.equal((await ws.next((m) => m.type === 'pong')).id, 'small');
    ws.send(JSON.stringify({ type: 'ping', id: 'large', pad: 'x'.repeat(40 * 1024) }));
    assert.equal((await ws.next((m) => m.type === 'pong')).id, 'large');
    ws.close();
  });

  it('answers no plain HTTP on the TLS port, and carries on', async () => {
    // Plain HTTP to a TLS port: the handshake fails and no response comes back.
    const plain = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: '/healthz', agent: false },
        (res) => resolve({ status: res.statusCode }));
      req.on('error', (error) => resolve({ error: error.code }));
    });
    assert.ok(plain.error, `plain HTTP got an answer: ${JSON.stringify(plain)}`);
    assert.equal((await request(server.port, first.pem, '/healthz')).status, 200);
  });

  it('reads a renewed certificate on SIGHUP; open connections keep working; broken files keep the old one', async () => {
    const ws = connectWss(server.port, first.pem, token);
    await ws.opened;
    await ws.next((m) => m.type === 'hello');
    assert.equal(await peerFingerprint(server.port, first.pem), new X509Certificate(first.pem).fingerprint256);

    copyFileSync(second.cert, join(dir, 'server.crt'));
    copyFileSync(second.key, join(dir, 'server.key'));
    server.child.kill('SIGHUP');
    await untilLine(server, 'server.tls_reloaded');
    assert.equal(await peerFingerprint(server.port, second.pem), new X509Certificate(second.pem).fingerprint256);
    ws.send(JSON.stringify({ type: 'ping', id: 'still-here' }));
    assert.equal((await ws.next((m) => m.type === 'pong')).id, 'still-here');

    // A key that is not the certificate's: refused, the renewed certificate stays in use.
    copyFileSync(first.key, join(dir, 'server.key'));
    server.child.kill('SIGHUP');
    await untilLine(server, 'server.tls_reload_failed');
    assert.equal(await peerFingerprint(server.port, second.pem), new X509Certificate(second.pem).fingerprint256);
    const failed = server.lines.find((l) => l.event === 'server.tls_reload_failed');
    assert.match(failed.message, /does not belong to the certificate/);
    ws.close();
  });

  it('closes WSS with 1001 on SIGTERM and exits 0', async () => {
    const ws = connectWss(server.port, second.pem, token);
    await ws.opened;
    await ws.next((m) => m.type === 'hello');
    server.child.kill('SIGTERM');
    assert.equal(await ws.closed, 1001);
    assert.equal((await server.exited).code, 0);
  });
});

describe('TLS misconfigured', () => {
  it('refuses to start with a key that does not belong to the certificate, and says which', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-tls-bad-'));
    try {
      const a = makeCertificate(dir, 'a');
      const b = makeCertificate(dir, 'b');
      mkdirSync(join(dir, 'data'));
      const child = spawn(BIN, ['--port', '0', '--address', '127.0.0.1', '--data-dir', join(dir, 'data'),
        '--tls-cert', a.cert, '--tls-key', b.key], {
        env: { ...process.env, MERIDIAN_PASSWORD_COST: 'minimum', MERIDIAN_ADMIN_PASSWORD: 'x'.repeat(16) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const code = await new Promise((resolve) => child.on('close', resolve));
      assert.notEqual(code, 0);
      assert.match(output, /does not belong to the certificate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
