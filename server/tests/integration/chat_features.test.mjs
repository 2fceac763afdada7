// Chat features against the real server: reactions, threads, mentions, channel settings
// and "seen" receipts, each with its refusals.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { eventually, live, settle } from './lib/live.mjs';

describe('chat features', () => {
  let server, admin, ana, ben, cleo, dora, ed;
  const post = (who, cid, text, extra = {}) =>
    api(server, 'POST', `/api/v1/conversations/${cid}/messages`, { token: who.token, body: { text, client_id: `c${Math.random()}`, ...extra } });
  const channel = async (owner, name, members, visibility = 'public') => {
    const r = await api(server, 'POST', '/api/v1/conversations', { token: owner.token, body: { kind: 'channel', name, visibility, member_ids: members.map((m) => m.user.id) } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const opened = async (...who) => {
    const sockets = who.map((w) => live(server, w.token));
    await Promise.all(sockets.map((s) => s.opened));
    await Promise.all(sockets.map((s) => s.next((m) => m.type === 'hello')));
    return sockets;
  };

  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana@features.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'Ben.Silva@features.test', display_name: 'Ben' });
    cleo = await createUser(server, admin, { email: 'cleo@features.test', display_name: 'Cleo' });
    dora = await createUser(server, admin, { email: 'dora@features.test', display_name: 'Dora', country: 'US', time_zone: 'America/New_York' });
    ed = await createUser(server, admin, { email: 'ed@features.test', display_name: 'Ed', country: 'DE', time_zone: 'Europe/Berlin' });
  });
  after(async () => server?.stop());

  it('reactions toggle one per user and emoji, reach members live, show in history with "me", and refuse outsiders', async () => {
    const cid = await channel(ana, 'reactions', [ben]);
    const m = await post(ana, cid, 'ship it?');
    const [wa, wb, wc] = await opened(ana, ben, cleo);
    wb.send(JSON.stringify({ type: 'reaction.toggle', id: 'x1', conversation_id: cid, message_id: m.json.id, emoji: '👍' }));
    const ack = await wb.next((x) => x.type === 'reaction.ack' && x.id === 'x1');
    assert.equal(ack.on, true);
    assert.deepEqual(ack.message.reactions, [{ emoji: '👍', count: 1, me: true, user_ids: [ben.user.id] }]);
    const ev = await wa.next((x) => x.type === 'reaction.updated');
    assert.equal(ev.message_id, m.json.id);
    assert.equal(ev.emoji, '👍');
    assert.ok(ev.change_seq > m.json.seq);
    assert.deepEqual(ev.message.reactions, [{ emoji: '👍', count: 1, me: false, user_ids: [ben.user.id] }]);
    // Ana adds the same emoji: count 2; "on": true again by Ana changes nothing.
    const r2 = await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${m.json.id}/reactions`, { token: ana.token, body: { emoji: '👍' } });
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r2.json.reactions[0].count, 2);
    assert.equal(r2.json.reactions[0].me, true);
    const again = await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${m.json.id}/reactions`, { token: ana.token, body: { emoji: '👍', on: true } });
    assert.equal(again.json.reactions[0].count, 2, 'one reaction per user and emoji');
    // Ben toggles off.
    wb.send(JSON.stringify({ type: 'reaction.toggle', id: 'x2', conversation_id: cid, message_id: m.json.id, emoji: '👍' }));
    assert.equal((await wb.next((x) => x.type === 'reaction.ack' && x.id === 'x2')).on, false);
    const hist = await api(server, 'GET', `/api/v1/conversations/${cid}/messages`, { token: ben.token });
    assert.deepEqual(hist.json.items[0].reactions, [{ emoji: '👍', count: 1, me: false, user_ids: [ana.user.id] }]);
    // A reaction is a change: /changes replays it.
    const ch = await api(server, 'GET', `/api/v1/conversations/${cid}/changes?after=${m.json.seq}`, { token: ben.token });
    assert.deepEqual(ch.json.items.map((x) => x.id), [m.json.id]);
    // Refusals: a non-member (public channel: 403; over WS too), bad emoji, deleted message.
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${m.json.id}/reactions`, { token: cleo.token, body: { emoji: '👍' } })).status, 403);
    wc.send(JSON.stringify({ type: 'reaction.toggle', id: 'x3', conversation_id: cid, message_id: m.json.id, emoji: '🎉' }));
    assert.equal((await wc.next((x) => x.type === 'error' && x.id === 'x3')).error.code, 'forbidden');
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${m.json.id}/reactions`, { token: ana.token, body: { emoji: 'lol' } })).status, 400);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${m.json.id}/reactions`, { token: ana.token, body: { emoji: ':tada:' } })).status, 200);
    await settle();
    assert.equal(wc.inbox.filter((x) => x.type === 'reaction.updated').length, 0, 'a non-member saw a reaction');
    await api(server, 'DELETE', `/api/v1/conversations/${cid}/messages/${m.json.id}`, { token: ana.token });
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${m.json.id}/reactions`, { token: ben.token, body: { emoji: '👍' } })).status, 409);
    for (const w of [wa, wb, wc]) w.close();
  });

  it('threads: replies stay out of the main timeline, roots count them, followers get thread unread, members get the events', async () => {
    const cid = await channel(ana, 'threads', [ben, cleo]);
    const root = await post(ana, cid, 'Quarterly numbers');
    const [wa, wc] = await opened(ana, cleo);
    const reply = await post(ben, cid, 'Looks good', { thread_root_id: root.json.id });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.json.thread_root_id, root.json.id);
    const got = await wc.next((x) => x.type === 'message.new' && x.message.id === reply.json.id);
    assert.equal(got.message.thread_root_id, root.json.id);
    const upd = await wc.next((x) => x.type === 'message.updated' && x.message.id === root.json.id);
    assert.equal(upd.message.reply_count, 1);
    assert.deepEqual(upd.message.participants, [ben.user.id]);
    assert.ok(upd.message.last_reply_at);
    assert.equal(upd.change_seq, reply.json.seq + 1);
    // The main timeline holds the root only; the thread view holds the reply.
    const main = await api(server, 'GET', `/api/v1/conversations/${cid}/messages`, { token: cleo.token });
    assert.deepEqual(main.json.items.map((x) => x.id), [root.json.id]);
    assert.equal(main.json.items[0].reply_count, 1);
    const view = await api(server, 'GET', `/api/v1/conversations/${cid}/messages/${root.json.id}/replies`, { token: cleo.token });
    assert.equal(view.status, 200, view.text);
    assert.deepEqual(view.json.items.map((x) => x.text), ['Looks good']);
    assert.equal(view.json.following, false);
    // Replies do not count as channel unread; the root's author follows and has 1 thread unread.
    const list = (await api(server, 'GET', '/api/v1/conversations', { token: ana.token })).json.items.find((c) => c.id === cid);
    assert.equal(list.unread, 0);
    assert.equal(list.thread_unread, 1);
    const cleoList = (await api(server, 'GET', '/api/v1/conversations', { token: cleo.token })).json.items.find((c) => c.id === cid);
    assert.equal(cleoList.unread, 1, 'the root only');
    assert.equal(cleoList.thread_unread, 0, 'Cleo does not follow');
    // Ana reads the thread; then unfollows: a new reply no longer counts for her.
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${root.json.id}/read`, { token: ana.token, body: { seq: reply.json.seq } })).status, 204);
    assert.equal((await api(server, 'GET', '/api/v1/conversations', { token: ana.token })).json.items.find((c) => c.id === cid).thread_unread, 0);
    assert.equal((await api(server, 'DELETE', `/api/v1/conversations/${cid}/messages/${root.json.id}/follow`, { token: ana.token })).status, 204);
    await post(ben, cid, 'one more', { thread_root_id: root.json.id });
    assert.equal((await api(server, 'GET', '/api/v1/conversations', { token: ana.token })).json.items.find((c) => c.id === cid).thread_unread, 0);
    // Cleo follows explicitly: later replies count for her.
    assert.equal((await api(server, 'PUT', `/api/v1/conversations/${cid}/messages/${root.json.id}/follow`, { token: cleo.token })).status, 204);
    await post(ben, cid, 'and another', { thread_root_id: root.json.id });
    assert.equal((await api(server, 'GET', '/api/v1/conversations', { token: cleo.token })).json.items.find((c) => c.id === cid).thread_unread, 1);
    // Refusals: reply to a reply, to a missing root, thread of an outsider.
    assert.equal((await post(ben, cid, 'nested', { thread_root_id: reply.json.id })).status, 400);
    assert.equal((await post(ben, cid, 'nowhere', { thread_root_id: 99999999 })).status, 404);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${cid}/messages/${root.json.id}/replies`, { token: dora.token })).status, 403);
    await settle();
    for (const w of [wa, wc]) w.close();
  });

  it('mentions: @handle, @channel and @here are parsed on the server, counted, and notified live', async () => {
    const cid = await channel(ana, 'mentions', [ben, cleo, ed]);
    const [wb, wc, we] = await opened(ben, cleo, ed);
    // Ben's handle is his email's local part, lower-cased.
    const m1 = await post(ana, cid, 'Hey @ben.silva, see this. (mail ana@features.test)');
    assert.equal(m1.status, 201, m1.text);
    const n = await wb.next((x) => x.type === 'mention');
    assert.equal(n.kind, 'user');
    assert.equal(n.message.id, m1.json.id);
    const members = await api(server, 'GET', `/api/v1/conversations/${cid}/members`, { token: ben.token });
    assert.equal(members.json.items.find((m) => m.user_id === ben.user.id).handle, 'ben.silva');
    // @here reaches the connected members only (Ben, Cleo, Ed are connected; nobody else here).
    await post(ana, cid, '@here standup');
    assert.equal((await wc.next((x) => x.type === 'mention')).kind, 'here');
    await we.next((x) => x.type === 'mention');
    we.close();
    // Ed is offline for @here once the server has dropped his socket: wait for that, not a guess.
    await eventually(async () => {
      const r = await api(server, 'GET', `/api/v1/presence?user_ids=${ed.user.id}`, { token: ana.token });
      return r.json.items[0]?.status === 'offline';
    }, { what: 'Ed offline' });
    await post(ana, cid, '@here again');
    assert.equal((await wc.next((x) => x.type === 'mention')).kind, 'here');
    const counts = async (who) => (await api(server, 'GET', '/api/v1/conversations', { token: who.token })).json.items.find((c) => c.id === cid).mentions;
    assert.equal(await counts(ben), 3);
    assert.equal(await counts(cleo), 2);
    assert.equal(await counts(ed), 1, 'Ed was offline for the second @here');
    assert.equal(await counts(ana), 0, 'the author is not mentioned by their own message');
    // @channel reaches everyone; reading clears the count.
    const all = await post(ana, cid, '@channel release at 5');
    assert.equal(await counts(ed), 2);
    await api(server, 'POST', `/api/v1/conversations/${cid}/read`, { token: ed.token, body: { seq: all.json.seq } });
    assert.equal(await counts(ed), 0);
    // Only moderators: a member's @channel is refused, a moderator's passes; "nobody" refuses all.
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/settings`, { token: ana.token, body: { broadcast_mentions: 'moderators' } })).status, 200);
    const refused = await post(ben, cid, '@channel lunch?');
    assert.equal(refused.status, 403, refused.text);
    assert.equal((await post(ben, cid, '@here lunch?')).status, 403);
    assert.equal((await post(ben, cid, 'lunch @cleo?')).status, 201, 'a personal mention is still fine');
    assert.equal((await post(ana, cid, '@channel lunch is on me')).status, 201);
    await api(server, 'PATCH', `/api/v1/conversations/${cid}/settings`, { token: ana.token, body: { broadcast_mentions: 'nobody' } });
    assert.equal((await post(ana, cid, '@channel again')).status, 403);
    await settle();
    for (const w of [wb, wc]) w.close();
  });

  it('announcement mode: only owners, moderators and chosen posters post; others react and reply in threads; read_only posts nothing', async () => {
    const cid = await channel(ana, 'news', [ben, cleo]);
    const ann = await post(ana, cid, 'Welcome');
    // Settings are for owners and moderators.
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/settings`, { token: ben.token, body: { announcement: true } })).status, 403);
    const set = await api(server, 'PATCH', `/api/v1/conversations/${cid}/settings`, { token: ana.token, body: { announcement: true } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.announcement, true);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${cid}/settings`, { token: ben.token })).json.announcement, true);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${cid}/settings`, { token: dora.token })).status, 403);
    const [wb] = await opened(ben);
    wb.send(JSON.stringify({ type: 'message.send', id: 's1', conversation_id: cid, text: 'me too', client_id: 'ann-b1' }));
    assert.equal((await wb.next((x) => x.type === 'error' && x.id === 's1')).error.code, 'forbidden');
    assert.equal((await post(ben, cid, 'in thread', { thread_root_id: ann.json.id })).status, 201);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${ann.json.id}/reactions`, { token: ben.token, body: { emoji: '🎉' } })).status, 200);
    // Chosen poster.
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/members/${ben.user.id}`, { token: ana.token, body: { can_post: true } })).json.can_post, true);
    assert.equal((await post(ben, cid, 'now I can')).status, 201);
    // Moderator (set by the owner) posts; a moderator cannot change roles.
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/members/${cleo.user.id}`, { token: ana.token, body: { role: 'moderator' } })).json.role, 'moderator');
    assert.equal((await post(cleo, cid, 'mod post')).status, 201);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/members/${ben.user.id}`, { token: cleo.token, body: { role: 'owner' } })).status, 403);
    // read_only: no posts, no thread replies, but reactions.
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/members/${ben.user.id}`, { token: ana.token, body: { role: 'read_only' } })).json.role, 'read_only');
    assert.equal((await post(ben, cid, 'still me')).status, 403);
    assert.equal((await post(ben, cid, 'thread?', { thread_root_id: ann.json.id })).status, 403);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${ann.json.id}/reactions`, { token: ben.token, body: { emoji: '👀' } })).status, 200);
    // The last owner cannot step down; bad role names are 400.
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/members/${ana.user.id}`, { token: ana.token, body: { role: 'member' } })).status, 409);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/members/${ben.user.id}`, { token: ana.token, body: { role: 'king' } })).status, 400);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/settings`, { token: ana.token, body: { broadcast_mentions: 'some' } })).status, 400);
    wb.close();
  });

  it('country-limited channels: others can neither join, nor be invited, nor find them', async () => {
    const cid = await channel(ana, 'eu-only', []);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/settings`, { token: ana.token, body: { allowed_countries: ['pt', 'DE'] } })).json.allowed_countries.join(), 'PT,DE');
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/join`, { token: dora.token })).status, 403);
    assert.equal((await api(server, 'PUT', `/api/v1/conversations/${cid}/members/${dora.user.id}`, { token: ana.token })).status, 403);
    const browse = await api(server, 'GET', '/api/v1/channels?q=eu-only', { token: dora.token });
    assert.equal(browse.json.items.length, 0);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/join`, { token: ed.token })).status, 200);
    assert.equal((await api(server, 'PUT', `/api/v1/conversations/${cid}/members/${ben.user.id}`, { token: ana.token })).status, 204);
    // By region: US is outside EU.
    const rid = await channel(ana, 'eu-region', []);
    await api(server, 'PATCH', `/api/v1/conversations/${rid}/settings`, { token: ana.token, body: { allowed_regions: ['EU'] } });
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${rid}/join`, { token: dora.token })).status, 403);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${rid}/join`, { token: cleo.token })).status, 200);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${cid}/settings`, { token: ana.token, body: { allowed_countries: ['Portugal'] } })).status, 400);
  });

  it('"seen" receipts in direct conversations: read.updated to the other person, last_read_seq in members', async () => {
    const dm = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'direct', member_ids: [ben.user.id] } });
    const m = await post(ana, dm.json.id, 'did you see?');
    const [wa, wc] = await opened(ana, cleo);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${dm.json.id}/read`, { token: ben.token, body: { seq: m.json.seq } })).status, 204);
    const seen = await wa.next((x) => x.type === 'read.updated');
    assert.deepEqual(seen, { type: 'read.updated', conversation_id: dm.json.id, user_id: ben.user.id, last_read_seq: m.json.seq });
    const members = await api(server, 'GET', `/api/v1/conversations/${dm.json.id}/members`, { token: ana.token });
    assert.equal(members.json.items.find((x) => x.user_id === ben.user.id).last_read_seq, m.json.seq);
    // Reading again the same seq sends nothing; channels expose no read positions.
    await api(server, 'POST', `/api/v1/conversations/${dm.json.id}/read`, { token: ben.token, body: { seq: m.json.seq } });
    const cid = await channel(ana, 'no-receipts', [ben]);
    const cm = await post(ana, cid, 'hi');
    await api(server, 'POST', `/api/v1/conversations/${cid}/read`, { token: ben.token, body: { seq: cm.json.seq } });
    const chMembers = await api(server, 'GET', `/api/v1/conversations/${cid}/members`, { token: ana.token });
    assert.equal(chMembers.json.items[0].last_read_seq, undefined);
    await settle();
    assert.equal(wa.inbox.filter((x) => x.type === 'read.updated').length, 0);
    assert.equal(wc.inbox.filter((x) => x.type === 'read.updated').length, 0, 'an outsider got a receipt');
    for (const w of [wa, wc]) w.close();
  });

  it('a removed member receives no reactions, replies or mentions from that moment on', async () => {
    const cid = await channel(ana, 'removal', [ben]);
    const root = await post(ana, cid, 'root');
    const [wb] = await opened(ben);
    assert.equal((await api(server, 'DELETE', `/api/v1/conversations/${cid}/members/${ben.user.id}`, { token: ana.token })).status, 204);
    // The removal itself is the last thing Ben hears of it (membership_live.test.mjs).
    await wb.next((x) => x.type === 'conversation.removed' && x.conversation_id === cid);
    await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${root.json.id}/reactions`, { token: ana.token, body: { emoji: '👍' } });
    await post(ana, cid, 'reply', { thread_root_id: root.json.id });
    await post(ana, cid, '@ben.silva @channel are you there?');
    await settle(300);
    assert.deepEqual(wb.inbox.filter((x) => !['hello', 'presence'].includes(x.type)).map((x) => x.type), []);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${cid}/messages/${root.json.id}/reactions`, { token: ben.token, body: { emoji: '👍' } })).status, 403);
    // Nor can they replay it with sync; bad cursors are refused.
    wb.send(JSON.stringify({ type: 'sync', id: 'y1', cursors: { [cid]: 0 } }));
    const marker = await wb.next((x) => x.type === 'sync.replay' && x.id === 'y1');
    assert.equal(marker.error.code, 'forbidden');
    await wb.next((x) => x.type === 'sync.done' && x.id === 'y1');
    await settle();
    assert.equal(wb.inbox.filter((x) => x.type?.startsWith('message.')).length, 0, 'a removed member got a replay');
    wb.send(JSON.stringify({ type: 'sync', id: 'y2', cursors: { abc: 1 } }));
    assert.equal((await wb.next((x) => x.type === 'error' && x.id === 'y2')).error.code, 'invalid_argument');
    wb.send(JSON.stringify({ type: 'sync', id: 'y3', cursors: [1] }));
    assert.equal((await wb.next((x) => x.type === 'error' && x.id === 'y3')).error.code, 'invalid_argument');
    wb.close();
  });
});
