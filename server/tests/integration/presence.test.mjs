// Presence against the real server: aggregation over tabs, idle and dnd, coalesced
// `presence` batches delivered only to sockets that subscribed (`presence.subscribe`), and
// who may see whom (a customer never gets an employee's presence, even when subscribing).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { eventually, live } from './lib/live.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The status of `userId` in a presence batch, or undefined if the batch does not name them. */
const statusIn = (batch, userId) => batch.users.find((u) => u.user_id === userId)?.status;
const about = (userId, status) => (m) => m.type === 'presence' && statusIn(m, userId) === status;

describe('presence', () => {
  let server, admin, ana, ben, gus, carl;
  const sockets = [];
  const open = async (who) => {
    const ws = live(server, who.token);
    sockets.push(ws);
    await ws.opened;
    await ws.next((m) => m.type === 'hello');
    return ws;
  };
  /** Waits until the server has dropped every socket of these people (REST reports them offline). */
  const offline = (...who) => eventually(async () => {
    const r = await api(server, 'GET', `/api/v1/presence?user_ids=${who.map((w) => w.user.id).join(',')}`, { token: ben.token });
    return r.json.items.length === who.length && r.json.items.every((i) => i.status === 'offline');
  }, { what: `${who.map((w) => w.user.display_name).join(', ')} offline` });
  let nextId = 0;
  /** presence.subscribe; resolves with the `presence.subscribed` answer. */
  const follow = async (ws, userIds) => {
    const id = `s${++nextId}`;
    ws.send(JSON.stringify({ type: 'presence.subscribe', id, user_ids: userIds }));
    return ws.next((m) => m.id === id);
  };
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.presence@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.presence@example.test', display_name: 'Ben' });
    gus = await createUser(server, admin, { email: 'gus.presence@example.test', display_name: 'Gus', kind: 'guest' });
    carl = await createUser(server, admin, { email: 'carl.presence@example.test', display_name: 'Carl', kind: 'customer' });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
  });

  it('shows staff to staff, aggregated over tabs: online, away when every tab is idle, dnd, offline', async () => {
    const ben1 = await open(ben);
    const before = await follow(ben1, [ana.user.id]);
    assert.equal(before.type, 'presence.subscribed');
    assert.deepEqual(before.users.map((u) => [u.user_id, u.status]), [[ana.user.id, 'offline']]);
    const ana1 = await open(ana);
    await ben1.next(about(ana.user.id, 'online'));
    const ana2 = await open(ana);
    ana1.send(JSON.stringify({ type: 'presence.set', id: 'p1', idle: true }));
    const ack = await ana1.next((m) => m.type === 'presence.ack' && m.id === 'p1');
    assert.equal(ack.presence.status, 'online', 'the second tab is still active');
    ana2.send(JSON.stringify({ type: 'presence.set', id: 'p2', idle: true }));
    await ben1.next(about(ana.user.id, 'away'));
    ana2.send(JSON.stringify({ type: 'presence.set', id: 'p3', mode: 'dnd', status_text: 'Workshop until 3' }));
    const dnd = await ben1.next(about(ana.user.id, 'dnd'));
    assert.equal(dnd.users.find((u) => u.user_id === ana.user.id).status_text, 'Workshop until 3');

    const rest = await api(server, 'GET', `/api/v1/presence?user_ids=${ana.user.id},${ben.user.id}`, { token: ben.token });
    assert.equal(rest.status, 200, rest.text);
    assert.deepEqual(rest.json.items.map((i) => [i.user_id, i.status]), [[ana.user.id, 'dnd'], [ben.user.id, 'online']]);

    // Mode and text outlive the connections (in memory): clear them for the next tests.
    ana2.send(JSON.stringify({ type: 'presence.set', id: 'p4', mode: 'auto', status_text: '' }));
    await ana2.next((m) => m.id === 'p4');
    ana1.close();
    ana2.close();
    await ben1.next(about(ana.user.id, 'offline'));
    ben1.close();
    await offline(ana, ben);
  });

  it('coalesces: many changes within one flush window reach a viewer as one batch', async () => {
    const watcher = await open(ben);
    await follow(watcher, [ana.user.id]);
    const ana1 = await open(ana);
    for (let i = 0; i < 10; i++) ana1.send(JSON.stringify({ type: 'presence.set', idle: i % 2 === 0 }));
    ana1.send(JSON.stringify({ type: 'presence.set', id: 'last', idle: false }));
    await ana1.next((m) => m.id === 'last');
    await sleep(900);
    const batches = watcher.inbox.filter((m) => m.type === 'presence' && statusIn(m, ana.user.id) !== undefined);
    assert.ok(batches.length <= 3, `at most a few batches for 11 changes, got ${batches.length}`);
    for (const b of batches) assert.equal(b.users.filter((u) => u.user_id === ana.user.id).length, 1);
    ana1.close();
    watcher.close();
    await offline(ana, ben);
  });

  it('a customer receives no employee presence and cannot read it over REST', async () => {
    const customer = await open(carl);
    const asked = await follow(customer, [ana.user.id, carl.user.id]);
    assert.deepEqual(asked.users.map((u) => u.user_id), [carl.user.id], 'subscribing to Ana is no error and yields nothing');
    const employee = await open(ana);
    const self = await follow(employee, [ana.user.id]);
    assert.deepEqual(self.users.map((u) => [u.user_id, u.status]), [[ana.user.id, 'online']]);
    employee.send(JSON.stringify({ type: 'presence.set', id: 'd', mode: 'dnd' }));
    await employee.next((m) => m.type === 'presence.ack');
    await sleep(900);
    const leaked = customer.inbox.filter((m) => m.type === 'presence' && statusIn(m, ana.user.id) !== undefined);
    assert.deepEqual(leaked, [], 'the customer got nothing about Ana');
    await employee.next(about(ana.user.id, 'dnd')); // her own presence reaches her: she follows herself
    const rest = await api(server, 'GET', `/api/v1/presence?user_ids=${ana.user.id},${carl.user.id}`, { token: carl.token });
    assert.equal(rest.status, 200);
    assert.deepEqual(rest.json.items.map((i) => i.user_id), [carl.user.id], 'only themselves');
    // Ana (staff) does not see a customer she shares no conversation with either.
    const back = await api(server, 'GET', `/api/v1/presence?user_ids=${carl.user.id}`, { token: ana.token });
    assert.deepEqual(back.json.items, []);
    employee.send(JSON.stringify({ type: 'presence.set', id: 'a', mode: 'auto' }));
    await employee.next((m) => m.id === 'a');
    customer.close();
    employee.close();
    await offline(ana);
  });

  it('a socket that subscribed to nobody receives no presence at all', async () => {
    const quiet = await open(ben);
    const ana1 = await open(ana);
    ana1.send(JSON.stringify({ type: 'presence.set', id: 'q', idle: true }));
    await ana1.next((m) => m.id === 'q');
    await sleep(900);
    assert.deepEqual(quiet.inbox.filter((m) => m.type === 'presence'), []);
    // Subscribing to nobody (an empty list) is how a socket stops following.
    await follow(quiet, [ana.user.id]);
    await follow(quiet, []);
    ana1.send(JSON.stringify({ type: 'presence.set', id: 'q2', idle: false }));
    await ana1.next((m) => m.id === 'q2');
    await sleep(900);
    assert.deepEqual(quiet.inbox.filter((m) => m.type === 'presence'), []);
    ana1.close();
    quiet.close();
    await offline(ana, ben);
  });

  it('a guest sees only members of their conversations, from the moment they are added', async () => {
    const guest = await open(gus);
    const early = await follow(guest, [ben.user.id]);
    assert.deepEqual(early.users, [], 'not visible yet');
    const employee = await open(ben);
    await sleep(700);
    assert.equal(guest.inbox.filter((m) => m.type === 'presence' && statusIn(m, ben.user.id)).length, 0);
    const group = await api(server, 'POST', '/api/v1/conversations', {
      token: ben.token, body: { kind: 'group', name: 'Guests welcome', member_ids: [gus.user.id] },
    });
    assert.equal(group.status, 201, group.text);
    employee.send(JSON.stringify({ type: 'presence.set', id: 'i', idle: true }));
    await guest.next(about(ben.user.id, 'away'));
    const rest = await api(server, 'GET', `/api/v1/presence?user_ids=${ben.user.id},${ana.user.id}`, { token: gus.token });
    assert.deepEqual(rest.json.items.map((i) => i.user_id), [ben.user.id]);
    guest.close();
    employee.close();
  });

  it('refuses bad input precisely and stays up', async () => {
    const ws = await open(ana);
    for (const [body, pattern] of [
      [{ mode: 'sleeping' }, /mode must be/],
      [{}, /needs mode, status_text or idle/],
      [{ idle: 'yes' }, /idle/],
      [{ status_text: 'x'.repeat(101) }, /longer than 100/],
    ]) {
      ws.send(JSON.stringify({ type: 'presence.set', id: 'bad', ...body }));
      const err = await ws.next((m) => m.type === 'error' && m.id === 'bad');
      assert.equal(err.error.code, 'invalid_argument');
      assert.match(err.error.message, pattern);
    }
    for (const [body, pattern] of [
      [{}, /user_ids must be an array/],
      [{ user_ids: 'all' }, /user_ids must be an array/],
      [{ user_ids: [1, -2] }, /positive integers/],
      [{ user_ids: [1, 'x'] }, /positive integers/],
      [{ user_ids: Array.from({ length: 501 }, (_, i) => i + 1) }, /at most 500 user_ids per presence.subscribe/],
    ]) {
      ws.send(JSON.stringify({ type: 'presence.subscribe', id: 'bad', ...body }));
      const err = await ws.next((m) => m.type === 'error' && m.id === 'bad');
      assert.equal(err.error.code, 'invalid_argument');
      assert.match(err.error.message, pattern);
    }
    const fine = await follow(ws, Array.from({ length: 500 }, (_, i) => i + 1));
    assert.equal(fine.type, 'presence.subscribed', 'exactly 500 is accepted');
    for (const q of ['', '?user_ids=', '?user_ids=abc', '?user_ids=1,', '?user_ids=0', `?user_ids=${Array.from({ length: 201 }, (_, i) => i + 1).join(',')}`]) {
      const r = await api(server, 'GET', `/api/v1/presence${q}`, { token: ana.token });
      assert.equal(r.status, 400, q);
    }
    const anon = await api(server, 'GET', `/api/v1/presence?user_ids=1`);
    assert.equal(anon.status, 401);
    ws.close();
  });
});
