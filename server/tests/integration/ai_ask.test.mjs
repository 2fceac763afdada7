// Questions over files against the real server with the built-in provider: an uploaded
// PDF is indexed in the background (the test polls its index state), answers cite file,
// version and page; a file the asker may not read is never cited, also right after its
// share was revoked; a customer never gets an internal file; a deleted file leaves the
// index; bad bodies get a precise 400; every question is audited without contents.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { indexedState, uploadFile as upload } from './lib/ai-files.mjs';
import { makePdf } from './lib/pdf.mjs';

describe('ai questions over files', () => {
  let server, admin, ana, ben, carl, anaSpace, handbook;
  const indexed = (token, id, status = 'ready') => indexedState(server, token, id, status);

  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.ask@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.ask@example.test', display_name: 'Ben' });
    carl = await createUser(server, admin, { email: 'carl.ask@example.test', display_name: 'Carl', kind: 'customer' });
    anaSpace = (await api(server, 'GET', '/api/v1/spaces', { token: ana.token })).json.items.find((s) => s.kind === 'personal');
    handbook = await upload(server, ana.token, anaSpace.id, 'handbook.pdf', makePdf([
      ['Employee handbook.', 'Welcome aboard.'],
      ['Refunds are accepted within 30 days of purchase.', 'Keep the receipt.'],
    ]));
  });
  after(async () => server?.stop());

  it('indexes an uploaded PDF in the background and answers with file, version and page', async () => {
    const state = await indexed(ana.token, handbook.id);
    assert.equal(state.kind, 'pdf');
    assert.equal(state.pages, 2);
    assert.equal(state.version, 1);
    const r = await api(server, 'POST', '/api/v1/ai/ask', {
      token: ana.token,
      body: { question: 'How many days do I have for a refund?', scope: { file_id: handbook.id } },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.provider, 'builtin');
    assert.deepEqual(r.json.citations.map((c) => [c.file_id, c.version, c.page, c.quote]), [
      [handbook.id, 1, 2, 'Refunds are accepted within 30 days of purchase.'],
    ]);
    assert.match(r.json.answer, /30 days of purchase\. \[1\]/);
    assert.deepEqual(r.json.dropped_citations, []);
  });

  it('never cites a file the asker may not read, also right after the share was revoked', async () => {
    const question = { question: 'refund days purchase', scope: { all: true } };
    const before = await api(server, 'POST', '/api/v1/ai/ask', { token: ben.token, body: question });
    assert.equal(before.status, 200, before.text);
    assert.deepEqual(before.json.citations, []);
    assert.doesNotMatch(before.json.answer, /30 days/);
    assert.equal((await api(server, 'POST', '/api/v1/ai/ask', { token: ben.token, body: { question: 'refund', scope: { file_id: handbook.id } } })).status, 404);
    assert.equal((await api(server, 'GET', `/api/v1/ai/index/files/${handbook.id}`, { token: ben.token })).status, 404);

    const grant = await api(server, 'POST', `/api/v1/files/${handbook.id}/grants`, {
      token: ana.token,
      body: { grantee_kind: 'user', grantee_id: ben.user.id, role: 'viewer' },
    });
    assert.equal(grant.status, 201, grant.text);
    const shared = await api(server, 'POST', '/api/v1/ai/ask', { token: ben.token, body: question });
    assert.deepEqual(shared.json.citations.map((c) => c.file_id), [handbook.id]);

    assert.equal((await api(server, 'DELETE', `/api/v1/grants/${grant.json.id}`, { token: ana.token })).status, 204);
    const revoked = await api(server, 'POST', '/api/v1/ai/ask', { token: ben.token, body: question });
    assert.equal(revoked.status, 200, revoked.text);
    assert.deepEqual(revoked.json.citations, []);
    assert.doesNotMatch(revoked.json.answer, /30 days/);
  });

  it('never gives a customer an internal file', async () => {
    const space = await api(server, 'POST', '/api/v1/spaces', {
      token: ana.token,
      body: { kind: 'customer', name: 'Carl', customer_user_id: carl.user.id },
    });
    assert.equal(space.status, 201, space.text);
    const contract = await upload(server, ana.token, space.json.id, 'contract.txt', Buffer.from('Your refunds are processed within 14 days.'));
    const internal = await upload(server, ana.token, anaSpace.id, 'pricing.txt', Buffer.from('Internal: the refund discount floor is 40 percent.'));
    await indexed(ana.token, contract.id);
    await indexed(ana.token, internal.id);
    const r = await api(server, 'POST', '/api/v1/ai/ask', { token: carl.token, body: { question: 'refund discount floor days', scope: { all: true } } });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.citations.length > 0);
    assert.ok(r.json.citations.every((c) => c.file_id === contract.id), JSON.stringify(r.json.citations));
    assert.doesNotMatch(JSON.stringify(r.json), /40 percent|handbook/);
    const staff = await api(server, 'POST', '/api/v1/ai/ask', { token: ana.token, body: { question: 'refund discount floor percent', scope: { all: true } } });
    assert.ok(staff.json.citations.some((c) => c.file_id === internal.id));
  });

  it('says which files are not indexed, and forgets a deleted file', async () => {
    const png = await upload(server, ana.token, anaSpace.id, 'dot.png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    const state = await indexed(ana.token, png.id, 'unsupported');
    assert.match(state.detail, /not indexed/);
    const gone = await upload(server, ana.token, anaSpace.id, 'temp.txt', Buffer.from('The wombat budget is 7 euros.'));
    await indexed(ana.token, gone.id);
    const q = { question: 'wombat budget', scope: { all: true } };
    assert.equal((await api(server, 'POST', '/api/v1/ai/ask', { token: ana.token, body: q })).json.citations.length, 1);
    assert.equal((await api(server, 'DELETE', `/api/v1/files/${gone.id}`, { token: ana.token })).status, 204);
    const after = await api(server, 'POST', '/api/v1/ai/ask', { token: ana.token, body: q });
    assert.deepEqual(after.json.citations, []);
  });

  it('refuses bad bodies precisely and audits every question without contents', async () => {
    for (const body of [{}, { question: '' }, { question: 'x', scope: {} }, { question: 'x', scope: { all: false } },
      { question: 'x', scope: { file_id: 1, all: true } }, { question: 'x', scope: { file_id: 'a' } },
      { question: 'x'.repeat(2001), scope: { all: true } }, { question: 'the of and', scope: { all: true } },
      { question: 'x', scope: { all: true }, extra: 1 }]) {
      const r = await api(server, 'POST', '/api/v1/ai/ask', { token: ana.token, body });
      assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    }
    assert.equal((await api(server, 'POST', '/api/v1/ai/ask', { body: { question: 'x', scope: { all: true } } })).status, 401);
    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=ai.ask&limit=100', { token: admin });
    assert.equal(audit.status, 200, audit.text);
    const ok = audit.json.items.filter((e) => e.outcome === 'ok');
    assert.ok(ok.length >= 6);
    const first = ok[ok.length - 1];
    assert.equal(first.target, `file:${handbook.id}`);
    const detail = typeof first.detail === 'string' ? JSON.parse(first.detail) : first.detail;
    assert.deepEqual(detail.sources, [`file:${handbook.id}`]);
    assert.equal(detail.provider, 'builtin');
    assert.equal(detail.citations, 1);
    assert.doesNotMatch(JSON.stringify(audit.json), /30 days|refund|wombat/i);
  });
});
