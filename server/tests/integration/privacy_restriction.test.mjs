// Restriction of processing (GDPR art. 18, issue 14) against the real server: a person
// restricts the processing of their data themselves (or an administrator does for them);
// while it holds, the AI copilot refuses them with the reason and leaves their messages
// out of others' summaries; each change is audited; nobody else may set or read it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

describe('privacy: restriction of processing', () => {
  let server, admin, ana, ben, conv;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.restrict@example.test', display_name: 'Ana Restrict' });
    ben = await createUser(server, admin, { email: 'ben.restrict@example.test', display_name: 'Ben' });
    const c = await api(server, 'POST', '/api/v1/conversations', {
      token: ana.token, body: { kind: 'group', name: 'Falcon', member_ids: [ben.user.id] },
    });
    assert.equal(c.status, 201, c.text);
    conv = c.json.id;
    for (const [who, key, text] of [
      [ana, 'a1', 'We decided to rename the product to Falcon.'],
      [ben, 'b1', 'The staging build is green again after the cache fix.'],
      [ben, 'b2', 'The cache fix also made the dashboard faster.'],
    ]) {
      const r = await api(server, 'POST', `/api/v1/conversations/${conv}/messages`, { token: who.token, body: { text, client_id: key } });
      assert.equal(r.status, 201, r.text);
    }
  });
  after(async () => server?.stop());

  const summary = (who) => api(server, 'POST', '/api/v1/ai/summaries', { token: who.token, body: { conversation_id: conv } });

  it('refuses bad bodies and everyone but the person and administrators', async () => {
    const mine = await api(server, 'GET', '/api/v1/me/restriction', { token: ana.token });
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.json.restricted, false);
    assert.ok(mine.json.effects.length >= 3, mine.text);
    for (const body of [{}, { restricted: 'yes' }, { restricted: true, why: 'x' }])
      assert.equal((await api(server, 'PUT', '/api/v1/me/restriction', { token: ana.token, body })).status, 400, JSON.stringify(body));
    assert.equal((await api(server, 'PUT', '/api/v1/me/restriction', { body: { restricted: true } })).status, 401);
    assert.equal((await api(server, 'PUT', `/api/v1/admin/users/${ana.user.id}/restriction`, { token: ben.token, body: { restricted: true } })).status, 403);
    assert.equal((await api(server, 'GET', `/api/v1/admin/users/${ana.user.id}/restriction`, { token: ben.token })).status, 403);
    assert.equal((await api(server, 'PUT', '/api/v1/admin/users/999999/restriction', { token: admin, body: { restricted: true } })).status, 404);
    assert.equal((await api(server, 'GET', '/api/v1/me/restriction', { token: ana.token })).json.restricted, false);
  });

  it('leaves a restricted person out of AI, tells them why, and audits each change', async () => {
    const before = await summary(ben);
    assert.equal(before.status, 200, before.text);
    assert.equal(before.json.excluded_messages, 0);

    const on = await api(server, 'PUT', '/api/v1/me/restriction', { token: ana.token, body: { restricted: true } });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.json.restricted, true);
    const refused = await summary(ana);
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.json.error.message, /restricted at your request \(GDPR art\. 18\)/);
    const others = await summary(ben);
    assert.equal(others.status, 200, others.text);
    assert.equal(others.json.excluded_messages, 1);
    assert.doesNotMatch(JSON.stringify(others.json), /Falcon/);
    const seen = await api(server, 'GET', `/api/v1/admin/users/${ana.user.id}/restriction`, { token: admin });
    assert.equal(seen.json.restricted, true);

    const off = await api(server, 'PUT', `/api/v1/admin/users/${ana.user.id}/restriction`, { token: admin, body: { restricted: false } });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json.restricted, false);
    assert.equal((await summary(ana)).status, 200);
    const set = await api(server, 'GET', '/api/v1/admin/audit?action=privacy.restriction.set', { token: admin });
    const lift = await api(server, 'GET', '/api/v1/admin/audit?action=privacy.restriction.lift', { token: admin });
    assert.equal(set.json.items.length, 1, set.text);
    assert.equal(lift.json.items.length, 1, lift.text);
  });
});
