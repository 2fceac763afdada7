// Quiet hours against the real server: an info or warning alert to someone outside their
// working hours is in their list but not pushed (neither live nor when a socket connects);
// a critical one interrupts. Their band is set around the test's own clock (it starts two
// hours from now), so the test holds at any hour; the release when the band begins is
// tested with an injectable clock (alerts_test, QuietHoursTest).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { connected } from './lib/live.mjs';

const hhmm = (minute) => `${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

describe('alerts: quiet hours', () => {
  let server, admin, kim;
  const sockets = [];
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    const now = new Date();
    const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
    const working_hours = { start: hhmm((minute + 120) % 1440), end: hhmm((minute + 180) % 1440), days: [1, 2, 3, 4, 5, 6, 7] };
    kim = await createUser(server, admin, { email: 'kim.quiet@example.test', display_name: 'Kim', country: 'KR', time_zone: 'UTC', working_hours });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
  });

  it('holds info and warning outside working hours (listed, not pushed); critical interrupts', async () => {
    const live1 = await connected(server, kim.token, sockets);
    const audience = { user_ids: [kim.user.id] };
    const warning = await api(server, 'POST', '/api/v1/alerts', { token: admin, body: { title: 'Canteen closed', priority: 'warning', audience } });
    assert.equal(warning.status, 201, warning.text);
    assert.equal(warning.json.held_count, 1);
    assert.equal(warning.json.recipient_count, 1);
    const critical = await api(server, 'POST', '/api/v1/alerts', { token: admin, body: { title: 'Server room flooding', priority: 'critical', audience } });
    assert.equal(critical.status, 201, critical.text);
    assert.equal(critical.json.held_count, 0);
    // Events reach a socket in order: once the critical is here, the warning would have been.
    await live1.next((m) => m.type === 'alert.new' && m.id === critical.json.id);
    assert.equal(live1.inbox.filter((m) => m.type === 'alert.new' && m.id === warning.json.id).length, 0);

    // In the center: both are listed.
    const mine = await api(server, 'GET', '/api/v1/alerts', { token: kim.token });
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.json.items.map((a) => a.id).sort(), [warning.json.id, critical.json.id].sort());

    // A socket that connects now is pushed the undelivered critical, not the held warning.
    const live2 = await connected(server, kim.token, sockets);
    await live2.next((m) => m.type === 'alert.new' && m.id === critical.json.id && m.pending);
    const marker = await api(server, 'POST', '/api/v1/alerts', { token: admin, body: { title: 'Marker', priority: 'critical', audience } });
    assert.equal(marker.status, 201, marker.text);
    await live2.next((m) => m.type === 'alert.new' && m.id === marker.json.id);
    assert.equal(live2.inbox.filter((m) => m.type === 'alert.new' && m.id === warning.json.id).length, 0);
  });
});
