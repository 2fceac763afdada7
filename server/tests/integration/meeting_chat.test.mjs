// In-meeting chat against the real server: only admitted peers read and post (guests with
// their scoped pass, for their one meeting), the lobby gets nothing, a removed participant
// gets nothing more, guests see only what was posted since they were admitted. The chat
// is a conversation of the chat module: readable afterwards in the Chat app by the
// organisation's people who were invited or took part, searchable; not by customers or
// guests, and a guest pass opens no other conversation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live, settle } from './lib/live.mjs';

describe('meeting chat', () => {
  let server, admin, ana, ben, cleo, carl;
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
    carl = await createUser(server, admin, { email: 'carl.mchat@example.test', display_name: 'Carl', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
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

  it('is a chat conversation: the Chat app shows it to staff afterwards; customers and guests only while admitted', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Consultation', user_ids: [ben.user.id, carl.user.id] } })).json;
    const elsewhere = (await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Private', member_ids: [ben.user.id] } })).json;
    await api(server, 'POST', `/api/v1/conversations/${elsewhere.id}/messages`, { token: ana.token, body: { text: 'secret elsewhere', client_id: 'e1' } });
    const pass = (await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Gus Guest' } })).json;

    const wa = await open(ana.token);
    const aj = await wa.request({ type: 'meet.join', id: 'a', code: m.code });
    const wc = await open(carl.token);
    const cj = await wc.request({ type: 'meet.join', id: 'c', code: m.code });
    assert.equal(cj.waiting, true);  // a customer waits in the lobby
    const wg = await open(pass.token);
    const gj = await wg.request({ type: 'meet.join', id: 'g', code: m.code });
    await wa.request({ type: 'meet.chat.send', id: 'a0', meeting_id: m.id, text: 'before anyone else' });
    for (const peer of [cj.you.peer_id, gj.you.peer_id]) await wa.request({ type: 'meet.admit', id: `ad${peer}`, meeting_id: m.id, peer_id: peer });
    await wc.next((x) => x.type === 'meet.admitted');
    await wg.next((x) => x.type === 'meet.admitted');

    const sent = await wa.request({ type: 'meet.chat.send', id: 'a1', meeting_id: m.id, text: 'Welcome, Carl and Gus', client_id: 'w1' });
    assert.ok(sent.message.conversation_id > 0);
    assert.ok(sent.message.seq > 0);
    const conv = sent.message.conversation_id;
    await wc.next((x) => x.type === 'meet.chat' && x.message.text === 'Welcome, Carl and Gus');
    await wg.request({ type: 'meet.chat.send', id: 'g1', meeting_id: m.id, text: 'Hello from Gus' });
    await wc.request({ type: 'meet.chat.send', id: 'c1', meeting_id: m.id, text: 'Hello from Carl' });
    // Customer and guest history: only since admission.
    assert.deepEqual((await wc.request({ type: 'meet.chat.history', id: 'c2', meeting_id: m.id })).items.map((x) => x.text), ['Welcome, Carl and Gus', 'Hello from Gus', 'Hello from Carl']);
    const gh = await wg.request({ type: 'meet.chat.history', id: 'g2', meeting_id: m.id });
    assert.deepEqual(gh.items.map((x) => [x.text, x.author.guest]), [['Welcome, Carl and Gus', false], ['Hello from Gus', true], ['Hello from Carl', false]]);

    // The guest pass opens nothing else: not the chat REST API, not other conversations.
    for (const path of ['/api/v1/conversations', `/api/v1/conversations/${conv}/messages`, `/api/v1/conversations/${elsewhere.id}/messages`, '/api/v1/search?q=secret'])
      assert.equal((await api(server, 'GET', path, { token: pass.token })).status, 401, path);
    assert.equal((await wg.request({ type: 'sync', id: 'g3', cursors: { [elsewhere.id]: 0 } })).error.code, 'unauthenticated');
    // The customer reads it through the meeting only: not through the chat API (where the
    // whole history, from before admission, would be), not any other conversation.
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${conv}/messages`, { token: carl.token })).status, 404);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${elsewhere.id}/messages`, { token: carl.token })).status, 404);

    // The meeting's detail names its conversation.
    assert.equal((await api(server, 'GET', `/api/v1/meetings/${m.id}`, { token: ana.token })).json.conversation_id, conv);
    await wa.request({ type: 'meet.end', id: 'e', meeting_id: m.id });
    await wc.next((x) => x.type === 'meet.ended');

    // Afterwards: the host and the invited colleague read it in the Chat app (Ben never joined).
    const list = (await api(server, 'GET', '/api/v1/conversations', { token: ben.token })).json.items;
    const entry = list.find((c) => c.id === conv);
    assert.equal(entry.name, 'Meeting: Consultation');
    assert.equal(entry.meeting, true);
    // Its name and members follow the meeting, not Chat's controls (the host owns it).
    const rename = await api(server, 'PATCH', `/api/v1/conversations/${conv}`, { token: ana.token, body: { name: 'Gossip' } });
    assert.equal(rename.status, 400, rename.text);
    assert.match(rename.json.error.message, /rename the meeting/);
    assert.equal((await api(server, 'PUT', `/api/v1/conversations/${conv}/members/${cleo.user.id}`, { token: ana.token })).status, 400);
    assert.equal((await api(server, 'DELETE', `/api/v1/conversations/${conv}/members/${ben.user.id}`, { token: ana.token })).status, 400);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${conv}`, { token: ben.token })).json.name, 'Meeting: Consultation');
    const msgs = await api(server, 'GET', `/api/v1/conversations/${conv}/messages`, { token: ben.token });
    assert.equal(msgs.status, 200, msgs.text);
    assert.deepEqual(msgs.json.items.map((x) => x.text), ['before anyone else', 'Welcome, Carl and Gus', 'Hello from Gus', 'Hello from Carl']);
    assert.equal(msgs.json.items.find((x) => x.text === 'Hello from Gus').author.display_name, 'Gus Guest');
    // Searchable like any chat message.
    const found = await api(server, 'GET', '/api/v1/search?q=Welcome', { token: ana.token });
    assert.equal(found.status, 200, found.text);
    assert.ok(found.json.items.some((h) => h.conversation.id === conv), found.text);
    // The customer and the guest: not after the meeting.
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${conv}/messages`, { token: carl.token })).status, 404);
    assert.ok(!(await api(server, 'GET', '/api/v1/conversations', { token: carl.token })).json.items.some((c) => c.id === conv));
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${conv}/messages`, { token: pass.token })).status, 401);
    // The guest's account (the author of Gus's messages) has no password to sign in with.
    const users = (await api(server, 'GET', '/api/v1/admin/users?q=meeting-guest', { token: admin })).json.items;
    const gusAccount = users.find((u) => u.display_name === 'Gus Guest');
    assert.equal(gusAccount.kind, 'guest');
    for (const password of ['!', 'a good password', 'anything at all'])
      assert.equal((await api(server, 'POST', '/api/v1/auth/login', { body: { email: gusAccount.email, password } })).status, 401);
    // Someone neither invited nor present cannot read it.
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${conv}/messages`, { token: cleo.token })).status, 404);
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
