// A meeting whose participants' sockets are on three different nodes (one PostgreSQL, one
// Redis): the room runs on the node where it was joined first and the other nodes forward
// meet.* requests to it (meetings/room_placement.hpp). Join, lobby and admission, signalling
// both ways, in-meeting chat, refusals that travel back, REST changes made on another node,
// a closed socket leaving, and a stopping owner handing the room over.
// Needs MERIDIAN_TEST_DATABASE_URL and MERIDIAN_TEST_REDIS_URL (scripts/run-tests.sh runs it
// under scripts/with-postgres.sh scripts/with-redis.sh); skipped otherwise.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser, freshPostgresDatabase } from './lib/server.mjs';
import { live } from './lib/live.mjs';

const pg = process.env.MERIDIAN_TEST_DATABASE_URL;
const redis = process.env.MERIDIAN_TEST_REDIS_URL;

describe('a meeting across three nodes', { skip: !pg || !redis ? 'needs MERIDIAN_TEST_DATABASE_URL and MERIDIAN_TEST_REDIS_URL' : false }, () => {
  let nodeA, nodeB, nodeC, admin, ana, ben, cleo;
  const sockets = [];
  const open = async (node, token) => {
    const ws = live(node, token);
    sockets.push(ws);
    await ws.opened;
    return ws;
  };

  before(async () => {
    const env = {
      MERIDIAN_DATABASE_URL: await freshPostgresDatabase(pg),
      MERIDIAN_BUS_URL: redis,
      MERIDIAN_BUS_PREFIX: `itmeet${process.pid}-${Date.now()}:`,
    };
    nodeA = await startServer({ webRoot: false, env });
    nodeB = await startServer({ webRoot: false, env });
    nodeC = await startServer({ webRoot: false, env });
    admin = await login(nodeA, nodeA.adminEmail, nodeA.adminPassword);
    ana = await createUser(nodeA, admin, { email: 'ana.meetx@example.test', display_name: 'Ana' });
    ben = await createUser(nodeA, admin, { email: 'ben.meetx@example.test', display_name: 'Ben' });
    cleo = await createUser(nodeA, admin, { email: 'cleo.meetx@example.test', display_name: 'Cleo' });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await Promise.all([nodeA, nodeB, nodeC].map((n) => n?.stop()));
  });

  it('runs one room for sockets on three nodes, and hands it over when its node stops', async () => {
    const m = (await api(nodeA, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Across nodes', user_ids: [ben.user.id] } })).json;

    const wa = await open(nodeA, ana.token);
    const aj = await wa.request({ type: 'meet.join', id: 'a1', code: m.code });
    assert.equal(aj.type, 'meet.joined', JSON.stringify(aj));
    assert.equal(aj.you.role, 'host');
    const anaPeer = aj.you.peer_id;

    // Ben's socket is on node B: his join runs in the room on node A.
    const wb = await open(nodeB, ben.token);
    const bj = await wb.request({ type: 'meet.join', id: 'b1', code: m.code });
    assert.equal(bj.type, 'meet.joined', JSON.stringify(bj));
    assert.equal(bj.participants.length, 2, 'Ben sees Ana, who joined on another node');
    const benPeer = bj.you.peer_id;
    assert.notEqual(benPeer, anaPeer);
    assert.equal((await wa.next((x) => x.type === 'meet.participant_joined')).participant.peer_id, benPeer);

    // Signalling both ways across nodes, in order.
    wa.send(JSON.stringify({ type: 'meet.signal', meeting_id: m.id, to: benPeer, signal: { description: { type: 'offer', sdp: 'v=0 offer' } } }));
    for (let i = 0; i < 5; i++)
      wa.send(JSON.stringify({ type: 'meet.signal', meeting_id: m.id, to: benPeer, signal: { candidate: { candidate: `candidate:${i}`, sdpMid: '0' } } }));
    const offer = await wb.next((x) => x.type === 'meet.signal');
    assert.equal(offer.from, anaPeer);
    assert.equal(offer.signal.description.type, 'offer');
    for (let i = 0; i < 5; i++)
      assert.equal((await wb.next((x) => x.type === 'meet.signal')).signal.candidate.candidate, `candidate:${i}`, 'candidates arrive in the order sent');
    wb.send(JSON.stringify({ type: 'meet.signal', meeting_id: m.id, to: anaPeer, signal: { description: { type: 'answer', sdp: 'v=0 answer' } } }));
    assert.equal((await wa.next((x) => x.type === 'meet.signal')).from, benPeer);

    // A guest on node C waits in the lobby; the host on node A admits them.
    const pass = await api(nodeC, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Gina Guest' } });
    assert.equal(pass.status, 201, pass.text);
    const wg = await open(nodeC, pass.json.token);
    const gj = await wg.request({ type: 'meet.join', id: 'g1', code: m.code });
    assert.equal(gj.waiting, true, JSON.stringify(gj));
    const guestPeer = gj.you.peer_id;
    assert.equal((await wa.next((x) => x.type === 'meet.lobby')).lobby[0].display_name, 'Gina Guest');
    const early = await wg.request({ type: 'meet.signal', id: 'g2', meeting_id: m.id, to: anaPeer, signal: { description: { type: 'offer', sdp: 'x' } } });
    assert.equal(early.error?.code, 'forbidden', 'a refusal travels back to the guest\'s node');
    assert.equal((await wa.request({ type: 'meet.admit', id: 'a2', meeting_id: m.id, peer_id: guestPeer })).type, 'meet.ack');
    assert.equal((await wg.next((x) => x.type === 'meet.admitted')).participants.length, 3);
    await wb.next((x) => x.type === 'meet.participant_joined' && x.participant.peer_id === guestPeer);

    // In-meeting chat from node B reaches A and C; a guest still may not end the meeting.
    const sent = await wb.request({ type: 'meet.chat.send', id: 'b2', meeting_id: m.id, text: 'Hello from B', client_id: 'mx1' });
    assert.equal(sent.type, 'meet.ack', JSON.stringify(sent));
    assert.equal((await wa.next((x) => x.type === 'meet.chat')).message.text, 'Hello from B');
    assert.equal((await wg.next((x) => x.type === 'meet.chat')).message.text, 'Hello from B');
    assert.equal((await wg.request({ type: 'meet.end', id: 'g3', meeting_id: m.id })).error?.code, 'forbidden');

    // Someone not invited, on node B, gets the same refusal as on the room's node.
    const wc = await open(nodeB, cleo.token);
    const stranger = await wc.request({ type: 'meet.signal', id: 'c1', meeting_id: m.id, to: anaPeer, signal: { description: { type: 'offer', sdp: 'x' } } });
    assert.equal(stranger.error?.code, 'forbidden');

    // REST on node B while the room runs on node A: the host's settings reach the room;
    // a cancel is refused as it is on the room's own node.
    const patched = await api(nodeB, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { locked: true, guests_can_share_screen: false } });
    assert.equal(patched.status, 200, patched.text);
    const updated = await wg.next((x) => x.type === 'meet.room_updated');
    assert.equal(updated.locked, true, JSON.stringify(updated));
    assert.equal(updated.guests_can_share_screen, false);
    assert.equal((await wa.next((x) => x.type === 'meet.room_updated')).locked, true);
    const cancel = await api(nodeB, 'DELETE', `/api/v1/meetings/${m.id}`, { token: ana.token });
    assert.equal(cancel.status, 409, cancel.text);
    const strangerCancel = await api(nodeB, 'DELETE', `/api/v1/meetings/${m.id}`, { token: cleo.token });
    assert.equal(strangerCancel.status, 404, 'someone not invited learns nothing, running or not');
    assert.equal((await api(nodeC, 'PATCH', `/api/v1/meetings/${m.id}`, { token: ana.token, body: { locked: false } })).status, 200);
    assert.equal((await wa.next((x) => x.type === 'meet.room_updated')).locked, false);

    // Ben's socket on node B closes: the room on node A lets him leave.
    wb.terminate();
    assert.equal((await wa.next((x) => x.type === 'meet.participant_left')).peer_id, benPeer);

    // Node A stops: it gives the room's lease up, so Ben's next join starts the room on B.
    await nodeA.stop();
    const wb2 = await open(nodeB, ben.token);
    const again = await wb2.request({ type: 'meet.join', id: 'b3', code: m.code });
    assert.equal(again.type, 'meet.joined', JSON.stringify(again));
    assert.equal(again.participants.length, 1, 'a new room, on node B');
  });
});
