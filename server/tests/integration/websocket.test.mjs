// The /ws endpoint: authentication during the handshake, envelopes, limits, closes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, api, login, createUser } from './lib/server.mjs';

function connect(server, { token, header = false, protocols } = {}) {
  const url = `ws://127.0.0.1:${server.port}/ws`;
  const opts = header && token ? { headers: { authorization: `Bearer ${token}` } } : {};
  const subprotocols = protocols ?? (token && !header ? ['meridian.v1', `bearer.${token}`] : undefined);
  const ws = new WebSocket(url, subprotocols, opts);
  const messages = [];
  const waiters = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    messages.push(msg);
    for (const w of [...waiters]) if (w.match(msg)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg); }
  });
  ws.next = (match, timeoutMs = 5000) => {
    const found = messages.find(match);
    if (found) { messages.splice(messages.indexOf(found), 1); return Promise.resolve(found); }
    return new Promise((resolve, reject) => {
      waiters.push({ match: (m) => { if (match(m)) { messages.splice(messages.indexOf(m), 1); return true; } return false; }, resolve });
      setTimeout(() => reject(new Error('no matching message in time; got ' + JSON.stringify(messages))), timeoutMs).unref();
    });
  };
  ws.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.opened = new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error('HTTP ' + res.statusCode), { status: res.statusCode })));
    ws.on('error', reject);
  });
  return ws;
}

describe('WebSocket /ws', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
  });
  after(async () => server?.stop());

  it('refuses the handshake without a valid token', async () => {
    await assert.rejects(connect(server).opened, (e) => e.status === 401);
    await assert.rejects(connect(server, { token: 'forged' }).opened, (e) => e.status === 401);
  });

  it('accepts a browser subprotocol token and greets with hello', async () => {
    const ws = connect(server, { token: admin });
    await ws.opened;
    assert.equal(ws.protocol, 'meridian.v1');
    const hello = await ws.next((m) => m.type === 'hello');
    assert.equal(hello.user.display_name, 'Administrator');
    assert.equal(typeof hello.seq, 'number');
    ws.close();
  });

  it('accepts an Authorization header token', async () => {
    const ws = connect(server, { token: admin, header: true });
    await ws.opened;
    ws.send(JSON.stringify({ type: 'ping', id: 'p1' }));
    assert.deepEqual(await ws.next((m) => m.type === 'pong'), { type: 'pong', id: 'p1' });
    ws.close();
  });

  it('answers malformed JSON and unknown types with error envelopes and keeps the socket', async () => {
    const ws = connect(server, { token: admin });
    await ws.opened;
    ws.send('{"type": "ping", ');
    const e1 = await ws.next((m) => m.type === 'error');
    assert.equal(e1.error.code, 'invalid_argument');
    ws.send(JSON.stringify({ type: 'teleport', id: 'x9' }));
    const e2 = await ws.next((m) => m.type === 'error');
    assert.equal(e2.error.code, 'unknown_type');
    assert.equal(e2.id, 'x9');
    ws.send(JSON.stringify({ id: 'no-type' }));
    assert.equal((await ws.next((m) => m.type === 'error')).error.code, 'invalid_argument');
    ws.send(JSON.stringify({ type: 'ping', id: 'still-alive' }));
    assert.equal((await ws.next((m) => m.type === 'pong')).id, 'still-alive');
    ws.close();
  });

  it('closes with 1009 on a frame over the limit, other users unaffected', async () => {
    const other = connect(server, { token: admin });
    await other.opened;
    const ws = connect(server, { token: admin });
    await ws.opened;
    ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(200 * 1024) }));
    const { code } = await ws.closed;
    assert.equal(code, 1009);
    other.send(JSON.stringify({ type: 'ping', id: 'ok' }));
    assert.equal((await other.next((m) => m.type === 'pong')).id, 'ok');
    other.close();
  });

  it('logout closes the sockets of that session only', async () => {
    const { user } = await createUser(server, admin, { email: 'ws-logout@example.test' });
    const t1 = await login(server, 'ws-logout@example.test', 'a good password');
    const t2 = await login(server, 'ws-logout@example.test', 'a good password');
    const ws1 = connect(server, { token: t1 });
    const ws2 = connect(server, { token: t2 });
    await Promise.all([ws1.opened, ws2.opened]);
    assert.equal((await ws1.next((m) => m.type === 'hello')).user.id, user.id);
    assert.equal((await api(server, 'POST', '/api/v1/auth/logout', { token: t1 })).status, 204);
    assert.equal((await ws1.closed).code, 1008);
    ws2.send(JSON.stringify({ type: 'ping', id: 'other-tab' }));
    assert.equal((await ws2.next((m) => m.type === 'pong')).id, 'other-tab');
    ws2.close();
  });

  it('closes the sockets of a user who is deactivated', async () => {
    const { user, token } = await createUser(server, admin, { email: 'ws-deact@example.test' });
    const ws = connect(server, { token });
    await ws.opened;
    await ws.next((m) => m.type === 'hello');
    await api(server, 'POST', `/api/v1/admin/users/${user.id}/deactivate`, { token: admin });
    const { code } = await ws.closed;
    assert.equal(code, 1008);
  });
});

describe('graceful shutdown', () => {
  it('closes WebSockets with 1001 and exits within 5 s on SIGTERM', async () => {
    const server = await startServer({ webRoot: false });
    try {
      const token = await login(server, server.adminEmail, server.adminPassword);
      const ws = connect(server, { token });
      await ws.opened;
      const t0 = Date.now();
      server.child.kill('SIGTERM');
      const { code } = await ws.closed;
      assert.equal(code, 1001);
      const exit = await server.exited;
      assert.equal(exit.code, 0);
      assert.ok(Date.now() - t0 < 5000, `exited after ${Date.now() - t0} ms`);
      // 'exit' may come before the last of stdout has been read.
      if (!server.child.stdout.readableEnded) await new Promise((r) => server.child.stdout.once('end', r));
      assert.ok(server.lines.some((l) => l.event === 'server.exited'));
    } finally {
      await server.stop();
    }
  });

  it('keeps data across a restart on the same data folder', async () => {
    const first = await startServer({ webRoot: false });
    const dataDir = first.dir + '/data';
    const token = await login(first, first.adminEmail, first.adminPassword);
    await createUser(first, token, { email: 'persist@example.test' });
    first.child.kill('SIGTERM');
    await first.exited;
    if (process.env.MERIDIAN_TEST_DATABASE_URL) { await first.stop(); return; }  // PostgreSQL: covered by the store suite
    const second = await startServer({ webRoot: false, args: ['--data-dir', dataDir] });
    try {
      const t2 = await login(second, 'persist@example.test', 'a good password');
      assert.equal((await api(second, 'GET', '/api/v1/me', { token: t2 })).json.email, 'persist@example.test');
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});
