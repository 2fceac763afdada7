// The backfill of the AI file index against the real server: files stored while indexing was
// off (as before the AI module existed) are indexed in the background once it is on, with
// their progress visible to admins only; a restart in the middle goes on from the checkpoint
// (same run, nothing indexed twice); answers still honour a share revoked afterwards.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, api, login, createUser, freshPostgresDatabase } from './lib/server.mjs';
import { eventually } from './lib/live.mjs';
import { uploadFile as upload } from './lib/ai-files.mjs';

const TOPICS = ['refunds', 'travel', 'payroll', 'security', 'onboarding', 'parking', 'canteen', 'laptops', 'holidays', 'salaries'];

const progress = async (server, token) => {
  const r = await api(server, 'GET', '/api/v1/ai/index/backfill', { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

const cited = async (server, token, question) => {
  const r = await api(server, 'POST', '/api/v1/ai/ask', { token, body: { question, scope: { all: true } } });
  assert.equal(r.status, 200, r.text);
  return r.json.citations.map((c) => c.file_id);
};

describe('ai: indexing files stored before', () => {
  let dir, env, args;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-backfill-'));
    args = ['--data-dir', join(dir, 'data')];
    env = {};
    if (process.env.MERIDIAN_TEST_DATABASE_URL)
      env.MERIDIAN_DATABASE_URL = await freshPostgresDatabase(process.env.MERIDIAN_TEST_DATABASE_URL);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('indexes them in the background, goes on after a restart, and honours revoked access', async () => {
    // 1. Indexing off: ten files stored, none indexed.
    let server = await startServer({ webRoot: false, args, env: { ...env, MERIDIAN_AI_INDEX_FILES: 'false' } });
    let admin, ana, ben, files, grant, cleosFiles;
    try {
      admin = await login(server, server.adminEmail, server.adminPassword);
      ana = await createUser(server, admin, { email: 'ana.backfill@example.test', display_name: 'Ana' });
      ben = await createUser(server, admin, { email: 'ben.backfill@example.test', display_name: 'Ben' });
      const space = (await api(server, 'GET', '/api/v1/spaces', { token: ana.token })).json.items.find((s) => s.kind === 'personal');
      files = {};
      for (const t of TOPICS)
        files[t] = await upload(server, ana.token, space.id, `${t}.md`, `# ${t}\nThe ${t} policy changed in March: ask the ${t} desk first.\n`);
      // Cleo's two files are stored, then she restricts the processing of her data (GDPR art. 18).
      const cleo = await createUser(server, admin, { email: 'cleo.backfill@example.test', display_name: 'Cleo' });
      const cleoSpace = (await api(server, 'GET', '/api/v1/spaces', { token: cleo.token })).json.items.find((s) => s.kind === 'personal');
      cleosFiles = [];
      for (const t of ['falcon', 'osprey'])
        cleosFiles.push(await upload(server, cleo.token, cleoSpace.id, `${t}.md`, `# ${t}\nThe ${t} launch is in May.\n`));
      const restricted = await api(server, 'PUT', '/api/v1/me/restriction', { token: cleo.token, body: { restricted: true } });
      assert.equal(restricted.status, 200, restricted.text);
      grant = await api(server, 'POST', `/api/v1/files/${files.salaries.id}/grants`, {
        token: ana.token,
        body: { grantee_kind: 'user', grantee_id: ben.user.id, role: 'viewer' },
      });
      assert.equal(grant.status, 201, grant.text);
      const state = await api(server, 'GET', `/api/v1/ai/index/files/${files.payroll.id}`, { token: ana.token });
      assert.equal(state.json.status, 'not_indexed');
      assert.deepEqual(await cited(server, ana.token, 'What about payroll?'), []);
      const off = await progress(server, admin);
      assert.equal(off.state, 'off');
      assert.equal(off.remaining, 12);
      // Only admins see it.
      const refused = await api(server, 'GET', '/api/v1/ai/index/backfill', { token: ana.token });
      assert.equal(refused.status, 403, refused.text);
      assert.equal((await api(server, 'GET', '/api/v1/ai/index/backfill', {})).status, 401);
    } finally {
      await server.stop();
    }

    // 2. Indexing on, paced at two files a second: stopped once part of it is done.
    server = await startServer({ webRoot: false, args, env: { ...env, MERIDIAN_AI_BACKFILL_FILES_PER_SECOND: '2' } });
    let midway;
    try {
      midway = await eventually(async () => {
        const p = await progress(server, admin);
        return p.handled >= 2 ? p : false;
      }, { ms: 60000, what: 'two files indexed by the backfill' });
      assert.equal(midway.state, 'running');
      assert.equal(midway.total, 12);
    } finally {
      await server.stop();
    }

    // 3. Restarted: the same run goes on from its checkpoint to the end.
    server = await startServer({ webRoot: false, args, env });
    try {
      const done = await eventually(async () => {
        const p = await progress(server, admin);
        // 'done' is saved before the lease is given up: wait for both.
        return p.state === 'done' && !p.working ? p : false;
      }, { ms: 60000, what: 'the backfill done and its lease given up' });
      const resumed = server.lines.find((l) => l.event === 'ai.backfill_resumed');
      assert.ok(resumed, 'the restarted server went on with the run');
      assert.ok(resumed.handled >= midway.handled && resumed.handled < 12, `resumed at ${resumed.handled} of 12`);
      assert.ok(!server.lines.some((l) => l.event === 'ai.backfill_started'), 'a new run was begun');
      assert.equal(done.handled, 12);
      assert.equal(done.indexed, 10, 'no file indexed twice, none of the restricted counted as indexed');
      assert.equal(done.skipped_restricted, 2);
      assert.equal(done.skipped_unsupported, 0);
      assert.equal(done.failed, 0);
      assert.equal(done.last_error, null);
      assert.equal(done.remaining, 0);
      assert.equal(done.total, 12);
      assert.equal(done.documents.restricted, 2);
      assert.equal(done.started_at, midway.started_at);
      assert.equal(done.documents.ready, 10);
      assert.equal(done.working, false);

      assert.deepEqual(await cited(server, ana.token, 'What about payroll?'), [files.payroll.id]);
      const state = await api(server, 'GET', `/api/v1/ai/index/files/${files.payroll.id}`, { token: ana.token });
      assert.equal(state.json.status, 'ready');
      // Ben reads the shared file; once the share is revoked it is never cited to him.
      assert.deepEqual(await cited(server, ben.token, 'What about salaries?'), [files.salaries.id]);
      assert.equal((await api(server, 'DELETE', `/api/v1/grants/${grant.json.id}`, { token: ana.token })).status, 204);
      assert.deepEqual(await cited(server, ben.token, 'What about salaries?'), []);
      assert.deepEqual(await cited(server, ben.token, 'What about refunds?'), []);
    } finally {
      await server.stop();
    }
  });
});
