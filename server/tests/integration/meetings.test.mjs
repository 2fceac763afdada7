// Meetings against the real server: REST, guest passes, and signaling over /ws with real
// WebSocket clients, including every refusal that keeps rooms apart.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

describe('meetings', () => {
  let server, dir, admin, ana, ben, cleo, carl;
  const sockets = [];
  const open = async (token) => {
    const ws = live(server, token);
    sockets.push(ws);
    await ws.opened;
    return ws;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-meet-'));
    const config = join(dir, 'meridian.toml');
    writeFileSync(config, [
      '[meetings]',
      'public_url = "https://meet.example.test"',
      'max_publishers = 3',
      'turn_secret = "it-secret"',
      'stun_urls = ["stun:stun.example.test:3478"]',
      '[[meetings.regions]]',
      'name = "eu-central"',
      'turn_urls = ["turn:eu.example.test:3478"]',
      '[[meetings.regions]]',
      'name = "us-east"',
      'turn_urls = ["turn:us.example.test:3478"]',
    ].join('\n'));
    server = await startServer({ webRoot: false, args: ['--config', config] });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.meet@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.meet@example.test', display_name: 'Ben', country: 'US', time_zone: 'America/New_York' });
    cleo = await createUser(server, admin, { email: 'cleo.meet@example.test', display_name: 'Cleo' });
    carl = await createUser(server, admin, { email: 'carl.meet@example.test', display_name: 'Carl', kind: 'customer', country: 'IN', time_zone: 'Asia/Kolkata' });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates instant and scheduled meetings with id and join_url; refuses bad input and customers', async () => {
    const r = await api(server, 'POST', '/api/v1/meetings', {
      token: ana.token, body: { title: 'Tax review', user_ids: [ben.user.id, carl.user.id] },
    });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.json.id > 0);
    assert.equal(r.json.join_url, `https://meet.example.test/meet/${r.json.code}`);
    assert.equal(r.json.invitees.length, 2);
    assert.ok(!r.text.includes('@'), 'no e-mail addresses in a meeting');
    const starts = Date.UTC(2030, 0, 15, 14, 0);
    const s = await api(server, 'POST', '/api/v1/meetings', {
      token: ana.token, body: { title: 'Quarterly', kind: 'scheduled', starts_at: starts, user_ids: [ben.user.id, carl.user.id] },
    });
    assert.equal(s.status, 201, s.text);
    assert.equal(s.json.starts_at, starts);
    const benView = await api(server, 'GET', `/api/v1/meetings/${s.json.id}`, { token: ben.token });
    assert.equal(benView.status, 200);
    assert.equal(benView.json.my_start.time_zone, 'America/New_York');
    assert.equal(benView.json.my_start.local, '2030-01-15T09:00');
    const carlInvite = benView.json.invitees.find((i) => i.user_id === carl.user.id);
    assert.equal(carlInvite.local_start, '2030-01-15T19:30');
    assert.ok(benView.json.media_region.region);

    assert.equal((await api(server, 'POST', '/api/v1/meetings', { token: carl.token, body: { title: 'x' } })).status, 403);
    assert.equal((await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'x', colour: 1 } })).status, 400);
    assert.equal((await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'x', kind: 'scheduled' } })).status, 400);
    assert.equal((await api(server, 'GET', `/api/v1/meetings/${s.json.id}`, { token: cleo.token })).status, 404);
    assert.equal((await api(server, 'GET', '/api/v1/meetings/abc', { token: ana.token })).status, 404);
  });

  it('runs a room: lobby, admit, relay, refusals, mute, remove, publisher limit, end for all', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Support call', user_ids: [ben.user.id] } })).json;
    const other = (await api(server, 'POST', '/api/v1/meetings', { token: cleo.token, body: { title: 'Elsewhere' } })).json;

    // The link's public view and a guest pass, without an account.
    const link = await api(server, 'GET', `/api/v1/meeting-links/${m.code}`);
    assert.equal(link.status, 200);
    assert.equal(link.json.title, 'Support call');
    assert.equal(link.json.invitees, undefined);
    assert.equal((await api(server, 'GET', '/api/v1/meeting-links/nope')).status, 404);
    assert.equal((await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: '' } })).status, 400);
    const pass = await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Gina Guest' } });
    assert.equal(pass.status, 201, pass.text);
    const guestToken = pass.json.token;

    // A guest pass is no key to any other API.
    for (const path of ['/api/v1/me', '/api/v1/meetings', `/api/v1/meetings/${m.id}`, '/api/v1/conversations']) {
      assert.equal((await api(server, 'GET', path, { token: guestToken })).status, 401, path);
    }

    const wa = await open(ana.token);
    const joined = await wa.request({ type: 'meet.join', id: 'j1', code: m.code });
    assert.equal(joined.type, 'meet.joined');
    assert.equal(joined.you.role, 'host');
    assert.equal(joined.waiting, false);
    assert.equal(joined.max_publishers, 3);
    const turn = joined.ice_servers.find((s) => s.username);
    assert.match(turn.username, /^\d+:u\d+$/);
    assert.equal(turn.urls[0], 'turn:eu.example.test:3478');
    assert.deepEqual(joined.ice_servers.at(-1).urls, ['stun:stun.example.test:3478']);
    const anaPeer = joined.you.peer_id;

    const wb = await open(ben.token);
    const bj = await wb.request({ type: 'meet.join', id: 'j2', code: m.code });
    assert.equal(bj.you.role, 'participant');
    assert.equal(bj.participants.length, 2);
    const benPeer = bj.you.peer_id;
    const seen = await wa.next((x) => x.type === 'meet.participant_joined');
    assert.equal(seen.participant.display_name, 'Ben');
    // Ben is in the US, Ana in Portugal: both regions have figures, eu-central's worst is lower.
    assert.ok(JSON.stringify(bj).indexOf('@') < 0);

    // Offer, answer and trickle ICE relay between admitted peers.
    const offer = { description: { type: 'offer', sdp: 'v=0 offer' } };
    wa.send(JSON.stringify({ type: 'meet.signal', meeting_id: m.id, to: benPeer, signal: offer }));
    const got = await wb.next((x) => x.type === 'meet.signal');
    assert.equal(got.from, anaPeer);
    assert.deepEqual(got.signal, offer);
    wb.send(JSON.stringify({ type: 'meet.signal', meeting_id: m.id, to: anaPeer, signal: { description: { type: 'answer', sdp: 'v=0 answer' } } }));
    assert.equal((await wa.next((x) => x.type === 'meet.signal')).signal.description.type, 'answer');
    wb.send(JSON.stringify({ type: 'meet.signal', meeting_id: m.id, to: anaPeer, signal: { candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' } } }));
    assert.equal((await wa.next((x) => x.type === 'meet.signal')).signal.candidate.sdpMid, '0');

    // The guest opens the socket with the pass and waits in the lobby.
    const wg = await open(guestToken);
    const chat = await wg.request({ type: 'message.send', id: 'c1', conversation_id: 1, text: 'hi', client_id: 'x' });
    assert.equal(chat.error.code, 'unauthenticated');
    const wrongRoom = await wg.request({ type: 'meet.join', id: 'g0', code: other.code });
    assert.equal(wrongRoom.error.code, 'forbidden');
    const gj = await wg.request({ type: 'meet.join', id: 'g1', code: m.code });
    assert.equal(gj.waiting, true);
    assert.equal(gj.you.role, 'guest');
    assert.deepEqual(gj.participants, []);
    const guestPeer = gj.you.peer_id;
    const lobby = await wa.next((x) => x.type === 'meet.lobby');
    assert.equal(lobby.lobby[0].display_name, 'Gina Guest');

    // Not admitted: no signals, no host commands.
    const early = await wg.request({ type: 'meet.signal', id: 'g2', meeting_id: m.id, to: anaPeer, signal: offer });
    assert.equal(early.error.code, 'forbidden');
    // A participant is no host.
    for (const [type, extra] of [['meet.admit', { peer_id: guestPeer }], ['meet.lock', { locked: true }], ['meet.end', {}],
      ['meet.mute', { peer_id: anaPeer, force: true }], ['meet.remove', { peer_id: anaPeer }], ['meet.set_role', { peer_id: anaPeer, role: 'participant' }]]) {
      const refused = await wb.request({ type, id: `b-${type}`, meeting_id: m.id, ...extra });
      assert.equal(refused.error?.code, 'forbidden', type);
    }

    const admit = await wa.request({ type: 'meet.admit', id: 'a1', meeting_id: m.id, peer_id: guestPeer });
    assert.equal(admit.type, 'meet.ack');
    const admitted = await wg.next((x) => x.type === 'meet.admitted');
    assert.equal(admitted.participants.length, 3);
    assert.ok(admitted.ice_servers.length > 0);
    assert.ok(!JSON.stringify(admitted).includes('@'), 'guests never see e-mail addresses');
    await wb.next((x) => x.type === 'meet.participant_joined' && x.participant.peer_id === guestPeer);

    // The guest, now admitted, still may not moderate, nor signal into another room.
    for (const [type, extra] of [['meet.remove', { peer_id: benPeer }], ['meet.mute', { peer_id: benPeer }], ['meet.lock', {}], ['meet.end', {}]]) {
      const refused = await wg.request({ type, id: `g-${type}`, meeting_id: m.id, ...extra });
      assert.equal(refused.error?.code, 'forbidden', type);
    }
    const share = await wg.request({ type: 'meet.media', id: 'g3', meeting_id: m.id, screen_sharing: true });
    assert.equal(share.error.code, 'forbidden');
    const wc = await open(cleo.token);
    const cj = await wc.request({ type: 'meet.join', id: 'c2', code: other.code });
    const cleoPeer = cj.you.peer_id;
    const cross = await wg.request({ type: 'meet.signal', id: 'g4', meeting_id: other.id, to: cleoPeer, signal: offer });
    assert.equal(cross.error.code, 'forbidden');
    const cross2 = await wa.request({ type: 'meet.signal', id: 'a2', meeting_id: m.id, to: cleoPeer, signal: offer });
    assert.equal(cross2.error.code, 'not_found');
    const bad = await wa.request({ type: 'meet.signal', id: 'a3', meeting_id: m.id, to: benPeer, signal: 'x' });
    assert.equal(bad.error.code, 'invalid_argument');

    // Mute: asking only asks, forcing mutes and everyone sees it.
    await wa.request({ type: 'meet.mute', id: 'a4', meeting_id: m.id, peer_id: benPeer });
    await wb.next((x) => x.type === 'meet.mute_requested');
    await wa.request({ type: 'meet.mute', id: 'a5', meeting_id: m.id, peer_id: benPeer, force: true });
    await wb.next((x) => x.type === 'meet.muted');
    const upd = await wg.next((x) => x.type === 'meet.participant_updated' && x.participant.peer_id === benPeer);
    assert.equal(upd.participant.audio_muted, true);

    // The room holds 3 people sending media: a fourth is refused with the limit named.
    const wa2 = await open(ana.token);
    const full = await wa2.request({ type: 'meet.join', id: 'x1', code: m.code });
    assert.equal(full.error.code, 'conflict');
    assert.match(full.error.message, /at most 3/);

    // Remove: the removed person is out and cannot come back; the others are told.
    await wa.request({ type: 'meet.remove', id: 'a6', meeting_id: m.id, peer_id: benPeer });
    await wb.next((x) => x.type === 'meet.removed');
    const left = await wg.next((x) => x.type === 'meet.participant_left');
    assert.equal(left.peer_id, benPeer);
    assert.equal(left.reason, 'removed');
    const again = await wb.request({ type: 'meet.join', id: 'j3', code: m.code });
    assert.equal(again.error.code, 'forbidden');
    const afterRemove = await wb.request({ type: 'meet.signal', id: 'b9', meeting_id: m.id, to: anaPeer, signal: offer });
    assert.equal(afterRemove.error.code, 'forbidden');

    // A closed socket leaves the room.
    const wd = await open(ana.token);
    const dj = await wd.request({ type: 'meet.join', id: 'd1', code: m.code });
    await wg.next((x) => x.type === 'meet.participant_joined' && x.participant.peer_id === dj.you.peer_id);
    wd.close();
    const gone = await wg.next((x) => x.type === 'meet.participant_left' && x.peer_id === dj.you.peer_id);
    assert.equal(gone.reason, 'left');

    // End for all: everyone is told and the guest pass stops working.
    await wa.request({ type: 'meet.end', id: 'a7', meeting_id: m.id });
    await wg.next((x) => x.type === 'meet.ended');
    const ended = await api(server, 'GET', `/api/v1/meetings/${m.id}`, { token: ana.token });
    assert.ok(ended.json.ended_at > 0);
    const refusedSocket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, ['meridian.v1', `bearer.${guestToken}`]);
    const status = await new Promise((resolve) => {
      refusedSocket.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      refusedSocket.on('open', () => resolve('open'));
      refusedSocket.on('error', () => {});
    });
    assert.equal(status, 401);
    assert.ok(server.child.exitCode === null, 'server still up');
  });
});
