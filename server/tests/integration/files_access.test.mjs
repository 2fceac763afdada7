// The file manager's server side: search by name returns only files the searcher may
// read; short-lived download links stream one file without a bearer header and are
// refused for other files, when forged, and once the user lost access; names for owners,
// grantees and actors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

async function upload(server, token, spaceId, name, text, parent = 0) {
  const q = new URLSearchParams({ name, parent_id: String(parent) });
  const r = await api(server, 'POST', `/api/v1/spaces/${spaceId}/files?${q}`, {
    token,
    raw: Buffer.from(text),
    headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function personalSpace(server, token) {
  const r = await api(server, 'GET', '/api/v1/spaces', { token });
  assert.equal(r.status, 200, r.text);
  return r.json.items.find((s) => s.kind === 'personal');
}

const names = (r) => r.json.items.map((h) => h.name).sort();

describe('files: search and download links', () => {
  let server, admin, ana, ben, cleo, anaSpace, benSpace, folder, budget, secret, benFile;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.access@example.test', display_name: 'Ana Access' });
    ben = await createUser(server, admin, { email: 'ben.access@example.test', display_name: 'Ben Access' });
    cleo = await createUser(server, admin, { email: 'cleo.access@example.test', display_name: 'Cleo', kind: 'customer' });
    anaSpace = await personalSpace(server, ana.token);
    benSpace = await personalSpace(server, ben.token);
    const f = await api(server, 'POST', `/api/v1/spaces/${anaSpace.id}/folders`, { token: ana.token, body: { name: 'Plans' } });
    assert.equal(f.status, 201, f.text);
    folder = f.json;
    budget = await upload(server, ana.token, anaSpace.id, 'Budget 2027.txt', 'the budget', folder.id);
    secret = await upload(server, ana.token, anaSpace.id, 'secret budget.txt', 'not for ben', folder.id);
    benFile = await upload(server, ben.token, benSpace.id, 'ben-budget.txt', 'bens own');
  });
  after(async () => server?.stop());

  it('search finds by part of the name, case-insensitively, only what the searcher may read', async () => {
    let r = await api(server, 'GET', '/api/v1/files/search?q=BUDGET', { token: ana.token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(names(r), ['Budget 2027.txt', 'secret budget.txt']);
    const hit = r.json.items.find((h) => h.name === 'Budget 2027.txt');
    assert.equal(hit.space.id, anaSpace.id);
    assert.deepEqual(
      hit.path.map((p) => p.name),
      ['Plans'],
    );

    // Ben sees his own file only, never Ana's.
    r = await api(server, 'GET', '/api/v1/files/search?q=budget', { token: ben.token });
    assert.deepEqual(names(r), ['ben-budget.txt']);
    // A customer sees none of them.
    r = await api(server, 'GET', '/api/v1/files/search?q=budget', { token: cleo.token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(names(r), []);

    // One file shared with Ben: it appears, the other file in the folder does not, and the
    // folder he may not open is not in the path.
    const g = await api(server, 'POST', `/api/v1/files/${budget.id}/grants`, {
      token: ana.token,
      body: { grantee_kind: 'user', grantee_id: ben.user.id, role: 'viewer' },
    });
    assert.equal(g.status, 201, g.text);
    r = await api(server, 'GET', '/api/v1/files/search?q=budget', { token: ben.token });
    assert.deepEqual(names(r), ['Budget 2027.txt', 'ben-budget.txt']);
    const shared = r.json.items.find((h) => h.name === 'Budget 2027.txt');
    assert.deepEqual(shared.path, []);
    assert.equal(shared.space.owner_name, 'Ana Access');
    assert.equal(shared.my_role, 'viewer');

    // Ana's personal space shows its owner to Ben; the grant names its grantee.
    const spaces = await api(server, 'GET', '/api/v1/spaces', { token: ben.token });
    const anas = spaces.json.items.find((s) => s.id === anaSpace.id);
    assert.equal(anas.owner_name, 'Ana Access');
    const grants = await api(server, 'GET', `/api/v1/files/${budget.id}/grants`, { token: ana.token });
    assert.equal(grants.json.items[0].grantee_name, 'Ben Access');

    // Bad input: precise 400/404.
    assert.equal((await api(server, 'GET', '/api/v1/files/search?q=', { token: ana.token })).status, 400);
    assert.equal((await api(server, 'GET', '/api/v1/files/search?q=a&limit=x', { token: ana.token })).status, 400);
    assert.equal((await api(server, 'GET', `/api/v1/files/search?q=a&space_id=${anaSpace.id}`, { token: cleo.token })).status, 404);
    assert.equal((await api(server, 'GET', '/api/v1/files/search?q=budget')).status, 401);
    // % and _ are literal.
    r = await api(server, 'GET', '/api/v1/files/search?q=%25', { token: ana.token });
    assert.deepEqual(names(r), []);
  });

  it('a download link streams one file without a bearer header and is logged', async () => {
    const t = await api(server, 'POST', `/api/v1/files/${budget.id}/download-token`, { token: ana.token, body: {} });
    assert.equal(t.status, 201, t.text);
    assert.ok(t.json.expires_at > Date.now());
    assert.ok(t.json.expires_at <= Date.now() + 5 * 60 * 1000);
    assert.match(t.json.url, new RegExp(`^/api/v1/files/${budget.id}/download\\?token=`));
    const res = await fetch(server.base + t.json.url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'the budget');
    assert.match(res.headers.get('content-disposition'), /^attachment; filename="Budget 2027.txt"/);
    assert.match(res.headers.get('content-security-policy'), /sandbox/);
    // A Range continues a download while the link is valid.
    const part = await fetch(server.base + t.json.url, { headers: { range: 'bytes=4-' } });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), 'budget');

    const log = await api(server, 'GET', `/api/v1/files/${budget.id}/activity?action=download`, { token: ana.token });
    assert.equal(log.status, 200, log.text);
    assert.ok(log.json.items.length >= 1);
    assert.equal(log.json.items[0].actor_name, 'Ana Access');
    assert.equal(log.json.items[0].node_name, 'Budget 2027.txt');
    const csv = await api(server, 'GET', `/api/v1/spaces/${anaSpace.id}/activity?format=csv&action=download`, { token: ana.token });
    assert.match(csv.text, /^id,at,space_id,node_id,node_name,actor_user_id,actor_name,/);
    assert.match(csv.text, /"Budget 2027.txt",\d+,"Ana Access"/);
  });

  it('a download link is refused for another file, when forged or malformed, and after access is gone', async () => {
    const t = await api(server, 'POST', `/api/v1/files/${budget.id}/download-token`, { token: ben.token });
    assert.equal(t.status, 201, t.text);
    const token = new URL(t.json.url, server.base).searchParams.get('token');
    // The same token on another file (one Ben may not read, and one he may): refused.
    let r = await fetch(`${server.base}/api/v1/files/${secret.id}/download?token=${encodeURIComponent(token)}`);
    assert.equal(r.status, 403);
    r = await fetch(`${server.base}/api/v1/files/${benFile.id}/download?token=${encodeURIComponent(token)}`);
    assert.equal(r.status, 403);
    // A token claiming the other file's id but signed for this one: forged.
    const parts = token.split('.');
    const forged = [parts[0], String(secret.id), parts[2], parts[3], parts[4]].join('.');
    r = await fetch(`${server.base}/api/v1/files/${secret.id}/download?token=${encodeURIComponent(forged)}`);
    assert.equal(r.status, 401);
    // A longer life: forged too.
    const later = [parts[0], parts[1], parts[2], String(Number(parts[3]) + 3600_000), parts[4]].join('.');
    r = await fetch(`${server.base}/api/v1/files/${budget.id}/download?token=${encodeURIComponent(later)}`);
    assert.equal(r.status, 401);
    for (const bad of ['', 'x', 'a.b.c.d.e']) {
      r = await fetch(`${server.base}/api/v1/files/${budget.id}/download?token=${bad}`);
      assert.equal(r.status, 401, bad);
    }
    // Nobody gets a token for a file they may not read (existence not revealed).
    assert.equal((await api(server, 'POST', `/api/v1/files/${secret.id}/download-token`, { token: ben.token })).status, 404);
    assert.equal((await api(server, 'POST', `/api/v1/files/${folder.id}/download-token`, { token: ana.token })).status, 400);
    assert.equal((await api(server, 'POST', `/api/v1/files/${budget.id}/download-token`, { token: ana.token, body: { nope: 1 } })).status, 400);

    // Valid now...
    r = await fetch(server.base + t.json.url);
    assert.equal(r.status, 200);
    await r.arrayBuffer();
    // ...but not once the grant is gone: permissions are checked at use.
    const grants = await api(server, 'GET', `/api/v1/files/${budget.id}/grants`, { token: ana.token });
    for (const g of grants.json.items) {
      assert.equal((await api(server, 'DELETE', `/api/v1/grants/${g.id}`, { token: ana.token })).status, 204);
    }
    r = await fetch(server.base + t.json.url);
    assert.equal(r.status, 404);
    // The server is still up.
    assert.equal((await api(server, 'GET', '/api/v1/files/search?q=budget', { token: ana.token })).status, 200);
  });
});
