// The generic JSON webhook of an integration (issue 11), driven by a real HTTP client
// (fetch) that signs as a sender would: X-Meridian-Timestamp (Unix seconds) and
// X-Meridian-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>.
// Valid requests reach the integration's audience only; a bad signature and an unknown
// integration get one 401; a stale timestamp 401 saying so; a replay 409, nothing sent twice.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, login, createUser, api } from './lib/server.mjs';

const allDay = { working_hours: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } };

function sign(secret, body, seconds = Math.floor(Date.now() / 1000)) {
  const timestamp = String(seconds);
  const signature = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'x-meridian-timestamp': timestamp, 'x-meridian-signature': signature };
}

describe('the generic JSON webhook, signed with HMAC-SHA256', () => {
  let server, admin, dora, anna, hook;
  const post = async (name, body, headers) => {
    const res = await fetch(`${server.base}/api/v1/integrations/webhook/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  };

  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    dora = await createUser(server, admin, { ...allDay, country: 'DE', time_zone: 'Europe/Berlin', email: 'dora@example.test', display_name: 'Dora' });
    anna = await createUser(server, admin, { ...allDay, country: 'AT', time_zone: 'Europe/Vienna', email: 'anna@example.test', display_name: 'Anna' });
    const made = await api(server, 'POST', '/api/v1/alerts/integrations', {
      token: admin, body: { name: 'backups', kind: 'webhook', audience: { countries: ['DE'] } },
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.webhook_path, '/api/v1/integrations/webhook/backups');
    hook = made.json;
  });
  after(async () => {
    await server?.stop();
  });

  it('accepts a signed request once; refuses a bad signature, an unknown integration, a stale timestamp and a replay', async () => {
    const body = JSON.stringify({ title: 'Backup failed on db1', body: 'exit code 2', priority: 'warning', key: 'backup-db1' });
    const headers = sign(hook.secret, body);

    const ok = await post('backups', body, headers);
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.status, 'created');
    assert.equal(ok.json.recipient_count, 1);
    const mine = await api(server, 'GET', '/api/v1/alerts', { token: dora.token });
    assert.deepEqual(mine.json.items.map((a) => [a.title, a.sender.name]), [['Backup failed on db1', 'backups']]);
    assert.deepEqual((await api(server, 'GET', '/api/v1/alerts', { token: anna.token })).json.items, []);

    // The same request again (the same signature): refused, nothing counted.
    const replay = await post('backups', body, headers);
    assert.equal(replay.status, 409, replay.text);
    assert.match(replay.json.error.message, /received before \(a replay\)/);
    const after = await api(server, 'GET', `/api/v1/alerts/${ok.json.alert_id}`, { token: dora.token });
    assert.equal(after.json.repeat_count, 1);

    // A bad signature, a changed body, an unknown integration: the same 401.
    const bad = await post('backups', body, sign('not-the-secret', body));
    const changed = await post('backups', body.replace('db1', 'db2'), headers);
    const unknown = await post('no-such-hook', body, headers);
    const unsigned = await post('backups', body, {});
    for (const r of [bad, changed, unknown, unsigned]) {
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.error.message, bad.json.error.message);
    }

    // Signed with the key but ten minutes old (or ahead): refused, saying so.
    const now = Math.floor(Date.now() / 1000);
    for (const seconds of [now - 600, now + 600]) {
      const stale = await post('backups', body, sign(hook.secret, body, seconds));
      assert.equal(stale.status, 401, stale.text);
      assert.match(stale.json.error.message, /more than 5 minutes from the server's time/);
    }

    // Signed anew: a repeat of the open alert of its key; then resolved by its key.
    const repeat = await post('backups', body, sign(hook.secret, body, now + 1));
    assert.equal(repeat.status, 200, repeat.text);
    assert.deepEqual([repeat.json.status, repeat.json.alert_id, repeat.json.repeat_count], ['repeated', ok.json.alert_id, 2]);
    const resolve = JSON.stringify({ status: 'resolved', key: 'backup-db1' });
    const resolved = await post('backups', resolve, sign(hook.secret, resolve));
    assert.equal(resolved.status, 200, resolved.text);
    assert.deepEqual([resolved.json.status, resolved.json.alert_id], ['resolved', ok.json.alert_id]);
    assert.equal((await api(server, 'GET', `/api/v1/alerts/${ok.json.alert_id}`, { token: dora.token })).json.status, 'resolved');
  });

  it('takes the secret as a bearer token too, and refuses bad bodies precisely', async () => {
    const body = JSON.stringify({ title: 'Disk almost full', priority: 'info' });
    const byBearer = await post('backups', body, { authorization: `Bearer ${hook.secret}` });
    assert.equal(byBearer.status, 201, byBearer.text);
    const other = JSON.stringify({ title: 'x', audience: { countries: ['AT'] } });
    const refused = await post('backups', other, sign(hook.secret, other));
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.json.error.message, /audience/);
    const notJson = '{"title":';
    assert.equal((await post('backups', notJson, sign(hook.secret, notJson))).status, 400);
    // An Alertmanager integration is not a webhook integration: the same 401.
    const am = await api(server, 'POST', '/api/v1/alerts/integrations', {
      token: admin, body: { name: 'prometheus', audience: { countries: ['DE'] } },
    });
    assert.equal(am.status, 201, am.text);
    const wrongKind = await post('prometheus', body, sign(am.json.secret, body));
    assert.equal(wrongKind.status, 401, wrongKind.text);
    // The server is fine after all of it.
    assert.equal((await api(server, 'GET', '/api/v1/alerts', { token: dora.token })).status, 200);
  });
});
