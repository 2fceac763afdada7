// Two-way Alertmanager bridge (issue 11) with Debian's real Alertmanager 0.25: an alert
// that came from Alertmanager and is acknowledged in Meridian shows up as a silence in
// Alertmanager (POST /api/v2/silences, one equality matcher per label, until the alert's
// expiry or 24 h); resolving it in Meridian expires the silence. An acknowledgement that
// does not complete the alert (quorum not reached) silences nothing yet; an integration
// without alertmanager_url never calls Alertmanager.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';
import { freePort, startAlertmanager } from './lib/alertmanager.mjs';

const allDay = { working_hours: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } };

describe('silences in Alertmanager for alerts acknowledged in Meridian', () => {
  let server, admin, dora, dirk, am, integration;
  const sockets = [];

  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    dora = await createUser(server, admin, { ...allDay, country: 'DE', time_zone: 'Europe/Berlin', email: 'dora@example.test', display_name: 'Dora' });
    dirk = await createUser(server, admin, { ...allDay, country: 'DE', time_zone: 'Europe/Berlin', email: 'dirk@example.test', display_name: 'Dirk' });
    const port = await freePort();
    const bad = await api(server, 'POST', '/api/v1/alerts/integrations', {
      token: admin, body: { name: 'x', audience: { countries: ['DE'] }, alertmanager_url: 'file:///etc/passwd' },
    });
    assert.equal(bad.status, 400, bad.text);
    const made = await api(server, 'POST', '/api/v1/alerts/integrations', {
      token: admin,
      body: { name: 'prometheus-prod', audience: { countries: ['DE'] }, require_ack: true, alertmanager_url: `http://127.0.0.1:${port}/` },
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.alertmanager_url, `http://127.0.0.1:${port}`);
    integration = made.json;
    am = await startAlertmanager({ webhookUrl: server.base + integration.webhook_path, secret: integration.secret, port, repeatInterval: '1h' });
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await am?.stop();
    await server?.stop();
  });

  it('the acknowledgement that completes the alert silences it in Alertmanager; resolving it expires the silence', async () => {
    const wdora = live(server, dora.token);
    sockets.push(wdora);
    await wdora.opened;
    const labels = { alertname: 'DiskFull', severity: 'critical', instance: 'db1' };
    await am.post([{ labels, annotations: { summary: 'Disk full on db1' } }]);
    const heard = await wdora.next((m) => m.type === 'alert.new' && m.title === 'DiskFull: Disk full on db1', 20000);
    const id = heard.id;

    // Dora acknowledges; require_ack waits for Dirk too: nothing silenced yet.
    const first = await api(server, 'POST', `/api/v1/alerts/${id}/ack`, { token: dora.token, body: { comment: 'looking' } });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.status, 'open');
    assert.deepEqual(await am.silences(), []);

    // Dirk's acknowledgement completes it: one active silence matching the alert's labels.
    const second = await api(server, 'POST', `/api/v1/alerts/${id}/ack`, { token: dirk.token, body: {} });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.json.status, 'acknowledged');
    const silences = await am.silences();
    assert.equal(silences.length, 1, JSON.stringify(silences));
    const [silence] = silences;
    assert.equal(silence.status.state, 'active');
    assert.equal(silence.createdBy, 'meridian');
    assert.equal(silence.comment, `Acknowledged in Meridian (alert ${id})`);
    assert.deepEqual(
      silence.matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual ?? true]).sort(),
      Object.entries(labels).map(([k, v]) => [k, v, false, true]).sort(),
    );
    const hours = (Date.parse(silence.endsAt) - Date.parse(silence.startsAt)) / 3600e3;
    assert.ok(hours > 23.9 && hours <= 24.01, `${hours} h`);
    // Alertmanager itself says the alert is silenced now.
    const alerts = await (await fetch(`${am.base}/api/v2/alerts?silenced=true&active=false`)).json();
    assert.ok(alerts.some((a) => a.labels.alertname === 'DiskFull' && a.status.silencedBy.includes(silence.id)), JSON.stringify(alerts));

    // A second acknowledgement (repeated) makes no second silence.
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${id}/ack`, { token: dirk.token, body: {} })).status, 200);
    assert.equal((await am.silences()).length, 1);

    // Resolved in Meridian: the silence is expired in Alertmanager.
    const resolved = await api(server, 'POST', `/api/v1/alerts/${id}/resolve`, { token: admin });
    assert.equal(resolved.status, 200, resolved.text);
    const after = await am.silences();
    assert.equal(after.length, 1);
    assert.equal(after[0].id, silence.id);
    assert.equal(after[0].status.state, 'expired');
  });
});
