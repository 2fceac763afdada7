// In-meeting chat against the real server: only admitted peers read and post (guests with
// their scoped pass, for their one meeting), the lobby gets nothing, a removed participant
// gets nothing more, guests see only what was posted since they were admitted.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live, settle } from './lib/live.mjs';

describe('meeting chat', () => {
  let server, admin, ana, ben, cleo;
  const sockets = [];
  const open = async (token) => {
    const ws = live(server, token);
    sockets.push(ws);
    await ws.opened;
    return ws;
  };

  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.mchat@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.mchat@example.test', display_name: 'Ben' });
    cleo = await createUser(server, admin, { email: 'cleo.mchat@example.test', display_name: 'Cleo' });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
  });

  it('delivers to admitted peers only; guests post with their pass; removal ends delivery', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Chatty', user_ids: [ben.user.id] } })).json;
    const other = (await api(server, 'POST', '/api/v1/meetings', { token: cleo.token, body: { title: 'Other' } })).json;
    const guestToken = (await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Gina Guest' } })).json.token;

    const wa = await open(ana.token);
    const wb = await open(ben.token);
    await wa.request({ type: 'meet.join', id: 'j1', code: m.code });
    const bj = await wb.request({ type: 'meet.join', id: 'j2', code: m.code });
    const benPeer = bj.you.peer_id;

    // Not in the meeting: refused.
    const wc = await open(cleo.token);
    await wc.request({ type: 'meet.join', id: 'c1', code: other.code });
    const outsider = await wc.request({ type: 'meet.chat.send', id: 'c2', meeting_id: m.id, text: 'let me in' });
    assert.equal(outsider.error.code, 'forbidden');
    assert.equal((await wc.request({ type: 'meet.chat.history', id: 'c3', meeting_id: m.id })).error.code, 'forbidden');

    const first = await wa.request({ type: 'meet.chat.send', id: 'a1', meeting_id: m.id, text: 'Agenda: tax return', client_id: 'k1' });
    assert.equal(first.type, 'meet.ack');
    assert.equal(first.message.text, 'Agenda: tax return');
    const gotB = await wb.next((x) => x.type === 'meet.chat');
    assert.equal(gotB.message.author.display_name, 'Ana');
    assert.equal(gotB.message.author.user_id, ana.user.id);
    // The sender gets it too (one event stream for everyone in the room).
    await wa.next((x) => x.type === 'meet.chat');
    // A resend with the same client_id is acknowledged with the stored message, not sent again.
    const again = await wa.request({ type: 'meet.chat.send', id: 'a2', meeting_id: m.id, text: 'Agenda: tax return', client_id: 'k1' });
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, first.message.id);

    // The guest waits in the lobby: no chat either way.
    const wg = await open(guestToken);
    const gj = await wg.request({ type: 'meet.join', id: 'g1', code: m.code });
    assert.equal(gj.waiting, true);
    const guestPeer = gj.you.peer_id;
    assert.equal((await wg.request({ type: 'meet.chat.send', id: 'g2', meeting_id: m.id, text: 'hello?' })).error.code, 'forbidden');
    assert.equal((await wg.request({ type: 'meet.chat.history', id: 'g3', meeting_id: m.id })).error.code, 'forbidden');
    await wa.request({ type: 'meet.chat.send', id: 'a3', meeting_id: m.id, text: 'internal note before the guest' });
    await wb.next((x) => x.type === 'meet.chat' && x.message.text === 'internal note before the guest');

    await wa.request({ type: 'meet.admit', id: 'a4', meeting_id: m.id, peer_id: guestPeer });
    await wg.next((x) => x.type === 'meet.admitted');
    // People of the organisation see the whole chat; the guest only what came after admission.
    const benHistory = await wb.request({ type: 'meet.chat.history', id: 'b1', meeting_id: m.id });
    assert.deepEqual(benHistory.items.map((x) => x.text), ['Agenda: tax return', 'internal note before the guest']);
    const guestHistory = await wg.request({ type: 'meet.chat.history', id: 'g4', meeting_id: m.id });
    assert.deepEqual(guestHistory.items, []);
    assert.ok(!wg.inbox.some((x) => x.type === 'meet.chat'), 'nothing reached the lobby');

    const gs = await wg.request({ type: 'meet.chat.send', id: 'g5', meeting_id: m.id, text: 'Thanks for having me' });
    assert.equal(gs.type, 'meet.ack');
    const fromGuest = await wb.next((x) => x.type === 'meet.chat' && x.message.text === 'Thanks for having me');
    assert.equal(fromGuest.message.author.guest, true);
    assert.equal(fromGuest.message.author.user_id, null);
    assert.ok(!JSON.stringify(fromGuest).includes('@'));

    // The guest pass reaches this meeting's chat only: not another meeting, not the chat module.
    assert.equal((await wg.request({ type: 'meet.chat.send', id: 'g6', meeting_id: other.id, text: 'x' })).error.code, 'forbidden');
    assert.equal((await wg.request({ type: 'message.send', id: 'g7', conversation_id: 1, text: 'x', client_id: 'y' })).error.code, 'unauthenticated');
    assert.equal((await wg.request({ type: 'sync', id: 'g8', conversations: [] })).error.code, 'unauthenticated');

    // Bad input: precise errors.
    assert.equal((await wa.request({ type: 'meet.chat.send', id: 'a5', meeting_id: m.id, text: '   ' })).error.code, 'invalid_argument');
    assert.equal((await wa.request({ type: 'meet.chat.send', id: 'a6', meeting_id: m.id, text: 'x'.repeat(4001) })).error.code, 'invalid_argument');
    assert.equal((await wa.request({ type: 'meet.chat.send', id: 'a7', meeting_id: m.id, text: 'x', colour: 'red' })).error.code, 'invalid_argument');

    // Removed: Ben gets nothing more and may not post.
    await wa.request({ type: 'meet.remove', id: 'a8', meeting_id: m.id, peer_id: benPeer });
    await wb.next((x) => x.type === 'meet.removed');
    wb.inbox.length = 0;
    await wa.request({ type: 'meet.chat.send', id: 'a9', meeting_id: m.id, text: 'after Ben left' });
    await wg.next((x) => x.type === 'meet.chat' && x.message.text === 'after Ben left');
    await settle(300);
    assert.ok(!wb.inbox.some((x) => x.type === 'meet.chat'), 'the removed participant receives no meeting chat');
    assert.equal((await wb.request({ type: 'meet.chat.send', id: 'b2', meeting_id: m.id, text: 'still here?' })).error.code, 'forbidden');
  });

  it('lets a host ask a muted participant to unmute, and participants raise a hand', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Hands', user_ids: [ben.user.id] } })).json;
    const wa = await open(ana.token);
    const wb = await open(ben.token);
    const aj = await wa.request({ type: 'meet.join', id: 'j1', code: m.code });
    const bj = await wb.request({ type: 'meet.join', id: 'j2', code: m.code });
    const benPeer = bj.you.peer_id;
    // Not muted: nothing to ask.
    assert.equal((await wa.request({ type: 'meet.ask_unmute', id: 'a1', meeting_id: m.id, peer_id: benPeer })).error.code, 'conflict');
    await wb.request({ type: 'meet.media', id: 'b1', meeting_id: m.id, audio_muted: true });
    const asked = await wa.request({ type: 'meet.ask_unmute', id: 'a2', meeting_id: m.id, peer_id: benPeer });
    assert.equal(asked.type, 'meet.ack');
    const prompt = await wb.next((x) => x.type === 'meet.unmute_requested');
    assert.equal(prompt.by, 'Ana');
    // Only the prompt: Ben is still muted until he unmutes himself. A participant cannot ask.
    assert.equal((await wb.request({ type: 'meet.ask_unmute', id: 'b2', meeting_id: m.id, peer_id: aj.you.peer_id })).error.code, 'forbidden');

    await wb.request({ type: 'meet.media', id: 'b3', meeting_id: m.id, hand_raised: true });
    const hand = await wa.next((x) => x.type === 'meet.participant_updated' && x.participant.peer_id === benPeer && x.participant.hand_raised);
    assert.equal(hand.participant.audio_muted, true);
    assert.equal((await wb.request({ type: 'meet.media', id: 'b4', meeting_id: m.id, hand_raised: 'yes' })).error.code, 'invalid_argument');
  });
});
