// Escalation against the real server: a step notifies those who have not acknowledged and
// then a named target (who becomes a recipient), the sender's tracking view hears each step,
// an acknowledgement cancels every step at once, steps survive a restart of the server, and
// a burst of sends and acknowledgements on SQLite is all answered (no "database is locked").
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, api, login, createUser, freshPostgresDatabase } from './lib/server.mjs';
import { connected, live } from './lib/live.mjs';

// Working around the clock: info and warning alerts reach them at once at any hour (quiet hours
// are tested in alerts_quiet_hours.test.mjs).
const allDay = { working_hours: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } };

const fast = { MERIDIAN_ALERTS_ESCALATION_POLL_MS: '50' };

async function escalationOf(server, token, id) {
  const r = await api(server, 'GET', `/api/v1/alerts/${id}/escalation`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json.steps;
}

describe('alerts: escalation', () => {
  let server, admin, dora, dirk, uma;
  const sockets = [];
  const open = (token) => connected(server, token, sockets);
  before(async () => {
    server = await startServer({ webRoot: false, env: fast });
    admin = await login(server, server.adminEmail, server.adminPassword);
    const berlin = { country: 'DE', time_zone: 'Europe/Berlin' };
    dora = await createUser(server, admin, { ...allDay, email: 'dora.esc@example.test', display_name: 'Dora', ...berlin });
    dirk = await createUser(server, admin, { ...allDay, email: 'dirk.esc@example.test', display_name: 'Dirk', ...berlin });
    uma = await createUser(server, admin, { ...allDay, email: 'uma.esc@example.test', display_name: 'Uma', country: 'US', time_zone: 'America/New_York' });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
  });

  it('notifies those who have not acknowledged, then a named target who may acknowledge; the sender hears each step', async () => {
    const [wdora, wdirk, wuma, wadmin] = await Promise.all([open(dora.token), open(dirk.token), open(uma.token), open(admin)]);
    const sent = await api(server, 'POST', '/api/v1/alerts', {
      token: admin,
      body: {
        title: 'Primary database down',
        priority: 'critical',
        audience: { countries: ['DE'] },
        require_ack: true,
        escalation: [{ after_seconds: 1, notify: 'again' }, { after_seconds: 2, audience: { user_ids: [uma.user.id] } }],
      },
    });
    assert.equal(sent.status, 201, sent.text);
    const id = sent.json.id;
    await wdora.next((m) => m.type === 'alert.new' && m.id === id && !m.escalation);
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${id}/ack`, { token: dora.token, body: { comment: 'looking' } })).status, 200);

    const again = await wdirk.next((m) => m.type === 'alert.new' && m.id === id && m.escalation);
    assert.deepEqual(again.escalation, { step: 1, of: 2 });
    const step1 = await wadmin.next((m) => m.type === 'alert.escalated' && m.alert_id === id);
    assert.equal(step1.step.step, 1);
    assert.equal(step1.step.state, 'fired');
    assert.equal(step1.step.notified, 1, 'Dora acknowledged: only Dirk is notified again');

    const named = await wuma.next((m) => m.type === 'alert.new' && m.id === id && m.escalation, 10000);
    assert.deepEqual(named.escalation, { step: 2, of: 2 });
    assert.equal(named.alert.recipient_count, 3);
    const step2 = await wadmin.next((m) => m.type === 'alert.escalated' && m.alert_id === id && m.step.step === 2, 10000);
    assert.equal(step2.alert.recipient_count, 3);
    // Uma is a recipient now: she sees it and acknowledges it.
    const ack = await api(server, 'POST', `/api/v1/alerts/${id}/ack`, { token: uma.token, body: {} });
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.json.status, 'open', 'require_ack waits for the frozen list (Dirk)');
    assert.equal(wdora.inbox.filter((m) => m.type === 'alert.new' && m.id === id && m.escalation).length, 0, 'Dora acknowledged');

    const steps = await escalationOf(server, admin, id);
    assert.deepEqual(steps.map((s) => [s.step, s.notify, s.state, s.notified]), [[1, 'again', 'fired', 1], [2, 'audience', 'fired', 1]]);
    assert.deepEqual(steps[1].audience.user_ids, [uma.user.id]);
    const audit = await api(server, 'GET', `/api/v1/admin/audit?action=alert.escalate&target=alert:${id}`, { token: admin });
    assert.equal(audit.status, 200, audit.text);
    assert.equal(audit.json.items.length, 2);
  });

  it('cancels every step at once when the alert is acknowledged or resolved', async () => {
    const body = {
      title: 'Cooling failure',
      priority: 'warning',
      audience: { user_ids: [dirk.user.id] },
      escalation: [{ after_minutes: 1, notify: 'again' }, { after_minutes: 5, audience: { countries: ['US'] } }],
    };
    const acked = await api(server, 'POST', '/api/v1/alerts', { token: admin, body });
    assert.equal(acked.status, 201, acked.text);
    assert.deepEqual((await escalationOf(server, admin, acked.json.id)).map((s) => s.state), ['pending', 'pending']);
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${acked.json.id}/ack`, { token: dirk.token, body: {} })).status, 200);
    const cancelled = await escalationOf(server, admin, acked.json.id);
    assert.deepEqual(cancelled.map((s) => [s.state, s.cancel_reason]), [['cancelled', 'acknowledged'], ['cancelled', 'acknowledged']]);

    const resolved = await api(server, 'POST', '/api/v1/alerts', { token: admin, body });
    assert.equal((await api(server, 'POST', `/api/v1/alerts/${resolved.json.id}/resolve`, { token: admin })).status, 200);
    assert.deepEqual((await escalationOf(server, admin, resolved.json.id)).map((s) => s.cancel_reason), ['resolved', 'resolved']);
  });

  it('refuses bad steps and shows the steps only to those who may track the alert', async () => {
    const base = { title: 'Steps', priority: 'info', audience: { user_ids: [dirk.user.id] } };
    for (const escalation of [
      [{ after_seconds: 0 }],
      [{ after_minutes: 1, after_seconds: 60 }],
      [{ notify: 'again' }],
      [{ after_minutes: 10 }, { after_minutes: 5 }],
      [{ after_minutes: 1, notify: 'audience' }],
      [{ after_minutes: 1, audience: {} }],
      [{ after_minutes: 1, notify: 'again', audience: { user_ids: [1] } }],
      [{ after_minutes: 1, notify: 'sms' }],
      [{ after_minutes: 'soon' }],
      [{ after_minutes: 1e300 }],
      [{ after_minutes: 1, wait: true }],
      { after_minutes: 1 },
      Array.from({ length: 11 }, (_, i) => ({ after_minutes: i + 1 })),
    ]) {
      const r = await api(server, 'POST', '/api/v1/alerts', { token: admin, body: { ...base, escalation } });
      assert.equal(r.status, 400, `${JSON.stringify(escalation)}: ${r.text}`);
      assert.match(r.json.error.message, /escalation/);
    }
    const sent = await api(server, 'POST', '/api/v1/alerts', { token: admin, body: { ...base, escalation: [{ after_minutes: 30 }] } });
    assert.equal(sent.status, 201, sent.text);
    assert.equal((await api(server, 'GET', `/api/v1/alerts/${sent.json.id}/escalation`, { token: dirk.token })).status, 403);
    assert.equal((await api(server, 'GET', `/api/v1/alerts/${sent.json.id}/escalation`, { token: uma.token })).status, 404);
    assert.equal((await api(server, 'GET', `/api/v1/alerts/${sent.json.id}/escalation`)).status, 401);
    assert.equal((await api(server, 'GET', '/api/v1/alerts/999999/escalation', { token: admin })).status, 404);
  });

  it('answers a burst of 150 sends and their acknowledgements on the store without one failure', async () => {
    const sends = await Promise.all(Array.from({ length: 150 }, (_, i) => api(server, 'POST', '/api/v1/alerts', {
      token: admin,
      body: { title: `Burst ${i}`, priority: 'info', audience: { user_ids: [dora.user.id, dirk.user.id] }, escalation: [{ after_minutes: 10 }] },
    })));
    assert.deepEqual([...new Set(sends.map((r) => r.status))], [201], sends.find((r) => r.status !== 201)?.text);
    const acks = await Promise.all(sends.flatMap((r) => [dora, dirk].map((p) => api(server, 'POST', `/api/v1/alerts/${r.json.id}/ack`, { token: p.token, body: {} }))));
    assert.deepEqual([...new Set(acks.map((r) => r.status))], [200], acks.find((r) => r.status !== 200)?.text);
    const log = server.lines.map((l) => JSON.stringify(l)).join('\n') + server.stderr();
    assert.doesNotMatch(log, /database is locked|database is busy/);
    const sample = await escalationOf(server, admin, sends[149].json.id);
    assert.equal(sample[0].state, 'cancelled');
  });
});

describe('alerts: escalation survives a restart', () => {
  let dir, database;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-esc-'));
    if (process.env.MERIDIAN_TEST_DATABASE_URL) database = await freshPostgresDatabase(process.env.MERIDIAN_TEST_DATABASE_URL);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fires a step that came due while the server was down once, after it starts again', async () => {
    const env = { ...fast, ...(database ? { MERIDIAN_DATABASE_URL: database } : {}) };
    const args = ['--data-dir', join(dir, 'data')];
    let server = await startServer({ webRoot: false, env, args });
    let target;
    try {
      const admin = await login(server, server.adminEmail, server.adminPassword);
      target = await createUser(server, admin, { ...allDay, email: 'ines.esc@example.test', display_name: 'Ines', country: 'PT', time_zone: 'Europe/Lisbon' });
      target.admin = admin;
      const sent = await api(server, 'POST', '/api/v1/alerts', {
        token: admin,
        body: { title: 'Night batch failed', priority: 'critical', audience: { user_ids: [target.user.id] }, escalation: [{ after_seconds: 2 }] },
      });
      assert.equal(sent.status, 201, sent.text);
      target.alert = sent.json.id;
    } finally {
      await server.stop();
    }
    server = await startServer({ webRoot: false, env, args });
    try {
      const ws = live(server, target.token);
      const escalated = await ws.next((m) => m.type === 'alert.new' && m.id === target.alert && m.escalation, 15000);
      assert.deepEqual(escalated.escalation, { step: 1, of: 1 });
      const steps = await escalationOf(server, target.admin, target.alert);
      assert.equal(steps[0].state, 'fired');
      const audit = await api(server, 'GET', `/api/v1/admin/audit?action=alert.escalate&target=alert:${target.alert}`, { token: target.admin });
      assert.equal(audit.json.items.length, 1);
      ws.terminate();
    } finally {
      await server.stop();
    }
  });
});
