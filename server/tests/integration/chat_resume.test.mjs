// Reconnect and resume: several real WebSocket clients are cut at random points while
// others post, edit, delete, react and reply in threads, rename the conversations, change
// members' roles, and the retention job purges old messages, all concurrently; each client
// resumes with `sync` and must end with exactly the stored state (messages, name, roles),
// having applied every change at most once and in change_seq order.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, api, login, createUser } from './lib/server.mjs';

const CHANGE_EVENTS = new Set(['message.new', 'message.updated', 'reaction.updated', 'messages.purged', 'conversation.updated']);
const DAY = 86_400_000;

// A client that keeps, per conversation, the highest change_seq applied and the messages.
class ResumingClient {
  constructor(server, token, conversations, rng) {
    Object.assign(this, { server, token, rng });
    this.cursor = Object.fromEntries(conversations.map((c) => [c, 0]));
    this.messages = Object.fromEntries(conversations.map((c) => [c, new Map()]));
    this.applied = Object.fromEntries(conversations.map((c) => [c, []]));
    this.names = {};
    this.roles = Object.fromEntries(conversations.map((c) => [c, {}]));
    this.purges = 0;
    this.violations = [];
    this.connections = 0;
    this.stopped = false;
  }

  connect() {
    const ws = new WebSocket(`ws://127.0.0.1:${this.server.port}/ws`, ['meridian.v1', `bearer.${this.token}`]);
    this.ws = ws;
    this.connections += 1;
    // Per connection: which conversations have had their replay marker, and for a
    // partial replay, up to where the replayed items go.
    // outstanding: syncs sent on this connection whose sync.done has not come yet.
    const state = { synced: {}, partialTo: {}, outstanding: 0 };
    ws.on('open', () => this.sync(ws, state, `s${this.connections}`, this.cursor));
    ws.on('message', (data) => this.onMessage(ws, state, JSON.parse(data.toString())));
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.on('close', resolve));
    return ws;
  }

  onMessage(ws, state, msg) {
    if (msg.type === 'sync.done') {
      this.lastDone = msg;
      // A partial replay sends the next sync before this one's sync.done arrives, so
      // nothing outstanding means every replay round of this connection is over.
      if (--state.outstanding === 0) this.onDone?.();
      return;
    }
    if (msg.type === 'error') { this.violations.push(`error ${JSON.stringify(msg)}`); return; }
    if (msg.type === 'sync.replay') {
      const c = msg.conversation_id;
      if (msg.error) { this.violations.push(`replay error ${JSON.stringify(msg)}`); return; }
      if (msg.from !== this.cursor[c]) this.violations.push(`replay from ${msg.from}, cursor ${this.cursor[c]}`);
      state.synced[c] = true;
      state.partialTo[c] = msg.complete ? null : msg.to;
      if (!msg.complete) {
        // The replayed page follows; after it, ask again from its end.
        state.pendingResync = state.pendingResync ?? new Set();
        state.pendingResync.add(c);
        if (msg.to === this.cursor[c]) this.resync(ws, state, c);
      }
      return;
    }
    if (!CHANGE_EVENTS.has(msg.type)) return;
    const c = msg.conversation_id;
    if (!(c in this.cursor)) return;
    if (!state.synced[c]) return;  // before this connection's marker: covered by the replay
    const partialTo = state.partialTo[c];
    if (partialTo != null && msg.change_seq > partialTo) return;  // live events beyond a partial replay
    if (msg.change_seq <= this.cursor[c]) { this.violations.push(`duplicate or old ${c}:${msg.change_seq} at cursor ${this.cursor[c]}`); return; }
    this.cursor[c] = msg.change_seq;
    this.applied[c].push(msg.change_seq);
    if (msg.type === 'messages.purged') {
      for (const id of msg.message_ids) this.messages[c].delete(id);
      this.purges += 1;
    } else if (msg.type === 'conversation.updated') {
      // The conversation's state comes with details changes; a member change names the member.
      if (msg.change === 'member') this.roles[c][msg.member.user_id] = msg.member.role;
      else this.names[c] = msg.conversation.name;
    }
    if (msg.type === 'messages.purged' || msg.type === 'conversation.updated') {
      if (partialTo != null && msg.change_seq === partialTo) this.resync(ws, state, c);
      return;
    }
    const m = msg.message;
    if (m.change_seq !== msg.change_seq) this.violations.push(`message change_seq ${m.change_seq} != event ${msg.change_seq}`);
    this.messages[c].set(m.id, summary(m));
    if (partialTo != null && msg.change_seq === partialTo) this.resync(ws, state, c);
  }

  resync(ws, state, c) {
    state.synced[c] = false;
    state.partialTo[c] = null;
    this.sync(ws, state, `r${c}-${this.cursor[c]}`, { [c]: this.cursor[c] });
  }

  sync(ws, state, id, cursors) {
    state.outstanding += 1;
    ws.send(JSON.stringify({ type: 'sync', id, cursors }));
  }

  // Connects, and cuts the connection at random moments until stop().
  async run() {
    while (!this.stopped) {
      const ws = this.connect();
      const lifetime = 20 + Math.floor(this.rng() * 250);
      await Promise.race([new Promise((r) => setTimeout(r, lifetime)), this.closed]);
      if (this.stopped) break;
      ws.terminate();
      await this.closed;
      await new Promise((r) => setTimeout(r, Math.floor(this.rng() * 60)));
    }
  }

  // Stops for good (a failed run): no reconnects, no open socket.
  abandon() {
    this.stopped = true;
    this.ws?.terminate();
  }

  // A last connection that stays until all its syncs (every round of a partial replay) are
  // done and the stream is quiet.
  async finish() {
    this.stopped = true;
    this.ws?.terminate();
    await this.closed;
    const done = new Promise((resolve) => { this.onDone = resolve; });
    this.connect();
    await done;
    await new Promise((r) => setTimeout(r, 300));
    this.ws.close();
  }
}

function summary(m) {
  return { change_seq: m.change_seq, text: m.text, deleted: m.deleted, reply_count: m.reply_count,
    reactions: m.reactions.map((r) => `${r.emoji}:${r.count}`).join(','), thread_root_id: m.thread_root_id };
}

function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('chat resume', () => {
  let server, admin, people;
  let clients = [];
  before(async () => {
    server = await startServer({ webRoot: false, env: { MERIDIAN_RETENTION_ALLOW_RUN_AS_OF: '1', MERIDIAN_RETENTION_BATCH_SIZE: '5' } });
    admin = await login(server, server.adminEmail, server.adminPassword);
    people = [];
    for (const name of ['ana', 'ben', 'cleo', 'dan', 'eva', 'fay']) {
      people.push(await createUser(server, admin, { email: `${name}@resume.test`, display_name: name }));
    }
  });
  after(async () => {
    for (const c of clients) c.abandon();
    await server?.stop();
  });

  it('clients cut at random points resume with sync and miss nothing, receive nothing twice, in order', async () => {
    const [ana, ben, ...readers] = people;
    const ch = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'channel', name: 'resume', member_ids: people.slice(1).map((p) => p.user.id) } });
    const grp = await api(server, 'POST', '/api/v1/conversations', { token: ben.token, body: { kind: 'group', name: 'resume-2', member_ids: people.filter((p) => p !== ben).map((p) => p.user.id) } });
    const convs = [ch.json.id, grp.json.id];
    const owners = { [convs[0]]: ana, [convs[1]]: ben };
    // Messages older than a day go (the runs below pretend it is later).
    for (const c of convs) {
      const r = await api(server, 'PUT', `/api/v1/admin/retention/policies/conversation:${c}`, { token: admin, body: { keep_days: 1 } });
      assert.equal(r.status, 200, r.text);
    }
    const seed = Number(process.env.RESUME_SEED ?? Date.now() % 100000);
    const rng = mulberry32(seed);
    clients = readers.map((r, i) => new ResumingClient(server, r.token, convs, mulberry32(seed + i + 1)));
    const running = clients.map((c) => c.run());

    // Writers: concurrent posts, edits, deletes, reactions and thread replies in both conversations.
    const posted = { [convs[0]]: [], [convs[1]]: [] };
    let n = 0;
    const op = async (who) => {
      const c = convs[Math.floor(rng() * 2)];
      const mine = posted[c];
      const roll = rng();
      if (roll < 0.45 || mine.length === 0) {
        const r = await api(server, 'POST', `/api/v1/conversations/${c}/messages`, { token: who.token, body: { text: `m${n++}`, client_id: `k${n}-${who.user.id}` } });
        assert.equal(r.status, 201, r.text);
        mine.push({ id: r.json.id, author: who });
      } else if (roll < 0.65) {
        const target = mine[Math.floor(rng() * mine.length)];
        await api(server, 'POST', `/api/v1/conversations/${c}/messages/${target.id}/reactions`, { token: who.token, body: { emoji: rng() < 0.5 ? '👍' : '🎉' } });
      } else if (roll < 0.8) {
        const target = mine[Math.floor(rng() * mine.length)];
        await api(server, 'POST', `/api/v1/conversations/${c}/messages`, { token: who.token, body: { text: `reply ${n++}`, client_id: `t${n}-${who.user.id}`, thread_root_id: target.id } });
      } else if (roll < 0.9) {
        const target = mine[Math.floor(rng() * mine.length)];
        await api(server, 'PATCH', `/api/v1/conversations/${c}/messages/${target.id}`, { token: target.author.token, body: { text: `edited ${n++}` } });
      } else if (roll < 0.93) {
        const r = await api(server, 'PATCH', `/api/v1/conversations/${c}`, { token: owners[c].token, body: { name: `renamed ${n++}` } });
        assert.equal(r.status, 200, r.text);
      } else if (roll < 0.96) {
        const reader = readers[Math.floor(rng() * readers.length)];
        const role = rng() < 0.5 ? 'moderator' : 'member';
        const r = await api(server, 'PATCH', `/api/v1/conversations/${c}/members/${reader.user.id}`, { token: owners[c].token, body: { role } });
        assert.equal(r.status, 200, r.text);
      } else {
        const target = mine[Math.floor(rng() * mine.length)];
        await api(server, 'DELETE', `/api/v1/conversations/${c}/messages/${target.id}`, { token: target.author.token });
      }
    };
    const deadline = Date.now() + 4000;
    // The retention job, as if a day had passed since 1.5 s ago: what was posted before
    // goes, in batches of 5, while the writers go on. It runs until the deadline and until it
    // has purged twice (a slow machine posts less, so the first runs may find nothing old
    // enough); the writers go on for 2 s after its last run, so that what is left to compare
    // does not depend on the machine's speed either.
    let purgingUntil = Infinity;
    const purging = (async () => {
      let runs = 0;
      try {
        for (const hardStop = deadline + 20000; (Date.now() < deadline || runs < 2) && Date.now() < hardStop;) {
          await new Promise((r) => setTimeout(r, 400 + Math.floor(rng() * 400)));
          const r = await api(server, 'POST', '/api/v1/admin/retention/run', { token: admin, body: { as_of: Date.now() - 1500 + DAY } });
          assert.equal(r.status, 200, r.text);
          runs += r.json.messages_deleted > 0 ? 1 : 0;
        }
      } finally {
        purgingUntil = Date.now();
      }
      return runs;
    })();
    await Promise.all([ana, ben].map(async (who) => {
      while (Date.now() < deadline || Date.now() < purgingUntil + 2000) {
        await Promise.all([op(who), op(who), op(who)]);  // three in flight per writer
      }
    }));
    assert.ok((await purging) >= 2, 'the retention job purged during the run');
    for (const c of clients) await c.finish();
    console.log(`seed ${seed}: connections ${clients.map((c) => c.connections)}, applied ${clients.map((c) => convs.map((x) => c.applied[x].length).join("+"))}, purges seen ${clients.map((c) => c.purges)}`);
    await Promise.all(running);

    // What storage holds: every message in its latest state.
    for (const c of convs) {
      const stored = new Map();
      let after = 0;
      let purgedEvents = 0;
      for (;;) {
        const page = await api(server, 'GET', `/api/v1/conversations/${c}/changes?after=${after}&limit=200`, { token: ana.token });
        for (const m of page.json.items) stored.set(m.id, summary(m));
        purgedEvents += page.json.events.filter((e) => e.type === 'messages.purged').length;
        assert.ok(page.json.to > after || !page.json.has_more, 'the cursor moves');
        if (!page.json.has_more) break;
        after = page.json.to;
      }
      assert.ok(stored.size > 10, `only ${stored.size} messages`);
      const conversation = (await api(server, 'GET', `/api/v1/conversations/${c}`, { token: ana.token })).json;
      const roles = Object.fromEntries(conversation.members.map((m) => [m.user_id, m.role]));
      for (const [i, client] of clients.entries()) {
        assert.deepEqual(client.violations, [], `client ${i} (seed ${seed})`);
        assert.ok(client.connections >= 3, `client ${i} was cut only ${client.connections - 1} times`);
        const applied = client.applied[c];
        for (let k = 1; k < applied.length; k++) assert.ok(applied[k] > applied[k - 1], `client ${i} order (seed ${seed})`);
        assert.deepEqual(Object.fromEntries(client.messages[c]), Object.fromEntries(stored), `client ${i} state in ${c} (seed ${seed})`);
        if (client.names[c] !== undefined) assert.equal(client.names[c], conversation.name, `client ${i} name of ${c}`);
        for (const [user, role] of Object.entries(client.roles[c])) assert.equal(role, roles[user], `client ${i} role of ${user} in ${c}`);
      }
    }
  });
});
