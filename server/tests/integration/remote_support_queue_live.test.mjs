// The remote support queue, live (issue 13): a customer reads back their own waiting
// request (another customer's answers 404); the queue's changes reach the agents and the
// one customer over /ws, never another customer or an employee; a request waiting too long
// is flagged once (once across two nodes on one PostgreSQL), then expires. The agent's list
// of sessions hears each session's consent and pause live, in every tab.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser, freshPostgresDatabase } from './lib/server.mjs';
import { connected, eventually } from './lib/live.mjs';

const RS = '/api/v1/remote-support';

async function people(server) {
  const admin = await login(server, server.adminEmail, server.adminPassword);
  const ada = await createUser(server, admin, { email: 'ada.rsq@example.test', display_name: 'Ada Agent', kind: 'agent' });
  const emma = await createUser(server, admin, { email: 'emma.rsq@example.test', display_name: 'Emma' });
  const carl = await createUser(server, admin, { email: 'carl.rsq@example.test', display_name: 'Carl', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
  const dora = await createUser(server, admin, { email: 'dora.rsq@example.test', display_name: 'Dora', kind: 'customer', country: 'AT', time_zone: 'Europe/Vienna' });
  return { admin, ada, emma, carl, dora };
}

async function ask(server, who, topic = '') {
  const r = await api(server, 'POST', `${RS}/requests`, { token: who.token, body: { topic } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

describe('remote support: reading back a waiting request', () => {
  let server, p;
  before(async () => {
    server = await startServer({ webRoot: false });
    p = await people(server);
  });
  after(async () => server?.stop());

  it('the customer reads their own waiting request; another customer gets 404', async () => {
    const none = await api(server, 'GET', `${RS}/requests/mine`, { token: p.carl.token });
    assert.equal(none.status, 200, none.text);
    assert.equal(none.json.request, null);

    const q = await ask(server, p.carl, 'My invoice');
    const mine = await api(server, 'GET', `${RS}/requests/mine`, { token: p.carl.token });
    assert.equal(mine.json.request.id, q.id);
    assert.equal(mine.json.request.status, 'waiting');
    assert.equal(mine.json.request.topic, 'My invoice');
    assert.ok(mine.json.request.waiting_ms >= 0);
    const one = await api(server, 'GET', `${RS}/requests/${q.id}`, { token: p.carl.token });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json.customer.id, p.carl.user.id);

    // Dora sees nothing of Carl's: her own is none, his id is not found; an employee likewise.
    assert.equal((await api(server, 'GET', `${RS}/requests/mine`, { token: p.dora.token })).json.request, null);
    assert.equal((await api(server, 'GET', `${RS}/requests/${q.id}`, { token: p.dora.token })).status, 404);
    assert.equal((await api(server, 'GET', `${RS}/requests/${q.id}`, { token: p.emma.token })).status, 404);
    assert.equal((await api(server, 'GET', `${RS}/requests/999999`, { token: p.carl.token })).status, 404);
    assert.equal((await api(server, 'GET', `${RS}/requests/x`, { token: p.carl.token })).status, 404);
    assert.equal((await api(server, 'GET', `${RS}/requests/mine`, { token: p.ada.token })).status, 403, 'staff have no requests of their own');
    assert.equal((await api(server, 'GET', `${RS}/requests/mine`)).status, 401);
    // The agents working the queue read it.
    assert.equal((await api(server, 'GET', `${RS}/requests/${q.id}`, { token: p.ada.token })).json.topic, 'My invoice');

    // Asking twice is still refused, and once withdrawn nothing waits any more.
    assert.equal((await api(server, 'POST', `${RS}/requests`, { token: p.carl.token, body: {} })).status, 409);
    assert.equal((await api(server, 'DELETE', `${RS}/requests/${q.id}`, { token: p.carl.token })).status, 204);
    assert.equal((await api(server, 'GET', `${RS}/requests/mine`, { token: p.carl.token })).json.request, null);
    assert.equal((await api(server, 'GET', `${RS}/requests/${q.id}`, { token: p.carl.token })).json.status, 'withdrawn');
  });
});

const isQueueEvent = (m) => typeof m.type === 'string' && m.type.startsWith('remote_support.request_');
const about = (type, id) => (m) => m.type === `remote_support.request_${type}` && m.request?.id === id;

describe('remote support: the queue over /ws', () => {
  let server, p;
  const sockets = [];
  before(async () => {
    server = await startServer({ webRoot: false });
    p = await people(server);
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await server?.stop();
  });

  it('created, taken and cancelled reach the agents and that one customer only', async () => {
    const ada = await connected(server, p.ada.token, sockets);
    const admin = await connected(server, p.admin, sockets);
    const carl = await connected(server, p.carl.token, sockets);
    const dora = await connected(server, p.dora.token, sockets);
    const emma = await connected(server, p.emma.token, sockets);

    const c1 = await ask(server, p.carl, 'Invoice');
    for (const ws of [ada, admin, carl]) {
      const e = await ws.next(about('created', c1.id));
      assert.equal(e.request.status, 'waiting');
      assert.equal(e.request.customer.name, 'Carl');
      assert.equal(e.request.topic, 'Invoice');
    }
    const d1 = await ask(server, p.dora, 'Printer');
    for (const ws of [ada, admin, dora]) await ws.next(about('created', d1.id));

    // Dora is taken by Ada: the agents and Dora hear it, with the session to join.
    const accepted = await api(server, 'POST', `${RS}/requests/${d1.id}/accept`, { token: p.ada.token });
    assert.equal(accepted.status, 201, accepted.text);
    for (const ws of [ada, admin, dora]) {
      const e = await ws.next(about('taken', d1.id));
      assert.equal(e.request.status, 'accepted');
      assert.equal(e.request.session_id, accepted.json.id);
      assert.equal(e.request.accepted_by.id, p.ada.user.id);
    }
    // Carl withdraws: the agents and Carl hear it.
    assert.equal((await api(server, 'DELETE', `${RS}/requests/${c1.id}`, { token: p.carl.token })).status, 204);
    for (const ws of [ada, admin, carl]) assert.equal((await ws.next(about('cancelled', c1.id))).request.status, 'withdrawn');

    // A refused change sends nothing: a second withdrawal, Dora's withdrawal of a taken request.
    assert.equal((await api(server, 'DELETE', `${RS}/requests/${c1.id}`, { token: p.carl.token })).status, 409);
    assert.equal((await api(server, 'DELETE', `${RS}/requests/${d1.id}`, { token: p.carl.token })).status, 404);

    // One more of each customer's own as the last event on each socket: everything sent
    // before it has arrived, so what is missing was never sent.
    const c2 = await ask(server, p.carl);
    const d2 = await ask(server, p.dora);
    await carl.next(about('created', c2.id));
    await dora.next(about('created', d2.id));
    await ada.next(about('created', d2.id));
    await admin.next(about('created', d2.id));
    const others = (ws, customerId) => ws.inbox.filter((m) => isQueueEvent(m) && m.request.customer.id !== customerId);
    assert.deepEqual(others(carl, p.carl.user.id), [], 'Carl got another customer\'s event');
    assert.deepEqual(others(dora, p.dora.user.id), [], 'Dora got another customer\'s event');
    assert.deepEqual(carl.inbox.filter(isQueueEvent), [], 'Carl got an event twice');
    assert.deepEqual(emma.inbox.filter(isQueueEvent), [], 'an employee who is not an agent got a queue event');
    assert.equal(ada.inbox.filter(isQueueEvent).length, 1, 'Ada: only Carl\'s second request is left unread');
  });
});

describe('remote support: a request waiting too long', () => {
  let server, p;
  const sockets = [];
  before(async () => {
    server = await startServer({
      webRoot: false,
      env: {
        MERIDIAN_REMOTE_SUPPORT_WAITING_ALERT_SECONDS: '1',
        MERIDIAN_REMOTE_SUPPORT_REQUEST_TTL_SECONDS: '3',
        MERIDIAN_REMOTE_SUPPORT_QUEUE_CHECK_MS: '100',
      },
    });
    p = await people(server);
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await server?.stop();
  });

  it('is flagged to the agents once, then expires and its customer is told', async () => {
    const ada = await connected(server, p.ada.token, sockets);
    const carl = await connected(server, p.carl.token, sockets);
    const q = await ask(server, p.carl, 'Still waiting');
    const overdue = await ada.next(about('overdue', q.id), 15_000);
    assert.equal(overdue.request.status, 'waiting');
    assert.ok(overdue.request.overdue_at >= q.created_at + 1000);
    // A reloaded agents' page sees the flag too.
    const queue = await api(server, 'GET', `${RS}/requests`, { token: p.ada.token });
    assert.equal(queue.json.items.find((i) => i.id === q.id).overdue_at, overdue.request.overdue_at);

    const expired = await carl.next(about('expired', q.id), 15_000);
    assert.equal(expired.request.status, 'expired');
    await ada.next(about('expired', q.id), 5000);
    assert.equal(ada.inbox.filter(about('overdue', q.id)).length, 0, 'flagged more than once');
    assert.equal((await api(server, 'GET', `${RS}/requests/mine`, { token: p.carl.token })).json.request, null);
    assert.deepEqual((await api(server, 'GET', `${RS}/requests`, { token: p.ada.token })).json.items, []);
    assert.equal((await api(server, 'POST', `${RS}/requests/${q.id}/accept`, { token: p.ada.token })).status, 409);
    assert.equal(server.lines.filter((l) => l.event === 'remote_support.request_overdue' && l.request_id === q.id).length, 1);
  });
});

// Two processes on one PostgreSQL both check the queue every 100 ms: the store's conditional
// updates let exactly one of them flag (and expire) each request.
const pg = process.env.MERIDIAN_TEST_DATABASE_URL;
describe('remote support: waiting too long on two nodes', { skip: !pg ? 'needs MERIDIAN_TEST_DATABASE_URL' : false }, () => {
  let a, b;
  before(async () => {
    const env = {
      MERIDIAN_DATABASE_URL: await freshPostgresDatabase(pg),
      MERIDIAN_REMOTE_SUPPORT_WAITING_ALERT_SECONDS: '1',
      MERIDIAN_REMOTE_SUPPORT_REQUEST_TTL_SECONDS: '2',
      MERIDIAN_REMOTE_SUPPORT_QUEUE_CHECK_MS: '100',
    };
    a = await startServer({ webRoot: false, env });
    b = await startServer({ webRoot: false, env });
  });
  after(async () => {
    await Promise.all([a, b].map((n) => n?.stop()));
  });

  it('each request is flagged once and expires once, whichever node does it', async () => {
    const admin = await login(a, a.adminEmail, a.adminPassword);
    const ids = [];
    for (const name of ['eve', 'finn', 'gil', 'hal']) {
      const c = await createUser(a, admin, { email: `${name}.rsq2@example.test`, display_name: name, kind: 'customer', country: 'PT' });
      ids.push((await ask(a, c)).id);
    }
    const logged = (event, id) => [a, b].reduce((n, node) => n + node.lines.filter((l) => l.event === event && l.request_id === id).length, 0);
    await eventually(() => ids.every((id) => logged('remote_support.request_expired', id) === 1), { ms: 20_000, what: 'every request expired' });
    for (const id of ids) {
      assert.equal(logged('remote_support.request_overdue', id), 1, `request ${id} flagged ${logged('remote_support.request_overdue', id)} times`);
      assert.equal(logged('remote_support.request_expired', id), 1);
    }
  });
});

describe('remote support: the consent state in the agent\'s list, live', () => {
  let server, p;
  const sockets = [];
  before(async () => {
    server = await startServer({ webRoot: false });
    p = await people(server);
    p.abe = await createUser(server, p.admin, { email: 'abe.rsq@example.test', display_name: 'Abe Agent', kind: 'agent' });
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await server?.stop();
  });

  it('every tab of the session\'s agent hears which steps are granted and paused; nobody else', async () => {
    let n = 0;
    const req = (ws, msg) => ws.request({ id: `c${++n}`, ...msg });
    const started = await api(server, 'POST', `${RS}/sessions`, { token: p.ada.token, body: {} });
    assert.equal(started.status, 201, started.text);
    const id = started.json.id;
    const pass = await api(server, 'POST', `${RS}/redeem`, { body: { code: started.json.code, name: 'Walter' } });
    assert.equal(pass.status, 200, pass.text);
    const agentSide = await connected(server, p.ada.token, sockets);
    const agentList = await connected(server, p.ada.token, sockets); // another tab, on the list
    const abe = await connected(server, p.abe.token, sockets);
    const carl = await connected(server, p.carl.token, sockets);
    const customer = await connected(server, pass.json.token, sockets);
    await req(agentSide, { type: 'remote_support.join', session_id: id });
    await req(customer, { type: 'remote_support.join', session_id: id });
    const updated = (check) => (m) => m.type === 'remote_support.session_updated' && m.session_id === id && check(m.session);

    for (const step of ['chat', 'view']) {
      await req(agentSide, { type: 'remote_support.ask', session_id: id, step });
      assert.equal((await req(customer, { type: 'remote_support.answer', session_id: id, step, grant: true })).type, 'remote_support.ack');
    }
    const granted = await agentList.next(updated((s) => s.consent.view === 'granted'));
    assert.equal(granted.session.consent.chat, 'granted');
    assert.equal(granted.session.status, 'active');
    assert.equal(granted.session.paused, false);

    await req(customer, { type: 'remote_support.pause', session_id: id });
    assert.equal((await agentList.next(updated((s) => s.paused))).session.consent.view, 'granted');
    await req(customer, { type: 'remote_support.revoke', session_id: id, step: 'view' });
    await agentList.next(updated((s) => s.consent.view === 'revoked'));
    assert.equal((await api(server, 'POST', `${RS}/sessions/${id}/end`, { token: p.ada.token })).status, 200);
    await agentList.next(updated((s) => s.status === 'ended'));

    const heard = (ws) => ws.inbox.filter((m) => m.type === 'remote_support.session_updated');
    assert.deepEqual(heard(abe), [], 'another agent heard of the session');
    assert.deepEqual(heard(carl), [], 'a customer account heard of the session');
    assert.deepEqual(heard(customer), [], 'the customer\'s token got the agent\'s view');
  });
});
