// REST API behaviour and refusals against the real server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

function assertError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type')?.startsWith('application/json'), true, 'JSON error body');
  assert.equal(typeof r.json?.error?.message, 'string', r.text);
  if (code) assert.equal(r.json.error.code, code, r.text);
}

describe('REST API', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer();
    admin = await login(server, server.adminEmail, server.adminPassword);
  });
  after(async () => server?.stop());

  it('answers health, readiness and metrics', async () => {
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
    assert.equal((await api(server, 'GET', '/readyz')).status, 200);
    await api(server, 'GET', '/api/v1/me', { token: admin });
    const m = await api(server, 'GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.text, /meridian_http_requests_total\{[^}]*route="\/api\/v1\/me"[^}]*status="200"[^}]*\} \d+/);
    assert.match(m.text, /meridian_http_request_duration_seconds_bucket/);
    assert.match(m.text, /meridian_ws_connections \d+/);
  });

  it('returns the signed-in user with country, time zone, roles and feature toggles', async () => {
    const r = await api(server, 'GET', '/api/v1/me', { token: admin });
    assert.equal(r.status, 200);
    assert.equal(r.json.email, server.adminEmail);
    assert.ok(r.json.roles.includes('admin'));
    assert.equal(typeof r.json.country, 'string');
    assert.equal(typeof r.json.time_zone, 'string');
    assert.equal(r.json.features['files.external_links'], true);
    assert.equal(typeof r.json.local_time, 'string');
  });

  it('puts security headers and a request id on every response', async () => {
    for (const path of ['/api/v1/me', '/api/v1/nope', '/healthz']) {
      const r = await api(server, 'GET', path, { headers: { 'x-request-id': 'trace-123' } });
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(r.headers.get('x-request-id'), 'trace-123', path);
    }
  });

  it('refuses missing, forged and expired tokens with 401', async () => {
    assertError(await api(server, 'GET', '/api/v1/me'), 401, 'unauthenticated');
    assertError(await api(server, 'GET', '/api/v1/me', { token: 'forged-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), 401);
    assertError(await api(server, 'GET', '/api/v1/me', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401);
    const TTL_MS = 3000;
    const short = await startServer({ env: { MERIDIAN_SESSION_TTL_SECONDS: String(TTL_MS / 1000) }, webRoot: false });
    try {
      const t = await login(short, short.adminEmail, short.adminPassword);
      // The session ends TTL after the login was answered at the latest (the server's clock is ours).
      const expiresBy = Date.now() + TTL_MS;
      assert.equal((await api(short, 'GET', '/api/v1/me', { token: t })).status, 200);
      await new Promise((r) => setTimeout(r, Math.max(0, expiresBy - Date.now()) + 100));
      const expired = await api(short, 'GET', '/api/v1/me', { token: t });
      assertError(expired, 401, 'unauthenticated');
      assert.match(expired.json.error.message, /expired/);
    } finally {
      await short.stop();
    }
  });

  it('logout revokes the token', async () => {
    const t = await login(server, server.adminEmail, server.adminPassword);
    assert.equal((await api(server, 'POST', '/api/v1/auth/logout', { token: t })).status, 204);
    assertError(await api(server, 'GET', '/api/v1/me', { token: t }), 401);
  });

  it('answers malformed JSON, wrong types and unknown fields with 400', async () => {
    assertError(await api(server, 'POST', '/api/v1/auth/login', { raw: '{"email": "a@b.c", ', headers: { 'content-type': 'application/json' } }), 400, 'invalid_argument');
    assertError(await api(server, 'POST', '/api/v1/auth/login', { body: { email: 42, password: 'x' } }), 400, 'invalid_argument');
    assertError(await api(server, 'POST', '/api/v1/auth/login', { body: ['not', 'an', 'object'] }), 400);
    const typo = await api(server, 'POST', '/api/v1/admin/users', {
      token: admin,
      body: { email: 'x@example.test', dispaly_name: 'X', password: 'a good password', kind: 'employee', country: 'PT', time_zone: 'Europe/Lisbon' },
    });
    assertError(typo, 400, 'invalid_argument');
    assert.match(typo.json.error.message, /dispaly_name/);
    const badCountry = await api(server, 'POST', '/api/v1/admin/users', {
      token: admin,
      body: { email: 'x@example.test', display_name: 'X', password: 'a good password', kind: 'employee', country: 'XX', time_zone: 'Europe/Lisbon' },
    });
    assertError(badCountry, 400);
    const nullName = await api(server, 'POST', '/api/v1/admin/users', {
      token: admin,
      body: { email: 'y@example.test', display_name: null, password: 'a good password', kind: null, country: 'PT', time_zone: 'Europe/Lisbon' },
    });
    assertError(nullName, 400, 'invalid_argument');
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
    assert.match(badCountry.json.error.message, /ISO 3166/);
  });

  it('answers an unknown route with 404 and a wrong method with 405', async () => {
    assertError(await api(server, 'GET', '/api/v1/does-not-exist', { token: admin }), 404);
    assertError(await api(server, 'DELETE', '/api/v1/me', { token: admin }), 405);
  });

  it('refuses a body over the route limit with 413 and stays up', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(64 * 1024) });
    const r = await api(server, 'POST', '/api/v1/auth/login', { raw: big, headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 413);
    assert.equal((await api(server, 'GET', '/healthz')).status, 200);
  });

  it('keeps admin routes for admins: 403 for an employee, a customer and a guest', async () => {
    const emp = await createUser(server, admin, { email: 'emp403@example.test' });
    const cust = await createUser(server, admin, { email: 'cust403@example.test', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
    const guest = await createUser(server, admin, { email: 'guest403@example.test', kind: 'guest' });
    for (const { token } of [emp, cust, guest]) {
      assertError(await api(server, 'GET', '/api/v1/admin/users', { token }), 403, 'forbidden');
      assertError(await api(server, 'POST', '/api/v1/admin/users', { token, body: { email: 'evil@example.test' } }), 403);
      assertError(await api(server, 'GET', '/api/v1/admin/audit', { token }), 403);
      assertError(await api(server, 'PUT', '/api/v1/admin/feature-toggles/ai.copilot', { token, body: { default_enabled: false } }), 403);
      assertError(await api(server, 'PUT', `/api/v1/admin/users/${emp.user.id}/roles`, { token, body: { roles: ['admin'] } }), 403);
    }
  });

  it('lets employees browse the directory but never customers or guests', async () => {
    const emp = await createUser(server, admin, { email: 'dir-emp@example.test' });
    const cust = await createUser(server, admin, { email: 'dir-cust@example.test', kind: 'customer' });
    const dir = await api(server, 'GET', '/api/v1/users', { token: emp.token });
    assert.equal(dir.status, 200);
    assert.ok(dir.json.items.every((u) => u.kind === 'employee' || u.kind === 'agent'), 'customers are not listed');
    assertError(await api(server, 'GET', '/api/v1/users', { token: cust.token }), 403);
  });

  it('stores SQL metacharacters verbatim in every string field', async () => {
    const nasty = `Robert'); DROP TABLE users; -- "quoted" \\ ? %_ ; SELECT * FROM sessions`;
    const created = await api(server, 'POST', '/api/v1/admin/users', {
      token: admin,
      body: { email: "o'hara+x@example.test", display_name: nasty, password: `p'; DROP TABLE x;--`, kind: 'employee', country: 'IE', time_zone: 'Europe/Dublin' },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.display_name, nasty);
    assert.equal(created.json.email, "o'hara+x@example.test");
    const t = await login(server, "o'hara+x@example.test", `p'; DROP TABLE x;--`);
    const me = await api(server, 'GET', '/api/v1/me', { token: t });
    assert.equal(me.json.display_name, nasty);
    const team = await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: nasty } });
    assert.equal(team.status, 201);
    assert.equal(team.json.name, nasty);
    const found = await api(server, 'GET', '/api/v1/admin/users?q=' + encodeURIComponent("DROP TABLE"), { token: admin });
    assert.equal(found.json.items.length, 1);
  });

  it('locks out a login flood with 429 and Retry-After, and audits it', async () => {
    await createUser(server, admin, { email: 'flood@example.test' });
    const statuses = [];
    let retryAfter = null;
    for (let i = 0; i < 6; i++) {
      const r = await api(server, 'POST', '/api/v1/auth/login', { body: { email: 'flood@example.test', password: 'wrong-password-' + i } });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    assert.deepEqual(statuses.slice(0, 3), [401, 401, 401]);
    assert.ok(statuses.includes(429), statuses.join(','));
    assert.ok(Number(retryAfter) >= 1);
    // Even the right password is refused while locked.
    const right = await api(server, 'POST', '/api/v1/auth/login', { body: { email: 'flood@example.test', password: 'a good password' } });
    assertError(right, 429, 'rate_limited');
    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=auth.login&limit=200', { token: admin });
    assert.ok(audit.json.items.some((e) => e.actor_email === 'flood@example.test' && e.outcome === 'failed'));
    assert.ok(audit.json.items.some((e) => e.actor_email === 'flood@example.test' && e.outcome === 'locked'));
  });

  it('creates, updates, deactivates users and resets passwords; all audited', async () => {
    const { user, token } = await createUser(server, admin, { email: 'life@example.test' });
    const upd = await api(server, 'PATCH', `/api/v1/admin/users/${user.id}`, {
      token: admin,
      body: { country: 'JP', time_zone: 'Asia/Tokyo', working_hours: { start: '10:00', end: '18:00', days: [1, 2, 3, 4] }, gdpr: { exclude_from_ai: true } },
    });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.json.region, 'APAC');
    assert.deepEqual(upd.json.working_hours, { start: '10:00', end: '18:00', days: [1, 2, 3, 4] });
    assert.equal(upd.json.gdpr.exclude_from_ai, true);
    const reset = await api(server, 'POST', `/api/v1/admin/users/${user.id}/reset-password`, { token: admin, body: {} });
    assert.equal(reset.status, 200);
    assertError(await api(server, 'GET', '/api/v1/me', { token }), 401);
    const t2 = await login(server, 'life@example.test', reset.json.password);
    const deact = await api(server, 'POST', `/api/v1/admin/users/${user.id}/deactivate`, { token: admin });
    assert.equal(deact.json.active, false);
    assertError(await api(server, 'GET', '/api/v1/me', { token: t2 }), 401);
    const audit = await api(server, 'GET', `/api/v1/admin/audit?target=user:${user.id}`, { token: admin });
    const actions = audit.json.items.map((e) => e.action);
    for (const a of ['admin.user.create', 'admin.user.update', 'admin.user.reset_password', 'admin.user.deactivate'])
      assert.ok(actions.includes(a), `${a} in ${actions}`);
    const adminActions = audit.json.items.filter((e) => e.action.startsWith('admin.'));
    assert.ok(adminActions.length >= 4);
    assert.ok(adminActions.every((e) => e.actor_email === server.adminEmail && e.ip === '127.0.0.1'));
  });

  it('pages through the audit log with a cursor and filters by time', async () => {
    const page1 = await api(server, 'GET', '/api/v1/admin/audit?limit=2', { token: admin });
    assert.equal(page1.json.items.length, 2);
    assert.ok(page1.json.next_cursor);
    const page2 = await api(server, 'GET', `/api/v1/admin/audit?limit=2&cursor=${page1.json.next_cursor}`, { token: admin });
    assert.ok(page2.json.items[0].id < page1.json.items[1].id);
    const future = await api(server, 'GET', `/api/v1/admin/audit?since=${Date.now() + 3600_000}`, { token: admin });
    assert.equal(future.json.items.length, 0);
    assertError(await api(server, 'GET', '/api/v1/admin/audit?limit=abc', { token: admin }), 400);
  });

  it('evaluates per-country feature toggles for each user', async () => {
    const de = await createUser(server, admin, { email: 'de@example.test', country: 'DE', time_zone: 'Europe/Berlin' });
    const fr = await createUser(server, admin, { email: 'fr@example.test', country: 'FR', time_zone: 'Europe/Paris' });
    const put = await api(server, 'PUT', '/api/v1/admin/feature-toggles/files.external_links', { token: admin, body: { countries: { DE: false } } });
    assert.equal(put.status, 200, put.text);
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: de.token })).json.features['files.external_links'], false);
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: fr.token })).json.features['files.external_links'], true);
    assertError(await api(server, 'PUT', '/api/v1/admin/feature-toggles/nonexistent', { token: admin, body: { default_enabled: true } }), 404);
    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=admin.feature_toggle.change', { token: admin });
    assert.equal(audit.json.items[0].target, 'feature:files.external_links');
  });

  it('manages teams and membership', async () => {
    const { user } = await createUser(server, admin, { email: 'teamie@example.test' });
    const team = await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Porto Tax' } });
    assert.equal(team.status, 201);
    assert.equal((await api(server, 'PUT', `/api/v1/admin/teams/${team.json.id}/members/${user.id}`, { token: admin })).status, 204);
    const detail = await api(server, 'GET', `/api/v1/admin/teams/${team.json.id}`, { token: admin });
    assert.deepEqual(detail.json.members.map((m) => m.email), ['teamie@example.test']);
    assertError(await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Porto Tax' } }), 409, 'conflict');
    assertError(await api(server, 'GET', '/api/v1/admin/teams/99999', { token: admin }), 404);
  });
});
