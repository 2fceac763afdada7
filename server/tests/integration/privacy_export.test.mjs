// GDPR export against the real server (issue 14): a person asks for their data and gets
// one ZIP (every module's JSON and their original files, every version), built in the
// background with progress, downloadable once through a link that needs no bearer
// header; an administrator may ask on their behalf; everyone else is refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { eventually } from './lib/live.mjs';

const unzip = (...args) => execFileSync('unzip', args, { encoding: 'utf8' });

describe('privacy: export', () => {
  let server, admin, ada, ben, dir;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ada = await createUser(server, admin, { email: 'ada.export@example.test', display_name: 'Ada Export' });
    ben = await createUser(server, admin, { email: 'ben.export@example.test', display_name: 'Ben' });
    dir = mkdtempSync(join(tmpdir(), 'meridian-export-'));
    const conv = await api(server, 'POST', '/api/v1/conversations', {
      token: ada.token, body: { kind: 'group', name: 'Plans', member_ids: [ben.user.id] },
    });
    assert.equal(conv.status, 201, conv.text);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${conv.json.id}/messages`, {
      token: ada.token, body: { text: 'the plan is ready', client_id: 'a1' },
    })).status, 201);
    const spaces = await api(server, 'GET', '/api/v1/spaces', { token: ada.token });
    const space = spaces.json.items.find((s) => s.kind === 'personal');
    for (const text of ['first draft', 'second draft']) {
      const q = new URLSearchParams({ name: 'notes.txt', parent_id: '0' });
      const up = await api(server, 'POST', `/api/v1/spaces/${space.id}/files?${q}`, {
        token: ada.token, raw: Buffer.from(text), headers: { 'content-type': 'application/octet-stream' },
      });
      assert.equal(up.status, 201, up.text);
    }
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds one archive with progress and lets it be downloaded once', async () => {
    const asked = await api(server, 'POST', '/api/v1/me/export', { token: ada.token });
    assert.equal(asked.status, 202, asked.text);
    assert.ok(['queued', 'running', 'ready'].includes(asked.json.state), asked.text);
    const ready = await eventually(async () => {
      const r = await api(server, 'GET', `/api/v1/me/exports/${asked.json.id}`, { token: ada.token });
      return r.json?.state === 'ready' ? r.json : null;
    }, { what: 'the export is ready' });
    assert.equal(ready.progress.done, ready.progress.total);
    assert.ok(ready.progress.total >= 8, JSON.stringify(ready));
    assert.match(ready.download_url, /^\/api\/v1\/exports\/\d+\/archive\?token=/);

    // Others do not see it; the link is worth nothing without its token.
    assert.equal((await api(server, 'GET', `/api/v1/me/exports/${asked.json.id}`, { token: ben.token })).status, 404);
    assert.equal((await api(server, 'GET', `/api/v1/exports/${asked.json.id}/archive`)).status, 401);
    assert.equal((await api(server, 'GET', `/api/v1/exports/${asked.json.id}/archive?token=forged`)).status, 401);

    const res = await fetch(server.base + ready.download_url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    assert.match(res.headers.get('content-disposition'), /attachment; filename="meridian-export-\d+\.zip"/);
    const file = join(dir, 'export.zip');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    unzip('-tq', file);
    const names = unzip('-Z1', file).trim().split('\n');
    for (const m of ['manifest.json', 'chat.json', 'files.json', 'identity.json', 'audit.json'])
      assert.ok(names.includes(m), `${m} in ${names}`);
    assert.match(unzip('-p', file, 'chat.json'), /the plan is ready/);
    assert.match(unzip('-p', file, 'identity.json'), /ada\.export@example\.test/);
    const originals = names.filter((n) => n.startsWith('files/')).map((n) => unzip('-p', file, n)).sort();
    assert.deepEqual(originals, ['first draft', 'second draft']);
    const manifest = JSON.parse(unzip('-p', file, 'manifest.json'));
    assert.equal(manifest.user_id, ada.user.id);
    assert.equal(manifest.files.length, 2);

    const twice = await fetch(server.base + ready.download_url);
    assert.equal(twice.status, 409, 'downloaded once');
    const after = await api(server, 'GET', `/api/v1/me/exports/${asked.json.id}`, { token: ada.token });
    assert.equal(after.json.state, 'downloaded');
    assert.equal(after.json.download_url, undefined);
    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=privacy.export.download', { token: admin });
    assert.equal(audit.json.items.length, 1);
  });

  it('refuses a customer asking for a staff member\'s data', async () => {
    const cleo = await createUser(server, admin, { email: 'cleo.export@example.test', display_name: 'Cleo', kind: 'customer' });
    const staff = await api(server, 'GET', '/api/v1/me/exports', { token: ada.token });
    const adas = staff.json.items[0].id;
    assert.equal((await api(server, 'POST', `/api/v1/admin/users/${ada.user.id}/export`, { token: cleo.token })).status, 403);
    assert.equal((await api(server, 'GET', `/api/v1/me/exports/${adas}`, { token: cleo.token })).status, 404);
    assert.equal((await api(server, 'GET', `/api/v1/admin/exports/${adas}`, { token: cleo.token })).status, 403);
    assert.equal((await api(server, 'GET', '/api/v1/admin/exports', { token: cleo.token })).status, 403);
    // Her own she may ask for, and she sees only hers.
    const own = await api(server, 'POST', '/api/v1/me/export', { token: cleo.token });
    assert.equal(own.status, 202, own.text);
    const mine = await api(server, 'GET', '/api/v1/me/exports', { token: cleo.token });
    assert.deepEqual(mine.json.items.map((e) => e.user_id), [cleo.user.id]);
  });

  it('lets an administrator export for a person and refuses everyone else', async () => {
    assert.equal((await api(server, 'POST', `/api/v1/admin/users/${ada.user.id}/export`, { token: ben.token })).status, 403);
    assert.equal((await api(server, 'GET', '/api/v1/admin/exports', { token: ben.token })).status, 403);
    assert.equal((await api(server, 'POST', '/api/v1/admin/users/999999/export', { token: admin })).status, 404);
    assert.equal((await api(server, 'POST', '/api/v1/me/export', { token: ada.token, body: { all: true } })).status, 400);
    assert.equal((await api(server, 'POST', '/api/v1/me/export')).status, 401);
    const r = await api(server, 'POST', `/api/v1/admin/users/${ada.user.id}/export`, { token: admin });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.user_id, ada.user.id);
    const ready = await eventually(async () => {
      const g = await api(server, 'GET', `/api/v1/admin/exports/${r.json.id}`, { token: admin });
      return g.json?.state === 'ready' ? g.json : null;
    }, { what: 'the export is ready' });
    assert.ok(ready.download_url);
    const list = await api(server, 'GET', '/api/v1/admin/exports', { token: admin });
    assert.deepEqual(list.json.items.filter((e) => e.user_id === ada.user.id).length, 2);
    const mine = await api(server, 'GET', '/api/v1/me/exports', { token: ada.token });
    assert.equal(mine.json.items.length, 2);
    // Ben cannot use the administrator's link for another export.
    const other = ready.download_url.replace(`/exports/${r.json.id}/`, '/exports/1/');
    assert.equal((await fetch(server.base + other)).status, 403);

    // The administrator's copy is their own: Ada's one download is still hers.
    assert.equal(ready.admin_downloaded_at, null);
    const copy = await fetch(server.base + ready.download_url);
    assert.equal(copy.status, 200);
    await copy.arrayBuffer();
    assert.equal((await fetch(server.base + ready.download_url)).status, 409, 'one administrator copy');
    const seen = await api(server, 'GET', `/api/v1/admin/exports/${r.json.id}`, { token: admin });
    assert.equal(seen.json.state, 'ready');
    assert.equal(typeof seen.json.admin_downloaded_at, 'number');
    assert.equal(seen.json.download_url, undefined);
    const hers = await api(server, 'GET', `/api/v1/me/exports/${r.json.id}`, { token: ada.token });
    assert.equal(hers.json.state, 'ready');
    assert.ok(hers.json.download_url, hers.text);
    const own = await fetch(server.base + hers.json.download_url);
    assert.equal(own.status, 200);
    await own.arrayBuffer();
    assert.equal((await fetch(server.base + hers.json.download_url)).status, 409);
    assert.equal((await api(server, 'GET', `/api/v1/me/exports/${r.json.id}`, { token: ada.token })).json.state, 'downloaded');
  });

  it('carries the files she uploaded into a team space and as chat attachments, her versions only', async () => {
    const team = await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Export crew' } });
    assert.equal(team.status, 201, team.text);
    for (const who of [ada, ben])
      assert.ok([200, 204].includes((await api(server, 'PUT', `/api/v1/admin/teams/${team.json.id}/members/${who.user.id}`, { token: admin })).status));
    const space = await api(server, 'POST', '/api/v1/spaces', { token: ada.token, body: { kind: 'team', name: 'Crew files', team_id: team.json.id } });
    assert.equal(space.status, 201, space.text);
    const upload = async (who, spaceId, name, text) => {
      const up = await api(server, 'POST', `/api/v1/spaces/${spaceId}/files?${new URLSearchParams({ name, parent_id: '0' })}`, {
        token: who.token, raw: Buffer.from(text), headers: { 'content-type': 'application/octet-stream' },
      });
      assert.equal(up.status, 201, up.text);
      return up.json;
    };
    await upload(ben, space.json.id, 'crew.txt', 'ben wrote the crew list');
    await upload(ada, space.json.id, 'crew.txt', 'ada rewrote the crew list');
    const conv = await api(server, 'POST', '/api/v1/conversations', {
      token: ada.token, body: { kind: 'group', name: 'Attachments', member_ids: [ben.user.id] },
    });
    const chatSpace = await api(server, 'GET', `/api/v1/conversations/${conv.json.id}/space`, { token: ada.token });
    assert.equal(chatSpace.status, 200, chatSpace.text);
    const photo = await upload(ada, chatSpace.json.id, 'photo.txt', 'ada attached this');
    const sent = await api(server, 'POST', `/api/v1/conversations/${conv.json.id}/messages`, {
      token: ada.token, body: { text: 'see attached', client_id: 'att1', attachments: [photo.id] },
    });
    assert.equal(sent.status, 201, sent.text);

    const asked = await api(server, 'POST', '/api/v1/me/export', { token: ada.token });
    assert.equal(asked.status, 202, asked.text);
    const ready = await eventually(async () => {
      const g = await api(server, 'GET', `/api/v1/me/exports/${asked.json.id}`, { token: ada.token });
      return g.json?.state === 'ready' ? g.json : null;
    }, { what: 'the export is ready' });
    const res = await fetch(server.base + ready.download_url);
    assert.equal(res.status, 200);
    const file = join(dir, 'export-elsewhere.zip');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const names = unzip('-Z1', file).trim().split('\n');
    const originals = names.filter((n) => n.startsWith('files/')).map((n) => unzip('-p', file, n)).sort();
    assert.deepEqual(originals, ['ada attached this', 'ada rewrote the crew list', 'first draft', 'second draft']);
    const files = JSON.parse(unzip('-p', file, 'files.json'));
    assert.deepEqual(files.uploaded_elsewhere.map((f) => [f.name, f.space_kind, f.version]).sort(),
      [['crew.txt', 'team', 2], ['photo.txt', 'conversation', 1]]);
  });
});
