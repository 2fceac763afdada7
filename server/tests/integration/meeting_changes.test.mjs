// Changing a meeting after it was created: invitees (people, teams, customers) and room
// settings by PATCH, invitees told live (meeting.invited / updated / uninvited /
// cancelled) with the start in their own time zone; a running room gets the new settings.
// Region change on a new join (new ICE servers to everyone) and the guest screen-share
// rule enforced on the SDP itself.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live, settle } from './lib/live.mjs';

// Minimal SDPs: a camera, and a camera plus a shared screen.
const audio = 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendrecv\r\n';
const video = (dir) => `m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\na=${dir}\r\n`;
const sdp = (...sections) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${sections.join('')}`;

describe('meeting changes, notifications, region change, SDP rule', () => {
  let server, dir, admin, ana, ben, cleo, dora, carl, team;
  const sockets = [];
  const open = async (token) => {
    const ws = live(server, token);
    sockets.push(ws);
    await ws.opened;
    return ws;
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-meet-changes-'));
    const config = join(dir, 'meridian.toml');
    writeFileSync(config, [
      '[meetings]',
      'turn_secret = "it-secret"',
      '[[meetings.regions]]',
      'name = "eu-central"',
      'turn_urls = ["turn:eu.example.test:3478"]',
      '[[meetings.regions]]',
      'name = "us-east"',
      'turn_urls = ["turn:us.example.test:3478"]',
      '[meetings.rtt.PT]',
      'eu-central = 20',
      'us-east = 200',
      '[meetings.rtt.US]',
      'eu-central = 300',
      'us-east = 10',
    ].join('\n'));
    server = await startServer({ webRoot: false, args: ['--config', config] });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.chg@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.chg@example.test', display_name: 'Ben', country: 'US', time_zone: 'America/New_York' });
    cleo = await createUser(server, admin, { email: 'cleo.chg@example.test', display_name: 'Cleo', country: 'IN', time_zone: 'Asia/Kolkata' });
    dora = await createUser(server, admin, { email: 'dora.chg@example.test', display_name: 'Dora', country: 'DE', time_zone: 'Europe/Berlin' });
    carl = await createUser(server, admin, { email: 'carl.chg@example.test', display_name: 'Carl', kind: 'customer', country: 'BR', time_zone: 'America/Sao_Paulo' });
    team = (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name: 'Berlin desk' } })).json;
    await api(server, 'PUT', `/api/v1/admin/teams/${team.id}/members/${dora.user.id}`, { token: admin });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('invites, changes and cancels; each invitee is told live with the start in their own zone', async () => {
    const wBen = await open(ben.token);
    const wCleo = await open(cleo.token);
    const wDora = await open(dora.token);
    const wCarl = await open(carl.token);
    const starts = Date.UTC(2031, 2, 3, 15, 0); // 10:00 New York, 20:30 Kolkata, 16:00 Berlin
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Review', kind: 'scheduled', starts_at: starts, user_ids: [ben.user.id] } })).json;
    const inv = await wBen.next((x) => x.type === 'meeting.invited');
    assert.equal(inv.meeting.id, m.id);
    assert.deepEqual(inv.meeting.my_start, { time_zone: 'America/New_York', local: '2031-03-03T10:00' });
    assert.ok(!JSON.stringify(inv).includes('@'), 'no e-mail addresses');

    // Swap Ben for Cleo, invite the Berlin team and customer Carl, change the room settings.
    const p = await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, {
      token: ana.token,
      body: { user_ids: [cleo.user.id, carl.user.id], team_ids: [team.id], lobby_for_external: false, guests_can_share_screen: true, locked: true },
    });
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.json.invitees.map((i) => i.display_name).sort(), ['Carl', 'Cleo', 'Dora']);
    assert.equal(p.json.invitees.find((i) => i.user_id === dora.user.id).via_team_id, team.id);
    assert.equal(p.json.lobby_for_external, false);
    assert.equal(p.json.guests_can_share_screen, true);
    assert.equal(p.json.locked, true);
    const gone = await wBen.next((x) => x.type === 'meeting.uninvited');
    assert.equal(gone.meeting_id, m.id);
    assert.equal((await api(server, 'GET', `/api/v1/meetings/${m.id}`, { token: ben.token })).status, 404);
    assert.equal((await wCleo.next((x) => x.type === 'meeting.invited')).meeting.my_start.local, '2031-03-03T20:30');
    assert.equal((await wDora.next((x) => x.type === 'meeting.invited')).meeting.my_start.local, '2031-03-03T16:00');
    assert.equal((await wCarl.next((x) => x.type === 'meeting.invited')).meeting.my_start.local, '2031-03-03T12:00');
    const listed = (await api(server, 'GET', '/api/v1/meetings', { token: cleo.token })).json.items.find((x) => x.id === m.id);
    assert.equal(listed.locked, true);

    // Only user_ids given: the team's people stay; reschedule: everyone still invited is told.
    const later = Date.UTC(2031, 2, 4, 9, 30);
    const p2 = await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { user_ids: [cleo.user.id], starts_at: later } });
    assert.equal(p2.status, 200, p2.text);
    assert.deepEqual(p2.json.invitees.map((i) => i.display_name).sort(), ['Cleo', 'Dora']);
    assert.equal((await wCleo.next((x) => x.type === 'meeting.updated')).meeting.my_start.local, '2031-03-04T15:00');
    assert.equal((await wDora.next((x) => x.type === 'meeting.updated')).meeting.my_start.local, '2031-03-04T10:30');
    await wCarl.next((x) => x.type === 'meeting.uninvited');

    // Refusals: invitees and outsiders, bad lists, unknown people and teams, a customer co-host.
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: cleo.token, body: { user_ids: [] } })).status, 403);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ben.token, body: { user_ids: [] } })).status, 404);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { user_ids: 'all' } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { user_ids: [0] } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { user_ids: [999999] } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { team_ids: [999999] } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { locked: 'yes' } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { cohost_ids: [carl.user.id] } })).status, 400);
    // A refused change changed nothing.
    assert.deepEqual((await api(server, 'GET', `/api/v1/meetings/${m.id}`, { token: ana.token })).json.invitees.map((i) => i.display_name).sort(), ['Cleo', 'Dora']);

    // Cancel: everyone still invited is told.
    assert.equal((await api(server, 'DELETE', `/api/v1/meetings/${m.id}`, { token: ana.token })).status, 204);
    const c1 = await wCleo.next((x) => x.type === 'meeting.cancelled');
    assert.ok(c1.meeting.cancelled_at > 0);
    await wDora.next((x) => x.type === 'meeting.cancelled');
    // A second DELETE tells nobody again.
    assert.equal((await api(server, 'DELETE', `/api/v1/meetings/${m.id}`, { token: ana.token })).status, 204);
    await settle(300);
    assert.equal(wCleo.inbox.filter((x) => x.type === 'meeting.cancelled').length, 0);
  });

  it('a stored lock keeps people out; PATCH while the room runs updates it live', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Locked', user_ids: [ben.user.id], locked: true } })).json;
    assert.equal(m.locked, true);
    const wa = await open(ana.token);
    assert.equal((await wa.request({ type: 'meet.join', id: 'a', code: m.code })).you.role, 'host');
    const wb = await open(ben.token);
    const refused = await wb.request({ type: 'meet.join', id: 'b', code: m.code });
    assert.equal(refused.error.code, 'forbidden');
    const p = await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { locked: false, guests_can_share_screen: true } });
    assert.equal(p.status, 200, p.text);
    const upd = await wa.next((x) => x.type === 'meet.room_updated');
    assert.deepEqual([upd.locked, upd.guests_can_share_screen, upd.lobby_for_external], [false, true, true]);
    assert.equal((await wb.request({ type: 'meet.join', id: 'b2', code: m.code })).type, 'meet.joined');
    await wa.request({ type: 'meet.end', id: 'e', meeting_id: m.id });
  });

  it('a new join that moves the room to another region gives everyone the new ICE servers', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Regions', user_ids: [ben.user.id] } })).json;
    const wa = await open(ana.token);
    const aj = await wa.request({ type: 'meet.join', id: 'a', code: m.code });
    assert.equal(aj.media_region.region, 'eu-central');
    await settle(100);
    assert.ok(!wa.inbox.some((x) => x.type === 'meet.region'), 'the first join sets the region without a change event');
    assert.equal(aj.ice_servers[0].urls[0], 'turn:eu.example.test:3478');
    const wb = await open(ben.token);
    const bj = await wb.request({ type: 'meet.join', id: 'b', code: m.code });
    // PT + US: eu-central's worst is 300 ms, us-east's 200 ms.
    assert.equal(bj.media_region.region, 'us-east');
    assert.equal(bj.ice_servers[0].urls[0], 'turn:us.example.test:3478');
    const moved = await wa.next((x) => x.type === 'meet.region');
    assert.equal(moved.media_region.region, 'us-east');
    assert.equal(moved.media_region.worst_rtt_ms, 200);
    // Ana's list: the room's region first (fresh credentials), then her nearest.
    assert.deepEqual(moved.ice_servers.map((s) => s.region), ['us-east', 'eu-central']);
    assert.match(moved.ice_servers[0].username, /^\d+:u\d+$/);
    // Ben leaving moves it back: Ana is told again.
    await wb.request({ type: 'meet.leave', id: 'l', meeting_id: m.id });
    // (a leave does not re-evaluate: only joins do; the room stays where it is)
    await wa.request({ type: 'meet.end', id: 'e', meeting_id: m.id });
  });

  it('refuses an SDP that adds a screen track from a guest who may not share', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Screens' } })).json;
    const wa = await open(ana.token);
    const aj = await wa.request({ type: 'meet.join', id: 'a', code: m.code });
    const pass = (await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Gus' } })).json;
    const wg = await open(pass.token);
    const gj = await wg.request({ type: 'meet.join', id: 'g', code: m.code });
    assert.equal(gj.waiting, true);
    await wa.request({ type: 'meet.admit', id: 'ad', meeting_id: m.id, peer_id: gj.you.peer_id });
    await wg.next((x) => x.type === 'meet.admitted');
    const to = aj.you.peer_id;

    // A camera (and a received-only second video) is fine.
    const camera = { description: { type: 'offer', sdp: sdp(audio, video('sendrecv'), video('recvonly')) } };
    assert.equal((await wg.request({ type: 'meet.signal', id: 's1', meeting_id: m.id, to, signal: camera })).type, 'meet.ack');
    assert.deepEqual((await wa.next((x) => x.type === 'meet.signal')).signal, camera);
    // A second sending video section (the screen) is refused, also as an answer.
    const screen = { description: { type: 'offer', sdp: sdp(audio, video('sendrecv'), video('sendonly')) } };
    const refused = await wg.request({ type: 'meet.signal', id: 's2', meeting_id: m.id, to, signal: screen });
    assert.equal(refused.error.code, 'forbidden');
    assert.match(refused.error.message, /screen/);
    const noDirection = { description: { type: 'answer', sdp: sdp(video('sendrecv'), 'm=video 9 UDP/TLS/RTP/SAVPF 97\r\na=mid:s\r\n') } };
    assert.equal((await wg.request({ type: 'meet.signal', id: 's3', meeting_id: m.id, to, signal: noDirection })).error.code, 'forbidden');
    await settle(200);
    assert.equal(wa.inbox.filter((x) => x.type === 'meet.signal').length, 0, 'nothing relayed');
    // The host (not a guest) may send two video tracks.
    assert.equal((await wa.request({ type: 'meet.signal', id: 's4', meeting_id: m.id, to: gj.you.peer_id, signal: screen })).type, 'meet.ack');

    // The host allows it: the same offer now passes.
    assert.equal((await api(server, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { guests_can_share_screen: true } })).status, 200);
    assert.equal((await wg.next((x) => x.type === 'meet.room_updated')).guests_can_share_screen, true);
    assert.equal((await wg.request({ type: 'meet.signal', id: 's5', meeting_id: m.id, to, signal: screen })).type, 'meet.ack');
    await wa.request({ type: 'meet.end', id: 'e', meeting_id: m.id });
  });
});
