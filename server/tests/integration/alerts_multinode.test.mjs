// Alert escalation on two meridian nodes sharing one PostgreSQL and one Redis: both nodes
// run the scheduler on the same steps and each step fires exactly once (one audit entry,
// one notification per socket), whichever node claims it; an acknowledgement on one node
// cancels every step at once for both; each occurrence of scheduled alerts is sent once.
// Needs MERIDIAN_TEST_DATABASE_URL and MERIDIAN_TEST_REDIS_URL (scripts/run-tests.sh runs it
// under scripts/with-postgres.sh scripts/with-redis.sh); skipped otherwise.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser, freshPostgresDatabase } from './lib/server.mjs';
import { connected, eventually } from './lib/live.mjs';

// Working around the clock: info and warning alerts reach them at once at any hour (quiet hours
// are tested in alerts_quiet_hours.test.mjs).
const allDay = { working_hours: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } };

const pg = process.env.MERIDIAN_TEST_DATABASE_URL;
const redis = process.env.MERIDIAN_TEST_REDIS_URL;

describe('alerts on two nodes, one PostgreSQL, one Redis', { skip: !pg || !redis ? 'needs MERIDIAN_TEST_DATABASE_URL and MERIDIAN_TEST_REDIS_URL' : false }, () => {
  let nodeA, nodeB, admin, dora, uma;
  const sockets = [];
  const open = (node, token) => connected(node, token, sockets);
  before(async () => {
    const database = await freshPostgresDatabase(pg);
    const env = {
      MERIDIAN_DATABASE_URL: database,
      MERIDIAN_BUS_URL: redis,
      MERIDIAN_BUS_PREFIX: `alerts${process.pid}-${Date.now()}:`,
      MERIDIAN_ALERTS_ESCALATION_POLL_MS: '20',
    };
    nodeA = await startServer({ webRoot: false, env: { ...env, MERIDIAN_ALERTS_NODE_ID: 'node-a' } });
    nodeB = await startServer({ webRoot: false, env: { ...env, MERIDIAN_ALERTS_NODE_ID: 'node-b' } });
    admin = await login(nodeA, nodeA.adminEmail, nodeA.adminPassword);
    dora = await createUser(nodeA, admin, { ...allDay, email: 'dora.esc2@example.test', display_name: 'Dora', country: 'DE', time_zone: 'Europe/Berlin' });
    uma = await createUser(nodeA, admin, { ...allDay, email: 'uma.esc2@example.test', display_name: 'Uma', country: 'US', time_zone: 'America/New_York' });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  });

  it('fires each step of 20 alerts exactly once while both nodes look for due steps', async (t) => {
    const wdora = await open(nodeA, dora.token);
    const wuma = await open(nodeB, uma.token);
    const ids = [];
    for (let i = 0; i < 20; i++) {
      const sent = await api(i % 2 ? nodeA : nodeB, 'POST', '/api/v1/alerts', {
        token: admin,
        body: {
          title: `Replica lag ${i}`,
          priority: 'critical',
          audience: { user_ids: [dora.user.id] },
          escalation: [{ after_seconds: 1 }, { after_seconds: 2, audience: { user_ids: [uma.user.id] } }],
        },
      });
      assert.equal(sent.status, 201, sent.text);
      ids.push(sent.json.id);
    }
    const firedBy = await eventually(async () => {
      const all = [];
      for (const id of ids) {
        const r = await api(id % 2 ? nodeB : nodeA, 'GET', `/api/v1/alerts/${id}/escalation`, { token: admin });
        if (r.status !== 200 || r.json.steps.some((s) => s.state !== 'fired')) return false;
        all.push(...r.json.steps.map((s) => s.node));
      }
      return all;
    }, { ms: 20000, what: 'every step fired' });
    assert.equal(firedBy.length, 40);
    assert.ok(firedBy.every((n) => n === 'node-a' || n === 'node-b'), firedBy.join());
    t.diagnostic(`steps fired by node-a: ${firedBy.filter((n) => n === 'node-a').length}, by node-b: ${firedBy.filter((n) => n === 'node-b').length}`);

    // One audit entry per step: no step ran twice, whichever node claimed it.
    const audit = await api(nodeB, 'GET', '/api/v1/admin/audit?action=alert.escalate&limit=200', { token: admin });
    assert.equal(audit.status, 200, audit.text);
    const perAlert = new Map();
    for (const e of audit.json.items) perAlert.set(e.target, (perAlert.get(e.target) ?? 0) + 1);
    assert.deepEqual([...perAlert.values()], Array(20).fill(2), JSON.stringify([...perAlert]));

    // Each socket heard each of its steps once, across the bus.
    const heard = (ws, step) => ws.inbox.filter((m) => m.type === 'alert.new' && m.escalation?.step === step).length;
    await eventually(() => heard(wdora, 1) >= 20 && heard(wuma, 2) >= 20, { what: 'the escalations reached both sockets' });
    for (const [ws, id] of [[wdora, 'd1'], [wuma, 'u1']]) assert.equal((await ws.request({ type: 'ping', id })).type, 'pong');
    assert.equal(heard(wdora, 1), 20);
    assert.equal(heard(wuma, 2), 20);
  });

  it('sends each scheduled alert exactly once while both nodes look for due schedules', async () => {
    const wdora = await open(nodeB, dora.token);
    // A few seconds ahead on a whole second, in UTC (the wall clock is the ISO time).
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000).toISOString().slice(0, 19);
    const ids = [];
    for (let i = 0; i < 20; i++) {
      const created = await api(i % 2 ? nodeA : nodeB, 'POST', '/api/v1/alerts/schedules', {
        token: admin,
        body: { alert: { title: `Report ${i}`, priority: 'info', audience: { user_ids: [dora.user.id] } }, at, time_zone: 'UTC' },
      });
      assert.equal(created.status, 201, created.text);
      ids.push(created.json.id);
    }
    const done = await eventually(async () => {
      const r = await api(nodeA, 'GET', '/api/v1/alerts/schedules?limit=200', { token: admin });
      const mine = r.json.items.filter((x) => ids.includes(x.id));
      return mine.every((x) => x.state === 'done') && mine;
    }, { ms: 20000, what: 'every schedule sent' });
    assert.deepEqual(done.map((x) => x.fired_count), Array(20).fill(1));
    const sent = await api(nodeB, 'GET', '/api/v1/alerts?sent=true&limit=200', { token: admin });
    const titles = sent.json.items.map((a) => a.title).filter((t) => t.startsWith('Report '));
    assert.equal(titles.length, 20, titles.join());
    assert.equal(new Set(titles).size, 20, 'one alert per schedule');
    const heard = () => wdora.inbox.filter((m) => m.type === 'alert.new' && m.title.startsWith('Report ')).length;
    await eventually(() => heard() >= 20, { what: 'the scheduled alerts reached the socket' });
    assert.equal((await wdora.request({ type: 'ping', id: 'd2' })).type, 'pong');
    assert.equal(heard(), 20);
  });

  it('an acknowledgement on one node cancels the steps the other would fire', async () => {
    const sent = await api(nodeA, 'POST', '/api/v1/alerts', {
      token: admin,
      body: { title: 'Certificate expires', priority: 'warning', audience: { user_ids: [dora.user.id] }, escalation: [{ after_seconds: 3 }, { after_seconds: 4 }] },
    });
    assert.equal(sent.status, 201, sent.text);
    assert.equal((await api(nodeB, 'POST', `/api/v1/alerts/${sent.json.id}/ack`, { token: dora.token, body: {} })).status, 200);
    const steps = await api(nodeA, 'GET', `/api/v1/alerts/${sent.json.id}/escalation`, { token: admin });
    assert.deepEqual(steps.json.steps.map((s) => [s.state, s.cancel_reason]), [['cancelled', 'acknowledged'], ['cancelled', 'acknowledged']]);
  });
});
