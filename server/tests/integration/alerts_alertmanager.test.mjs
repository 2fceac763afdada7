// The Prometheus Alertmanager bridge (issue 11) with Debian's real Alertmanager 0.25: an
// admin configures an integration (its audience is its policy); Alertmanager posts its
// webhook (payload version 4) with the integration's secret as bearer token; a firing alert
// reaches the integration's audience only, its repeats are deduplicated by fingerprint, and
// its resolution resolves it. Refusals: no or a wrong secret and an unknown integration get
// one 401; a suspended integration (its creator no longer an admin) 403 with the reason;
// malformed payloads 400; large payloads with unknown fields are accepted.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live, eventually } from './lib/live.mjs';
import { startAlertmanager } from './lib/alertmanager.mjs';

const allDay = { working_hours: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } };

describe('alerts from Prometheus Alertmanager', () => {
  let server, admin, dora, anna, integration, am;
  const sockets = [];
  const hook = (name, { secret, raw, body } = {}) =>
    api(server, 'POST', `/api/v1/integrations/alertmanager/${name}`, {
      headers: secret ? { authorization: `Bearer ${secret}` } : {},
      raw: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });

  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    dora = await createUser(server, admin, { ...allDay, country: 'DE', time_zone: 'Europe/Berlin', email: 'dora@example.test', display_name: 'Dora' });
    anna = await createUser(server, admin, { ...allDay, country: 'AT', time_zone: 'Europe/Vienna', email: 'anna@example.test', display_name: 'Anna' });
    const made = await api(server, 'POST', '/api/v1/alerts/integrations', {
      token: admin,
      body: { name: 'prometheus-prod', audience: { countries: ['DE'] } },
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.webhook_path, '/api/v1/integrations/alertmanager/prometheus-prod');
    assert.ok(made.json.secret.length >= 32);
    integration = made.json;
    am = await startAlertmanager({ webhookUrl: server.base + integration.webhook_path, secret: integration.secret });
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await am?.stop();
    await server?.stop();
  });

  it('only admins configure integrations; the secret is never listed; people cannot use its keys', async () => {
    const refused = await api(server, 'POST', '/api/v1/alerts/integrations', {
      token: dora.token, body: { name: 'mine', audience: { countries: ['DE'] } },
    });
    assert.equal(refused.status, 403, refused.text);
    const taken = await api(server, 'POST', '/api/v1/alerts/integrations', {
      token: admin, body: { name: 'prometheus-prod', audience: { countries: ['AT'] } },
    });
    assert.equal(taken.status, 409, taken.text);
    const list = await api(server, 'GET', '/api/v1/alerts/integrations', { token: admin });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((x) => x.name), ['prometheus-prod']);
    assert.equal(list.json.items[0].secret, undefined);
    assert.equal((await api(server, 'GET', '/api/v1/alerts/integrations', { token: dora.token })).status, 403);
    const squat = await api(server, 'POST', '/api/v1/alerts', {
      token: admin,
      body: { title: 'x', body: '', priority: 'info', audience: { countries: ['DE'] }, dedup_key: `integration:${integration.id}:abc` },
    });
    assert.equal(squat.status, 400, squat.text);
  });

  it('an alert posted to Alertmanager reaches the DE people, repeats are deduplicated, its resolution resolves it', async () => {
    const [wdora, wanna] = [live(server, dora.token), live(server, anna.token)];
    sockets.push(wdora, wanna);
    await Promise.all([wdora.opened, wanna.opened]);
    const labels = { alertname: 'DiskFull', severity: 'critical', instance: 'db1' };
    await am.post([{ labels, annotations: { summary: 'Disk full on db1' }, generatorURL: 'http://prometheus.example/graph' }]);

    const heard = await wdora.next((m) => m.type === 'alert.new' && m.title === 'DiskFull: Disk full on db1', 20000);
    assert.equal(heard.priority, 'critical');
    assert.equal(heard.alert.sender.name, 'prometheus-prod');
    assert.equal(heard.alert.sender.id, null);
    assert.equal(heard.alert.sender.integration_id, integration.id);
    const id = heard.id;

    // Alertmanager sends the unchanged group again (repeat_interval 2 s): one alert, counted.
    const repeated = await eventually(async () => {
      const got = await api(server, 'GET', `/api/v1/alerts/${id}`, { token: dora.token });
      return got.json.repeat_count >= 2 && got.json;
    }, { ms: 30000, what: 'a repeat from Alertmanager' });
    assert.equal(repeated.status, 'open');
    const mine = await api(server, 'GET', '/api/v1/alerts', { token: dora.token });
    assert.equal(mine.json.items.filter((a) => a.title.startsWith('DiskFull')).length, 1, mine.text);
    assert.ok(!wdora.inbox.some((m) => m.type === 'alert.new' && m.id !== id), 'a repeat pages nobody again');

    // Resolved in Alertmanager (endsAt in the past): resolved in Meridian.
    await am.post([{ labels, annotations: { summary: 'Disk full on db1' }, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    const resolved = await wdora.next((m) => m.type === 'alert.updated' && m.alert.id === id && m.alert.status === 'resolved', 20000);
    assert.ok(resolved.alert.resolved_at);

    // Anna (AT) is outside the integration's audience: nothing reached her.
    const hers = await api(server, 'GET', '/api/v1/alerts', { token: anna.token });
    assert.deepEqual(hers.json.items, []);
    assert.ok(!wanna.inbox.some((m) => m.type === 'alert.new'));

    const audit = await api(server, 'GET', `/api/v1/admin/audit?target=alert:${id}`, { token: admin });
    assert.equal(audit.status, 200, audit.text);
    const actions = audit.json.items.map((e) => [e.action, e.actor_email]);
    for (const action of ['alert.send', 'alert.repeat', 'alert.resolve'])
      assert.ok(actions.some(([a, who]) => a === action && who === 'integration:prometheus-prod'), JSON.stringify(actions));
  });

  it('refuses a missing or wrong secret, an unknown integration and malformed payloads; accepts large ones with unknown fields', async () => {
    const good = {
      version: '4', groupKey: '{}:{alertname="Big"}', status: 'firing', receiver: 'meridian', truncatedAlerts: 0,
      groupLabels: { alertname: 'Big' }, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am.example',
      alerts: [{ status: 'firing', labels: { alertname: 'Big', severity: 'warning' }, annotations: { description: 'x'.repeat(3000) },
        startsAt: '2026-12-07T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'b16b16b16',
        someFutureField: { nested: ['y'.repeat(20000)] } }],
    };
    // No secret, a wrong one and an unknown integration: one answer, so names cannot be probed.
    const none = await hook('prometheus-prod', { body: good });
    const wrong = await hook('prometheus-prod', { secret: 'not-the-secret', body: good });
    const unknown = await hook('no-such-integration', { secret: integration.secret, body: good });
    for (const r of [none, wrong, unknown]) {
      assert.equal(r.status, 401, r.text);
      assert.deepEqual(r.json.error.code, wrong.json.error.code);
      assert.equal(r.json.error.message, wrong.json.error.message);
    }

    const notJson = await hook('prometheus-prod', { secret: integration.secret, raw: '{"version":"4",' });
    assert.equal(notJson.status, 400, notJson.text);
    const oldVersion = await hook('prometheus-prod', { secret: integration.secret, body: { ...good, version: '3' } });
    assert.equal(oldVersion.status, 400, oldVersion.text);
    assert.match(oldVersion.json.error.message, /version must be "4"/);
    const badStatus = await hook('prometheus-prod', {
      secret: integration.secret, body: { ...good, alerts: [{ ...good.alerts[0], status: 'pending' }] },
    });
    assert.equal(badStatus.status, 400, badStatus.text);
    assert.match(badStatus.json.error.message, /alerts\[0\]\.status must be firing or resolved/);

    const body = JSON.stringify(good);
    assert.ok(body.length > 16 * 1024);
    const big = await hook('prometheus-prod', { secret: integration.secret, raw: body });
    assert.equal(big.status, 200, big.text);
    assert.equal(big.json.created, 1);
    const again = await hook('prometheus-prod', { secret: integration.secret, raw: body });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([again.json.created, again.json.repeated], [0, 1]);
    assert.deepEqual(again.json.alert_ids, big.json.alert_ids);
    // The server is fine after all of it.
    assert.equal((await api(server, 'GET', '/api/v1/alerts', { token: dora.token })).status, 200);

    // A removed integration's secret opens nothing any more.
    const removed = await api(server, 'DELETE', `/api/v1/alerts/integrations/${integration.id}`, { token: admin });
    assert.equal(removed.status, 200, removed.text);
    const gone = await hook('prometheus-prod', { secret: integration.secret, raw: body });
    assert.equal(gone.status, 401, gone.text);
    assert.equal(gone.json.error.message, wrong.json.error.message);
  });

  it('suspends an integration whose creator is no longer an administrator or is deactivated; a rotation by another admin takes it over', async () => {
    const root2 = await createUser(server, admin, { email: 'root2@example.test', display_name: 'Root Two', roles: ['admin'] });
    const rita = await createUser(server, admin, { email: 'rita@example.test', display_name: 'Rita', roles: ['admin'] });
    const made = await api(server, 'POST', '/api/v1/alerts/integrations', {
      token: rita.token, body: { name: 'ritas-hook', audience: { countries: ['DE'] } },
    });
    assert.equal(made.status, 201, made.text);
    const firing = (fp) => ({
      version: '4', groupKey: 'g', status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'Rita', severity: 'warning' }, fingerprint: fp }],
    });
    const ok = await hook('ritas-hook', { secret: made.json.secret, body: firing('r1') });
    assert.equal(ok.status, 200, ok.text);

    const demoted = await api(server, 'PUT', `/api/v1/admin/users/${rita.user.id}/roles`, { token: admin, body: { roles: ['employee'] } });
    assert.equal(demoted.status, 200, demoted.text);
    const refused = await hook('ritas-hook', { secret: made.json.secret, body: firing('r2') });
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.json.error.message, /integration 'ritas-hook' is suspended: its creator may no longer send alerts to everyone/);
    const listed = await api(server, 'GET', '/api/v1/alerts/integrations', { token: admin });
    assert.equal(listed.json.items.find((x) => x.name === 'ritas-hook').suspended, refused.json.error.message);
    // A wrong secret still gets the one 401, not the reason.
    assert.equal((await hook('ritas-hook', { secret: 'nope', body: firing('r2') })).status, 401);

    // Another admin rotates it: the old secret stops, the new one sends, it is no longer suspended.
    assert.equal((await api(server, 'POST', `/api/v1/alerts/integrations/${made.json.id}/rotate`, { token: dora.token })).status, 403);
    const rotated = await api(server, 'POST', `/api/v1/alerts/integrations/${made.json.id}/rotate`, { token: root2.token });
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(rotated.json.created_by, root2.user.id);
    assert.equal((await hook('ritas-hook', { secret: made.json.secret, body: firing('r2') })).status, 401);
    const back = await hook('ritas-hook', { secret: rotated.json.secret, body: firing('r2') });
    assert.equal(back.status, 200, back.text);
    const relisted = await api(server, 'GET', '/api/v1/alerts/integrations', { token: admin });
    assert.equal(relisted.json.items.find((x) => x.name === 'ritas-hook').suspended, null);

    // Its new vouching admin is deactivated: suspended again.
    const deactivated = await api(server, 'POST', `/api/v1/admin/users/${root2.user.id}/deactivate`, { token: admin });
    assert.equal(deactivated.status, 200, deactivated.text);
    const again = await hook('ritas-hook', { secret: rotated.json.secret, body: firing('r3') });
    assert.equal(again.status, 403, again.text);
    assert.match(again.json.error.message, /its creator's account is deactivated/);
  });
});
