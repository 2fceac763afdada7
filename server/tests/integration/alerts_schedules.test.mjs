// Scheduled alerts against the real server: create, list, pause, resume and cancel over REST
// with every refusal; a schedule sends its alert at its wall-clock time in its zone, and a
// recipient-local one at that time in each recipient's own zone; an occurrence that came
// due while the server was down is sent once after it starts, and never again after
// another restart.
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
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

// The wall-clock time ("2026-12-07T10:41:05") in `zone` of the instant `ms`.
function wallClock(ms, zone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

// A wall-clock time a few seconds ahead, on a whole second.
const soon = (seconds, zone) => wallClock(Math.ceil(Date.now() / 1000) * 1000 + seconds * 1000, zone);

async function scheduleOf(server, token, id) {
  const r = await api(server, 'GET', '/api/v1/alerts/schedules', { token });
  assert.equal(r.status, 200, r.text);
  return r.json.items.find((x) => x.id === id);
}

describe('alerts: schedules over REST', () => {
  let server, admin, dora, uma;
  const sockets = [];
  before(async () => {
    server = await startServer({ webRoot: false, env: fast });
    admin = await login(server, server.adminEmail, server.adminPassword);
    dora = await createUser(server, admin, { ...allDay, email: 'dora.sched@example.test', display_name: 'Dora', country: 'DE', time_zone: 'Europe/Berlin' });
    uma = await createUser(server, admin, { ...allDay, email: 'uma.sched@example.test', display_name: 'Uma', country: 'US', time_zone: 'America/New_York' });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
  });

  const standup = () => ({ title: 'Stand-up', priority: 'info', audience: { countries: ['DE'] } });

  it('creates a weekly schedule at 09:00 Berlin across the spring-forward, lists, pauses, resumes and cancels it', async () => {
    // 2027-03-28 is the last Sunday of March 2027: Berlin springs forward that night.
    const created = await api(server, 'POST', '/api/v1/alerts/schedules', {
      token: admin,
      body: { alert: standup(), at: '2027-03-21T09:00', time_zone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=3' },
    });
    assert.equal(created.status, 201, created.text);
    const x = created.json;
    assert.equal(x.state, 'active');
    assert.equal(x.at, '2027-03-21T09:00');
    assert.equal(x.time_zone, 'Europe/Berlin');
    assert.equal(x.recipient_local, false);
    assert.deepEqual(x.upcoming, [Date.UTC(2027, 2, 21, 8), Date.UTC(2027, 2, 28, 7), Date.UTC(2027, 3, 4, 7)], '09:00 CET, then 09:00 CEST');
    assert.equal(x.next_at, Date.UTC(2027, 2, 21, 8));
    assert.equal(x.alert.title, 'Stand-up');

    const list = await api(server, 'GET', '/api/v1/alerts/schedules', { token: admin });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((s) => s.id), [x.id]);

    assert.equal((await api(server, 'POST', `/api/v1/alerts/schedules/${x.id}/pause`, { token: dora.token })).status, 404);
    const paused = await api(server, 'POST', `/api/v1/alerts/schedules/${x.id}/pause`, { token: admin });
    assert.equal(paused.status, 200, paused.text);
    assert.equal(paused.json.state, 'paused');
    const resumed = await api(server, 'POST', `/api/v1/alerts/schedules/${x.id}/resume`, { token: admin });
    assert.equal(resumed.status, 200, resumed.text);
    assert.equal(resumed.json.state, 'active');
    assert.equal(resumed.json.next_at, Date.UTC(2027, 2, 21, 8));

    assert.equal((await api(server, 'DELETE', `/api/v1/alerts/schedules/${x.id}`, { token: dora.token })).status, 404);
    const cancelled = await api(server, 'DELETE', `/api/v1/alerts/schedules/${x.id}`, { token: admin });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.state, 'cancelled');
    assert.equal(cancelled.json.next_at, null);
    assert.equal((await api(server, 'POST', `/api/v1/alerts/schedules/${x.id}/resume`, { token: admin })).status, 409);
    assert.equal((await api(server, 'DELETE', '/api/v1/alerts/schedules/99999', { token: admin })).status, 404);

    const audit = await api(server, 'GET', `/api/v1/admin/audit?target=alert_schedule:${x.id}`, { token: admin });
    assert.equal(audit.status, 200, audit.text);
    assert.deepEqual(audit.json.items.map((e) => e.action).sort(), ['alert.schedule', 'alert.schedule.cancel', 'alert.schedule.pause', 'alert.schedule.resume']);
  });

  it('refuses people without the right to send, and bad times, zones and rules', async () => {
    const body = { alert: standup(), at: '2027-01-04T09:00', time_zone: 'Europe/Berlin' };
    assert.equal((await api(server, 'POST', '/api/v1/alerts/schedules', { token: dora.token, body })).status, 403);
    assert.equal((await api(server, 'GET', '/api/v1/alerts/schedules', { token: dora.token })).status, 403);
    assert.equal((await api(server, 'POST', '/api/v1/alerts/schedules', { body })).status, 401);
    const bad = [
      { ...body, time_zone: 'Europe/Atlantis' },
      { ...body, rrule: 'FREQ=YEARLY' },
      { ...body, rrule: 'FREQ=DAILY;BYHOUR=9' },
      { ...body, at: '2027-01-04 09:00' },
      { ...body, at: '2027-02-30T09:00' },
      { ...body, at: '2020-01-06T09:00' },
      { ...body, recipient_local: true },
      { alert: standup(), at: '2027-01-04T09:00' },
      { ...body, extra: 1 },
      { ...body, alert: { ...standup(), colour: 'red' } },
      { ...body, alert: { ...standup(), audience: {} } },
      { ...body, alert: 'Stand-up' },
    ];
    for (const b of bad) {
      const r = await api(server, 'POST', '/api/v1/alerts/schedules', { token: admin, body: b });
      assert.equal(r.status, 400, JSON.stringify(b) + ' -> ' + r.text);
    }
    assert.equal((await api(server, 'POST', '/api/v1/alerts/schedules/abc/pause', { token: admin })).status, 404, 'no such path');
  });

  it('sends at its wall-clock time once; a recipient-local one reaches each zone at its own time', async () => {
    const [wdora, wuma] = await Promise.all([connected(server, dora.token, sockets), connected(server, uma.token, sockets)]);
    const audience = { user_ids: [dora.user.id, uma.user.id] };
    const once = await api(server, 'POST', '/api/v1/alerts/schedules', {
      token: admin,
      body: { alert: { title: 'Fire drill', priority: 'warning', audience }, at: soon(2, 'Asia/Tokyo'), time_zone: 'Asia/Tokyo' },
    });
    assert.equal(once.status, 201, once.text);
    const [forDora, forUma] = await Promise.all([
      wdora.next((m) => m.type === 'alert.new' && m.title === 'Fire drill', 15000),
      wuma.next((m) => m.type === 'alert.new' && m.title === 'Fire drill', 15000),
    ]);
    assert.equal(forDora.id, forUma.id, 'one alert to both');
    const done = await scheduleOf(server, admin, once.json.id);
    assert.equal(done.state, 'done');
    assert.equal(done.fired_count, 1);
    assert.equal(done.last_alert_id, forDora.id);

    // Now in Berlin's wall clock, for each recipient in their own zone: Dora now, Uma when
    // New York's clock shows the same time (hours later).
    const local = await api(server, 'POST', '/api/v1/alerts/schedules', {
      token: admin,
      body: { alert: { title: 'Timesheets', priority: 'info', audience }, at: soon(2, 'Europe/Berlin'), recipient_local: true },
    });
    assert.equal(local.status, 201, local.text);
    assert.equal(local.json.time_zone, null);
    assert.deepEqual(local.json.zones.map((z) => z.time_zone), ['America/New_York', 'Europe/Berlin']);
    const heard = await wdora.next((m) => m.type === 'alert.new' && m.title === 'Timesheets', 15000);
    assert.equal(heard.alert.recipient_count, 1, 'only the people in Berlin');
    const after = await scheduleOf(server, admin, local.json.id);
    const zones = Object.fromEntries(after.zones.map((z) => [z.time_zone, z]));
    assert.equal(zones['Europe/Berlin'].state, 'done');
    assert.equal(zones['Europe/Berlin'].fired_count, 1);
    assert.equal(zones['America/New_York'].state, 'active');
    assert.ok(zones['America/New_York'].next_at > Date.now() + 3600_000, 'New York gets it at its own hour');
    assert.equal(after.state, 'active');
    assert.equal(after.next_at, zones['America/New_York'].next_at);
    assert.equal(wuma.inbox.filter((m) => m.type === 'alert.new' && m.title === 'Timesheets').length, 0);
  });
});

describe('alerts: schedules survive restarts', () => {
  let dir, database;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-sched-'));
    if (process.env.MERIDIAN_TEST_DATABASE_URL) database = await freshPostgresDatabase(process.env.MERIDIAN_TEST_DATABASE_URL);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sends an occurrence that came due while the server was down once, and never again after another restart', async () => {
    const env = { ...fast, ...(database ? { MERIDIAN_DATABASE_URL: database } : {}) };
    const args = ['--data-dir', join(dir, 'data')];
    let server = await startServer({ webRoot: false, env, args });
    let admin, ines, id, due;
    try {
      admin = await login(server, server.adminEmail, server.adminPassword);
      ines = await createUser(server, admin, { ...allDay, email: 'ines.sched@example.test', display_name: 'Ines', country: 'PT', time_zone: 'Europe/Lisbon' });
      const at = soon(3, 'Europe/Lisbon');
      const created = await api(server, 'POST', '/api/v1/alerts/schedules', {
        token: admin,
        body: { alert: { title: 'Night batch report', priority: 'info', audience: { user_ids: [ines.user.id] } }, at, time_zone: 'Europe/Lisbon', rrule: 'FREQ=DAILY;COUNT=2' },
      });
      assert.equal(created.status, 201, created.text);
      id = created.json.id;
      due = created.json.next_at;
    } finally {
      await server.stop();
    }
    // Down until well after the occurrence.
    await pause(Math.max(0, due - Date.now()) + 500);
    server = await startServer({ webRoot: false, env, args });
    try {
      const ws = live(server, ines.token);
      const missed = await ws.next((m) => m.type === 'alert.new' && m.title === 'Night batch report', 15000);
      const x = await scheduleOf(server, admin, id);
      assert.equal(x.fired_count, 1);
      assert.equal(x.last_alert_id, missed.id);
      assert.equal(x.next_at, due + 24 * 3600_000, 'tomorrow at the same hour');
      ws.terminate();
    } finally {
      await server.stop();
    }
    server = await startServer({ webRoot: false, env, args });
    try {
      // A marker schedule due after the first: once it has been sent, the scheduler has
      // had its round over everything due, and the first sent nothing again.
      const marker = await api(server, 'POST', '/api/v1/alerts/schedules', {
        token: admin,
        body: { alert: { title: 'Marker', priority: 'info', audience: { user_ids: [ines.user.id] } }, at: soon(1, 'UTC'), time_zone: 'UTC' },
      });
      assert.equal(marker.status, 201, marker.text);
      const ws = live(server, ines.token);
      await ws.next((m) => m.type === 'alert.new' && m.title === 'Marker', 15000);
      assert.equal((await scheduleOf(server, admin, id)).fired_count, 1);
      const sent = await api(server, 'GET', '/api/v1/alerts?sent=true', { token: admin });
      assert.deepEqual(sent.json.items.map((a) => a.title).sort(), ['Marker', 'Night batch report']);
      ws.terminate();
    } finally {
      await server.stop();
    }
  });
});
