// Issue 16, hardening: the security headers on every kind of answer the server gives (the web
// app, a hashed asset, health, JSON 200/401/404/400/413, a stored file's content, a public share
// link, a refused WebSocket upgrade), and no secret in the server's log: after sign-ins,
// password resets, share links with passwords, meeting guest passes and a WebSocket session at
// the most verbose log level, no token or password appears on stdout or stderr.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { connected } from './lib/live.mjs';

/** A raw HTTP request (fetch refuses Upgrade headers and fails on a body the server cuts). */
function rawRequest(server, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: { get: (name) => res.headers[name.toLowerCase()] ?? null } }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectSecurityHeaders(res, what, { sandbox = false } = {}) {
  const h = (name) => res.headers.get(name);
  assert.equal(h('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(h('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(h('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
  const csp = h('content-security-policy') ?? '';
  if (sandbox) assert.match(csp, /^sandbox/, `${what}: stored content is sandboxed (${csp})`);
  else {
    assert.match(csp, /default-src 'self'/, `${what}: CSP (${csp})`);
    assert.match(csp, /frame-ancestors 'none'/, `${what}: no framing (${csp})`);
    assert.match(csp, /object-src 'none'/, `${what}: no plugins (${csp})`);
    assert.doesNotMatch(csp, /unsafe-eval/, `${what}: no eval`);
  }
  assert.ok(h('x-request-id'), `${what}: a request id`);
}

describe('security headers on every kind of answer, and no secret in the log', () => {
  let server, admin, emp, secrets;
  before(async () => {
    server = await startServer({ env: { MERIDIAN_LOG_LEVEL: 'debug' } });
    admin = await login(server, server.adminEmail, server.adminPassword);
    emp = await createUser(server, admin, { email: 'hdr.emp@example.test', display_name: 'Hedda Header' });
    secrets = [server.adminPassword, admin, emp.token, emp.password];
  });
  after(async () => {
    await server?.stop();
  });

  it('sends them on the app, assets, health, JSON answers of every status, and WebSocket refusals', async () => {
    const get = (path, init = {}) => fetch(server.base + path, init);
    const cases = [
      ['the app', await get('/')],
      ['a client route of the app', await get('/chat/12')],
      ['a hashed asset', await get('/main-ABCDEF12.js')],
      ['health', await get('/healthz')],
      ['readiness', await get('/readyz')],
      ['JSON 200', await get('/api/v1/me', { headers: { authorization: `Bearer ${emp.token}` } })],
      ['JSON 401', await get('/api/v1/me')],
      ['JSON 404', await get('/api/v1/no-such-route', { headers: { authorization: `Bearer ${emp.token}` } })],
      ['JSON 405', await get('/api/v1/me', { method: 'PATCH', headers: { authorization: `Bearer ${emp.token}` } })],
      ['JSON 400', await get('/api/v1/conversations', { method: 'POST', headers: { authorization: `Bearer ${emp.token}`, 'content-type': 'application/json' }, body: '{not json' })],
      ['JSON 413', await rawRequest(server, 'POST', '/api/v1/conversations', { authorization: `Bearer ${emp.token}`, 'content-type': 'application/json', 'content-length': 3 * 1024 * 1024 }, 'x'.repeat(3 * 1024 * 1024))],
      ['a WebSocket upgrade without a session', await rawRequest(server, 'GET', '/ws', { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') })],
    ];
    const statuses = Object.fromEntries(cases.map(([what, res]) => [what, res.status]));
    assert.deepEqual(
      [statuses['the app'], statuses['a hashed asset'], statuses.health, statuses['JSON 200'], statuses['JSON 401'], statuses['JSON 404'], statuses['JSON 405'], statuses['JSON 400'], statuses['JSON 413']],
      [200, 200, 200, 200, 401, 404, 405, 400, 413],
      JSON.stringify(statuses),
    );
    assert.ok(statuses['a WebSocket upgrade without a session'] >= 400, 'the upgrade is refused');
    for (const [what, res] of cases) expectSecurityHeaders(res, what);
  });

  it('sandboxes a stored file\'s content, also through a public share link with a password', async () => {
    const space = (await api(server, 'GET', '/api/v1/spaces', { token: emp.token })).json.items.find((s) => s.kind === 'personal');
    const up = await fetch(`${server.base}/api/v1/spaces/${space.id}/files?name=page.html&parent_id=0`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emp.token}`, 'content-type': 'application/octet-stream' },
      body: '<script>alert(document.cookie)</script>',
    });
    assert.equal(up.status, 201, await up.clone().text());
    const file = await up.json();
    const content = await fetch(`${server.base}/api/v1/files/${file.id}/content`, { headers: { authorization: `Bearer ${emp.token}` } });
    assert.equal(content.status, 200);
    expectSecurityHeaders(content, 'file content', { sandbox: true });

    const linkPassword = `link-${randomBytes(6).toString('hex')}`;
    const link = await api(server, 'POST', `/api/v1/files/${file.id}/links`, { token: emp.token, body: { password: linkPassword } });
    assert.equal(link.status, 201, link.text);
    const token = link.json.token ?? link.json.url?.split('/').pop();
    assert.ok(token, JSON.stringify(link.json));
    secrets.push(linkPassword, token);
    const wrong = await fetch(`${server.base}/api/v1/public/links/${token}`, { headers: { 'x-link-password': 'nope' } });
    assert.equal(wrong.status, 403);
    expectSecurityHeaders(wrong, 'a share link refused');
    const open = await fetch(`${server.base}/api/v1/public/links/${token}/content`, { headers: { 'x-link-password': linkPassword } });
    assert.equal(open.status, 200);
    expectSecurityHeaders(open, 'a share link\'s content', { sandbox: true });
  });

  it('writes no token or password to its log, at the most verbose level', async () => {
    // More secrets to handle: a failed sign-in with a near-miss password, a reset, a guest pass.
    assert.equal((await api(server, 'POST', '/api/v1/auth/login', { body: { email: emp.user.email, password: `${emp.password}-typo` } })).status, 401);
    const reset = await api(server, 'POST', `/api/v1/admin/users/${emp.user.id}/reset-password`, { token: admin });
    assert.equal(reset.status, 200, reset.text);
    secrets.push(reset.json.password, `${emp.password}-typo`);
    const again = await login(server, emp.user.email, reset.json.password);
    secrets.push(again);
    const meeting = await api(server, 'POST', '/api/v1/meetings', { token: again, body: { title: 'Header review' } });
    assert.equal(meeting.status, 201, meeting.text);
    const pass = await api(server, 'POST', `/api/v1/meeting-links/${meeting.json.code}/guests`, { body: { display_name: 'Walk-in' } });
    assert.equal(pass.status, 201, pass.text);
    secrets.push(pass.json.token);
    // A WebSocket session, whose token travels in the subprotocol header.
    const ws = await connected(server, again);
    ws.close();
    await server.stop();

    const log = JSON.stringify(server.lines) + server.stderr();
    assert.ok(server.lines.length > 10, 'the server did log (the test reads a real log)');
    const leaked = secrets.filter((s) => s && log.includes(s));
    assert.deepEqual(leaked.map((s) => `${s.slice(0, 4)}…`), [], 'no secret in the log');
  });
});
