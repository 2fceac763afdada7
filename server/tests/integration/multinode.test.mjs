// Two meridian nodes sharing one PostgreSQL database and one Redis (MERIDIAN_BUS_URL),
// as behind a load balancer: people on different nodes chat in real time (message,
// reaction, typing, @here), presence crosses nodes, a client that reconnects to the
// other node resumes with nothing lost and nothing twice, and a member removed while
// connected to the other node receives nothing further.
// Needs MERIDIAN_TEST_DATABASE_URL and MERIDIAN_TEST_REDIS_URL (scripts/run-tests.sh runs it
// under scripts/with-postgres.sh scripts/with-redis.sh); skipped otherwise.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser, freshPostgresDatabase } from './lib/server.mjs';
import { eventually, live, settle } from './lib/live.mjs';

const pg = process.env.MERIDIAN_TEST_DATABASE_URL;
const redis = process.env.MERIDIAN_TEST_REDIS_URL;
const statusIn = (batch, userId) => batch.users.find((u) => u.user_id === userId)?.status;

describe('two nodes, one PostgreSQL, one Redis', { skip: !pg || !redis ? 'needs MERIDIAN_TEST_DATABASE_URL and MERIDIAN_TEST_REDIS_URL' : false }, () => {
  let nodeA, nodeB, admin, ana, ben, cleo, dan, cid;
  const sockets = [];
  const open = async (node, who) => {
    const ws = live(node, who.token);
    ws.who = who;
    sockets.push(ws);
    await ws.opened;
    await ws.next((m) => m.type === 'hello');
    return ws;
  };
  /** Waits until `node` reports each of these people with a status `ok` accepts (REST, as Ana). */
  const presenceOn = (node, people, ok, what) => eventually(async () => {
    const r = await api(node, 'GET', `/api/v1/presence?user_ids=${people.map((p) => p.user.id).join(',')}`, { token: ana.token });
    return r.status === 200 && r.json.items.length === people.length && r.json.items.every((i) => ok(i.status));
  }, { what });
  const send = (ws, msg) => ws.send(JSON.stringify(msg));
  // Closes and waits until both nodes count these people gone (a presence flush crosses nodes).
  const closeAll = async (...list) => {
    await Promise.all(list.map((ws) => new Promise((r) => { ws.once('close', r); ws.close(); })));
    const people = [...new Set(list.map((ws) => ws.who))];
    for (const node of [nodeA, nodeB]) await presenceOn(node, people, (s) => s === 'offline', 'the closed sockets gone on both nodes');
  };

  before(async () => {
    const database = await freshPostgresDatabase(pg);
    const env = {
      MERIDIAN_DATABASE_URL: database,
      MERIDIAN_BUS_URL: redis,
      MERIDIAN_BUS_PREFIX: `it${process.pid}-${Date.now()}:`,
      MERIDIAN_RETENTION_ALLOW_RUN_AS_OF: '1',
    };
    nodeA = await startServer({ webRoot: false, env });
    // The second node finds the administrator (and everything else) already in the database.
    nodeB = await startServer({ webRoot: false, env });
    admin = await login(nodeA, nodeA.adminEmail, nodeA.adminPassword);
    ana = await createUser(nodeA, admin, { email: 'ana.multi@example.test', display_name: 'Ana' });
    ben = await createUser(nodeA, admin, { email: 'ben.multi@example.test', display_name: 'Ben' });
    cleo = await createUser(nodeA, admin, { email: 'cleo.multi@example.test', display_name: 'Cleo' });
    dan = await createUser(nodeA, admin, { email: 'dan.multi@example.test', display_name: 'Dan' });
    const conv = await api(nodeA, 'POST', '/api/v1/conversations', {
      token: ana.token,
      body: { kind: 'group', name: 'Across nodes', member_ids: [ben.user.id, cleo.user.id, dan.user.id] },
    });
    assert.equal(conv.status, 201, conv.text);
    cid = conv.json.id;
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  });

  it('both nodes are ready with the Redis bus and say so at start', async () => {
    for (const node of [nodeA, nodeB]) {
      assert.equal((await api(node, 'GET', '/readyz')).status, 200);
      assert.equal(node.lines.find((l) => l.event === 'server.started').bus, 'redis');
    }
  });

  it('a message, a reaction, typing and @here cross from one node to the other', async () => {
    const wa = await open(nodeA, ana);
    const wb = await open(nodeB, ben);
    const wc = await open(nodeB, cleo);
    // Presence of the new sockets reaches the other node within a flush (300 ms): @here on
    // node A counts Ben and Cleo once node A knows they are connected.
    await presenceOn(nodeA, [ben, cleo], (s) => s !== 'offline', 'Ben and Cleo online on node A');
    send(wa, { type: 'message.send', id: 'm1', conversation_id: cid, text: 'Hello from node A', client_id: 'mn1' });
    const ack = await wa.next((m) => m.type === 'message.ack' && m.id === 'm1');
    const got = await wb.next((m) => m.type === 'message.new');
    assert.equal(got.message.id, ack.message.id);
    assert.equal(got.message.text, 'Hello from node A');
    // The author's own socket gets the event too, through the same path.
    await wa.next((m) => m.type === 'message.new' && m.message.id === ack.message.id);

    // Ben reacts on node B: Ana on node A sees it, with "me" computed for each viewer.
    send(wb, { type: 'reaction.toggle', id: 'r1', conversation_id: cid, message_id: ack.message.id, emoji: '👍' });
    await wb.next((m) => m.type === 'reaction.ack' && m.id === 'r1');
    const onA = await wa.next((m) => m.type === 'reaction.updated');
    assert.equal(onA.emoji, '👍');
    assert.equal(onA.on, true);
    assert.deepEqual(onA.message.reactions.map((r) => [r.emoji, r.count, r.me]), [['👍', 1, false]]);
    const onB = await wb.next((m) => m.type === 'reaction.updated');
    assert.equal(onB.message.reactions[0].me, true);

    send(wb, { type: 'typing', conversation_id: cid });
    const typing = await wa.next((m) => m.type === 'typing');
    assert.equal(typing.user.id, ben.user.id);
    assert.equal(typing.conversation_id, cid);

    // @here counts sockets on every node: Ben and Cleo are connected to node B only; Dan nowhere.
    const here = await api(nodeA, 'POST', `/api/v1/conversations/${cid}/messages`, {
      token: ana.token, body: { text: '@here standup', client_id: 'mn-here' },
    });
    assert.equal(here.status, 201, here.text);
    assert.equal((await wb.next((m) => m.type === 'mention')).kind, 'here');
    assert.equal((await wc.next((m) => m.type === 'mention')).kind, 'here');
    const list = await api(nodeB, 'GET', '/api/v1/conversations', { token: dan.token });
    assert.equal(list.json.items.find((c) => c.id === cid).mentions, 0, 'Dan was not connected anywhere');
    await closeAll(wa, wb, wc);
  });

  it('presence crosses nodes: online, do-not-disturb, offline', async () => {
    const wb = await open(nodeB, ben);
    send(wb, { type: 'presence.subscribe', id: 'ps1', user_ids: [ana.user.id] });
    const first = await wb.next((m) => m.type === 'presence.subscribed' && m.id === 'ps1');
    assert.equal(statusIn(first, ana.user.id), 'offline');
    const wa = await open(nodeA, ana);
    await wb.next((m) => m.type === 'presence' && statusIn(m, ana.user.id) === 'online', 5000);
    send(wa, { type: 'presence.set', id: 'p1', mode: 'dnd', status_text: 'Workshop' });
    const dnd = await wb.next((m) => m.type === 'presence' && statusIn(m, ana.user.id) === 'dnd', 5000);
    assert.equal(dnd.users.find((u) => u.user_id === ana.user.id).status_text, 'Workshop');
    // A second tab on node B counts in the same aggregate; closing the one on A keeps Ana connected.
    const wa2 = await open(nodeB, ana);
    send(wa, { type: 'presence.set', id: 'p2', mode: 'auto', status_text: '' });
    await wb.next((m) => m.type === 'presence' && statusIn(m, ana.user.id) === 'online', 5000);
    await settle(700);
    wb.inbox.length = 0;  // from here on, no batch may call Ana offline
    wa.close();
    await settle(1000);
    assert.equal(wb.inbox.filter((m) => m.type === 'presence' && statusIn(m, ana.user.id) === 'offline').length, 0);
    const rest = await api(nodeA, 'GET', `/api/v1/presence?user_ids=${ana.user.id}`, { token: ben.token });
    assert.equal(rest.json.items[0].status, 'online', 'node A knows Ana is connected to node B');
    wa2.close();
    await wb.next((m) => m.type === 'presence' && statusIn(m, ana.user.id) === 'offline', 5000);
    await closeAll(wb);
  });

  it('a client that reconnects to the other node resumes with nothing lost and nothing twice', async () => {
    const wa = await open(nodeA, ana);
    let wb = await open(nodeB, ben);
    send(wa, { type: 'message.send', id: 'k0', conversation_id: cid, text: 'before the cut', client_id: 'mk0' });
    const seen = await wb.next((m) => m.type === 'message.new' && m.message.text === 'before the cut');
    const cursor = seen.change_seq;
    wb.close();
    const missed = [];
    for (let i = 1; i <= 5; i++) {
      send(wa, { type: 'message.send', id: `k${i}`, conversation_id: cid, text: `missed ${i}`, client_id: `mk${i}` });
      missed.push((await wa.next((m) => m.type === 'message.ack' && m.id === `k${i}`)).message);
    }
    // Ben comes back through the load balancer, this time to node A.
    wb = await open(nodeA, ben);
    // The protocol's rule 1: events before the replay marker are covered by the replay (the
    // last missed message can still be on its way over the bus when Ben's new socket opens),
    // so only what follows the marker counts. This listener runs after live()'s own, so the
    // inbox then holds exactly what came before the marker.
    let markerAt = -1;
    wb.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (markerAt < 0 && m.type === 'sync.replay' && m.conversation_id === cid) markerAt = wb.inbox.length;
    });
    send(wb, { type: 'sync', id: 's1', cursors: { [cid]: cursor } });
    const marker = await wb.next((m) => m.type === 'sync.replay' && m.conversation_id === cid);
    assert.equal(marker.from, cursor);
    assert.equal(marker.complete, true);
    await wb.next((m) => m.type === 'sync.done' && m.id === 's1');
    // A live one from a writer on node B after the replay.
    const wd = await open(nodeB, dan);
    send(wd, { type: 'message.send', id: 'k6', conversation_id: cid, text: 'live after resume', client_id: 'mk6' });
    await wb.next((m) => m.type === 'message.new' && m.message.text === 'live after resume');
    await settle(300);
    assert.ok(markerAt >= 0);
    const events = wb.inbox.slice(markerAt).filter((m) => m.type === 'message.new' || m.type === 'message.updated');
    const texts = events.map((m) => m.message.text);
    assert.deepEqual(texts, missed.map((m) => m.text), 'each missed message once, in order');
    const seqs = events.map((m) => m.change_seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.ok(seqs.every((s) => s > cursor));
    await closeAll(wa, wb, wd);
  });

  it('a member removed on node A gets nothing further on node B', async () => {
    const wa = await open(nodeA, ana);
    const wb = await open(nodeB, ben);
    const wc = await open(nodeB, cleo);
    send(wa, { type: 'message.send', id: 'c1', conversation_id: cid, text: 'still here, Cleo?', client_id: 'mc1' });
    await wc.next((m) => m.type === 'message.new' && m.message.text === 'still here, Cleo?');
    const removed = await api(nodeA, 'DELETE', `/api/v1/conversations/${cid}/members/${cleo.user.id}`, { token: ana.token });
    assert.equal(removed.status, 204, removed.text);
    // The removal itself crosses to node B at once: Cleo is told, Ben sees the member list change.
    const gone = await wc.next((m) => m.type === 'conversation.removed' && m.conversation_id === cid);
    assert.equal(gone.by, ana.user.id);
    const members = await wb.next((m) => m.type === 'conversation.members' && m.conversation_id === cid);
    assert.deepEqual(members.removed, [cleo.user.id]);
    send(wa, { type: 'message.send', id: 'c2', conversation_id: cid, text: 'after the removal', client_id: 'mc2' });
    await wb.next((m) => m.type === 'message.new' && m.message.text === 'after the removal');
    await settle(500);
    const leaked = wc.inbox.filter((m) => m.conversation_id === cid && m.type !== 'hello');
    assert.deepEqual(leaked.map((m) => m.type), [], 'the removed member received events after the removal');
    // Added back on node A: told on node B at once (issue 15, defect 4), before anyone posts.
    const back = await api(nodeA, 'PUT', `/api/v1/conversations/${cid}/members/${cleo.user.id}`, { token: ana.token });
    assert.ok(back.status < 300, back.text);
    const added = await wc.next((m) => m.type === 'conversation.added' && m.conversation_id === cid);
    assert.equal(added.by, ana.user.id);
    for (const ws of [wa, wb, wc]) ws.close();
  });

  it('a rename and a retention purge on one node reach members connected to the other', async () => {
    const g = await api(nodeA, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Renamed across', member_ids: [ben.user.id] } });
    assert.equal(g.status, 201, g.text);
    const posted = await api(nodeA, 'POST', `/api/v1/conversations/${g.json.id}/messages`, { token: ana.token, body: { text: 'soon gone', client_id: 'mn-purge' } });
    assert.equal(posted.status, 201, posted.text);
    const wb = await open(nodeB, ben);
    const renamed = await api(nodeA, 'PATCH', `/api/v1/conversations/${g.json.id}`, { token: ana.token, body: { topic: 'Crossing nodes' } });
    assert.equal(renamed.status, 200, renamed.text);
    const updated = await wb.next((m) => m.type === 'conversation.updated' && m.conversation_id === g.json.id);
    assert.equal(updated.conversation.topic, 'Crossing nodes');
    assert.equal((await api(nodeA, 'PUT', `/api/v1/admin/retention/policies/conversation:${g.json.id}`, { token: admin, body: { keep_days: 1 } })).status, 200);
    const run = await api(nodeA, 'POST', '/api/v1/admin/retention/run', { token: admin, body: { as_of: Date.now() + 2 * 86_400_000 } });
    assert.equal(run.status, 200, run.text);
    const purged = await wb.next((m) => m.type === 'messages.purged' && m.conversation_id === g.json.id);
    assert.deepEqual(purged.message_ids, [posted.json.id]);
  });

  it("signing out on node A closes that session's socket on node B", async () => {
    const wd = await open(nodeB, dan);
    const closed = new Promise((r) => wd.once('close', (code, reason) => r({ code, reason: reason.toString() })));
    const out = await api(nodeA, 'POST', '/api/v1/auth/logout', { token: dan.token });
    assert.equal(out.status, 204, out.text);
    const { code, reason } = await closed;
    assert.equal(code, 1008);
    assert.equal(reason, 'signed out');
  });
});
