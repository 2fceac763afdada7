// Consent records (issue 14): a person agrees to a purpose's current text, withdraws, and
// sees both answers with their times; an outdated text, an unknown purpose and other
// people's records are refused; an administrator reads them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

describe('privacy: consent records', () => {
  let server, admin, ada, ben;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ada = await createUser(server, admin, { email: 'ada.consent@example.test', display_name: 'Ada' });
    ben = await createUser(server, admin, { email: 'ben.consent@example.test', display_name: 'Ben' });
  });
  after(async () => {
    await server?.stop();
  });

  it('records, withdraws and keeps the history', async () => {
    const first = await api(server, 'GET', '/api/v1/me/consents', { token: ada.token });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.json.items.map((i) => i.purpose), ['recording', 'ai_processing', 'remote_support']);
    assert.ok(first.json.items.every((i) => i.granted === false && i.text && i.version));
    const ai = first.json.items.find((i) => i.purpose === 'ai_processing');

    assert.equal((await api(server, 'PUT', '/api/v1/me/consents/ai_processing', {
      token: ada.token, body: { granted: true, version: '1999-01-01' },
    })).status, 409);
    assert.equal((await api(server, 'PUT', '/api/v1/me/consents/marketing', {
      token: ada.token, body: { granted: true, version: ai.version },
    })).status, 400);
    assert.equal((await api(server, 'PUT', '/api/v1/me/consents/ai_processing', {
      token: ada.token, body: { granted: 'yes' },
    })).status, 400);
    assert.equal((await api(server, 'PUT', '/api/v1/me/consents/ai_processing', { body: { granted: false } })).status, 401);

    const yes = await api(server, 'PUT', '/api/v1/me/consents/ai_processing', {
      token: ada.token, body: { granted: true, version: ai.version },
    });
    assert.equal(yes.status, 200, yes.text);
    assert.equal(yes.json.granted, true);
    const no = await api(server, 'PUT', '/api/v1/me/consents/ai_processing', { token: ada.token, body: { granted: false } });
    assert.equal(no.json.granted, false);
    const now = await api(server, 'GET', '/api/v1/me/consents', { token: ada.token });
    assert.deepEqual(now.json.history.map((h) => [h.purpose, h.granted]), [['ai_processing', true], ['ai_processing', false]]);

    assert.equal((await api(server, 'GET', `/api/v1/admin/users/${ada.user.id}/consents`, { token: ben.token })).status, 403);
    const byAdmin = await api(server, 'GET', `/api/v1/admin/users/${ada.user.id}/consents`, { token: admin });
    assert.equal(byAdmin.json.history.length, 2);
    const bens = await api(server, 'GET', '/api/v1/me/consents', { token: ben.token });
    assert.equal(bens.json.history.length, 0);
  });
});
