// Scheduled meetings: the host reschedules, renames and cancels; invitees see the new start
// in their own time zone; nobody else may change anything; a cancelled meeting cannot be joined.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

describe('scheduled meetings: reschedule and cancel', () => {
  let server, admin, ana, ben, cleo;
  const sockets = [];
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.sched@example.test', display_name: 'Ana', time_zone: 'Europe/Lisbon' });
    ben = await createUser(server, admin, { email: 'ben.sched@example.test', display_name: 'Ben', country: 'US', time_zone: 'America/New_York' });
    cleo = await createUser(server, admin, { email: 'cleo.sched@example.test', display_name: 'Cleo', country: 'IN', time_zone: 'Asia/Kolkata' });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
  });

  it('reschedules and renames for the host only; each invitee sees the start in their own zone', async () => {
    const starts = Date.UTC(2031, 5, 10, 13, 0); // 14:00 Lisbon (summer), 09:00 New York, 18:30 Kolkata
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Plan', kind: 'scheduled', starts_at: starts, user_ids: [ben.user.id, cleo.user.id] } })).json;
    const benView = (await api(server, 'GET', `/api/v1/meetings/${m.id}`, { token: ben.token })).json;
    assert.equal(benView.my_start.local, '2031-06-10T09:00');
    assert.equal((await api(server, 'GET', `/api/v1/meetings/${m.id}`, { token: cleo.token })).json.my_start.local, '2031-06-10T18:30');

    const later = Date.UTC(2031, 5, 11, 8, 0);
    const p = await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { title: 'Plan (moved)', starts_at: later, duration_minutes: 30 } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.title, 'Plan (moved)');
    assert.equal(p.json.starts_at, later);
    assert.equal(p.json.duration_minutes, 30);
    const benAfter = (await api(server, 'GET', `/api/v1/meetings/${m.id}`, { token: ben.token })).json;
    assert.equal(benAfter.my_start.local, '2031-06-11T04:00');
    assert.equal(benAfter.invitees.find((i) => i.user_id === cleo.user.id).local_start, '2031-06-11T13:30');
    const listed = (await api(server, 'GET', '/api/v1/meetings', { token: cleo.token })).json.items.find((x) => x.id === m.id);
    assert.equal(listed.my_start.local, '2031-06-11T13:30');

    // Refusals: an invitee, an outsider, bad fields, the past, an instant meeting's start.
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ben.token, body: { title: 'mine' } })).status, 403);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: admin, body: { title: 'x' } })).status, 403);
    const outsider = await createUser(server, admin, { email: 'olga.sched@example.test', display_name: 'Olga' });
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: outsider.token, body: { title: 'x' } })).status, 404);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { colour: 'red' } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { starts_at: Date.UTC(2020, 0, 1) } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { time_zone: 'Mars/Base' } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { title: '' } })).status, 400);
    const instant = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Now' } })).json;
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${instant.id}`, { token: ana.token, body: { starts_at: later } })).status, 400);
  });

  it('cancels: the link and guest passes stop working; refused for others and while running', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Cancel me', kind: 'scheduled', starts_at: Date.UTC(2031, 0, 1, 9), user_ids: [ben.user.id] } })).json;
    const pass = (await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Gina' } })).json;
    assert.equal((await api(server, 'DELETE', `/api/v1/meetings/${m.id}`, { token: ben.token })).status, 403);

    // While the room runs: refused.
    const wa = live(server, ana.token);
    sockets.push(wa);
    await wa.opened;
    await wa.request({ type: 'meet.join', id: 'j1', code: m.code });
    const busy = await api(server, 'DELETE', `/api/v1/meetings/${m.id}`, { token: ana.token });
    assert.equal(busy.status, 409);
    await wa.request({ type: 'meet.leave', id: 'l1', meeting_id: m.id });

    const d = await api(server, 'DELETE', `/api/v1/meetings/${m.id}`, { token: ana.token });
    assert.equal(d.status, 204, d.text);
    const view = (await api(server, 'GET', `/api/v1/meetings/${m.id}`, { token: ben.token })).json;
    assert.ok(view.cancelled_at > 0);
    assert.equal((await api(server, 'GET', `/api/v1/meeting-links/${m.code}`)).status, 409);
    assert.equal((await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Late' } })).status, 409);
    const wb = live(server, ben.token);
    sockets.push(wb);
    await wb.opened;
    assert.equal((await wb.request({ type: 'meet.join', id: 'j2', code: m.code })).error.code, 'conflict');
    // The guest pass issued before is revoked.
    const wg = live(server, pass.token);
    sockets.push(wg);
    const closed = await wg.opened.then(() => false, () => true);
    if (!closed) assert.equal((await wg.request({ type: 'meet.join', id: 'g1', code: m.code })).error.code, 'unauthenticated');
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { title: 'again' } })).status, 409);
    assert.equal((await api(server, 'DELETE', `/api/v1/meetings/${m.id}`, { token: ana.token })).status, 204);
  });
});
