// Remote support against the real server with real WebSocket clients: the contract of
// sessions, codes and customer tokens; signaling relayed only while the customer's consent
// holds (refused before it and after revocation, by the server); a token of another
// session refused; expired and reused codes refused; guessing locked (429); the
// hash-chained log and its verify and export.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

const RS = '/api/v1/remote-support';
let nextId = 0;
const rid = () => `r${++nextId}`;

async function people(server) {
  const admin = await login(server, server.adminEmail, server.adminPassword);
  const ada = await createUser(server, admin, { email: 'ada.rs@example.test', display_name: 'Ada Agent', kind: 'agent' });
  const abe = await createUser(server, admin, { email: 'abe.rs@example.test', display_name: 'Abe Agent', kind: 'agent' });
  const emma = await createUser(server, admin, { email: 'emma.rs@example.test', display_name: 'Emma' });
  const carl = await createUser(server, admin, { email: 'carl.rs@example.test', display_name: 'Carl', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
  return { admin, ada, abe, emma, carl };
}

async function start(server, agent, body = {}) {
  const r = await api(server, 'POST', `${RS}/sessions`, { token: agent.token, body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function redeem(server, code, extra = {}) {
  const r = await api(server, 'POST', `${RS}/redeem`, { body: { code, name: 'Walter Caller', email: 'walter@example.test', topic: 'printer', country: 'AT', ...extra } });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Sends a request on a socket and answers the reply (an ack or an error) carrying its id.
const ask = (ws, msg) => ws.request({ id: rid(), ...msg });

// A session started by the agent and redeemed, both sides joined on /ws, chat allowed.
async function chatting(server, agentPerson, body = {}) {
  const s = await start(server, agentPerson, body);
  const pass = await redeem(server, s.code);
  const agent = live(server, agentPerson.token);
  const customer = live(server, pass.token);
  await Promise.all([agent.opened, customer.opened]);
  await ask(agent, { type: 'remote_support.join', session_id: s.id });
  await ask(customer, { type: 'remote_support.join', session_id: s.id });
  await ask(agent, { type: 'remote_support.ask', session_id: s.id, step: 'chat' });
  assert.equal((await ask(customer, { type: 'remote_support.answer', session_id: s.id, step: 'chat', grant: true })).type, 'remote_support.ack');
  return { s, pass, agent, customer };
}

describe('remote support', () => {
  let server, p;
  before(async () => {
    server = await startServer({ webRoot: false });
    p = await people(server);
  });
  after(async () => server?.stop());

  it('agents start sessions; customers and other employees are refused', async () => {
    const created = await start(server, p.ada);
    assert.match(created.code, /^[A-HJKMNP-Z2-9]{8}$/);
    assert.ok(created.id > 0);
    assert.ok(created.code_expires_at > Date.now() + 9 * 60_000 && created.code_expires_at <= Date.now() + 10 * 60_000 + 5000);
    for (const who of [p.carl, p.emma]) {
      const r = await api(server, 'POST', `${RS}/sessions`, { token: who.token, body: {} });
      assert.equal(r.status, 403, r.text);
    }
    assert.equal((await api(server, 'POST', `${RS}/sessions`, { body: {} })).status, 401);
    assert.equal((await api(server, 'POST', `${RS}/sessions`, { token: p.ada.token, body: { customer_user_id: p.emma.user.id } })).status, 400);
    assert.equal((await api(server, 'POST', `${RS}/sessions`, { token: p.ada.token, body: { bogus: 1 } })).status, 400);
    const forCarl = await start(server, p.ada, { customer_user_id: p.carl.user.id });
    assert.equal(forCarl.session.customer.country, 'DE');
    // Other agents and employees do not see it; the code never shows up in the server's output.
    assert.equal((await api(server, 'GET', `${RS}/sessions/${forCarl.id}`, { token: p.abe.token })).status, 404);
    assert.equal((await api(server, 'GET', `${RS}/sessions/${forCarl.id}`, { token: p.emma.token })).status, 404);
    assert.equal((await api(server, 'GET', `${RS}/sessions/${forCarl.id}`, { token: p.carl.token })).status, 200);
    assert.equal((await api(server, 'GET', `${RS}/sessions/${forCarl.id}`, { token: p.admin })).status, 200);
    assert.ok(!server.lines.some((l) => JSON.stringify(l).includes(created.code)), 'a code was logged');
  });

  it('a code is redeemed once for a token that works only for its own session', async () => {
    const a = await start(server, p.ada);
    const b = await start(server, p.ada);
    const typed = a.code.toLowerCase().replace(/^(....)/, '$1-');
    const pass = await redeem(server, typed);
    assert.equal(pass.session_id, a.id);
    assert.match(pass.token, /^mrs_/);
    const again = await api(server, 'POST', `${RS}/redeem`, { body: { code: a.code, name: 'Mallory' } });
    assert.equal(again.status, 409, again.text);
    const unknown = await api(server, 'POST', `${RS}/redeem`, { body: { code: 'ZZZZ2222', name: 'Mallory' } });
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal((await api(server, 'POST', `${RS}/redeem`, { body: { code: b.code } })).status, 400, 'a name is required');

    const mine = await api(server, 'GET', `${RS}/sessions/${a.id}`, { token: pass.token });
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.json.customer.name, 'Walter Caller');
    assert.equal(mine.json.customer.email, undefined, 'the customer page is not sent the e-mail back');
    assert.equal(mine.json.agent.name, 'Ada Agent');
    // Outside its scope: every other route, and the other session, answer 401.
    for (const path of ['/api/v1/me', '/api/v1/support/conversations', `${RS}/sessions`, `${RS}/sessions/${b.id}`, `${RS}/sessions/${b.id}/log`]) {
      const r = await api(server, 'GET', path, { token: pass.token });
      assert.equal(r.status, 401, `${path}: ${r.text}`);
    }
    assert.equal((await api(server, 'POST', `${RS}/sessions`, { token: pass.token, body: {} })).status, 401);
    // A token from another session is refused on the socket too.
    const ws = live(server, pass.token);
    await ws.opened;
    const other = await ask(ws, { type: 'remote_support.join', session_id: b.id });
    assert.equal(other.type, 'error');
    assert.equal(other.error.code, 'unauthenticated');
    const chatSend = await ask(ws, { type: 'message.send', conversation_id: 1, text: 'hi', client_id: 'x' });
    assert.equal(chatSend.error.code, 'unauthenticated');
    ws.close();
  });

  it('signaling is relayed only while viewing is allowed, and never after it is revoked', async () => {
    const s = await start(server, p.ada);
    const pass = await redeem(server, s.code);
    const agent = live(server, p.ada.token);
    const customer = live(server, pass.token);
    await Promise.all([agent.opened, customer.opened]);
    const joinedAgent = await ask(agent, { type: 'remote_support.join', session_id: s.id });
    assert.equal(joinedAgent.type, 'remote_support.ack', JSON.stringify(joinedAgent));
    assert.equal(joinedAgent.side, 'agent');
    assert.ok(Array.isArray(joinedAgent.ice_servers));
    const joinedCustomer = await ask(customer, { type: 'remote_support.join', session_id: s.id });
    assert.equal(joinedCustomer.side, 'customer');
    const seen = await agent.next((m) => m.type === 'remote_support.state' && m.customer_connected);
    assert.equal(seen.session.consent.view, 'not_asked');

    // Before consent: refused by the server in both directions.
    const offer = { type: 'offer', sdp: 'v=0 fake' };
    let r = await ask(customer, { type: 'remote_support.signal', session_id: s.id, signal: offer });
    assert.equal(r.type, 'error');
    assert.equal(r.error.code, 'forbidden');
    r = await ask(agent, { type: 'remote_support.signal', session_id: s.id, signal: { type: 'answer', sdp: 'x' } });
    assert.equal(r.error.code, 'forbidden');
    r = await ask(agent, { type: 'remote_support.ask', session_id: s.id, step: 'view' });
    assert.equal(r.error.code, 'conflict', 'viewing is asked only after chat');
    r = await ask(customer, { type: 'remote_support.ask', session_id: s.id, step: 'chat' });
    assert.equal(r.error.code, 'forbidden', 'the customer does not ask');

    // The ladder: chat, then view, each asked and answered.
    for (const step of ['chat', 'view']) {
      assert.equal((await ask(agent, { type: 'remote_support.ask', session_id: s.id, step })).type, 'remote_support.ack');
      const asked = await customer.next((m) => m.type === 'remote_support.state' && m.session.consent[step] === 'asked');
      assert.ok(asked.session.agent_sees);
      r = await ask(agent, { type: 'remote_support.answer', session_id: s.id, step, grant: true });
      assert.equal(r.error.code, 'forbidden', 'the agent cannot answer for the customer');
      assert.equal((await ask(customer, { type: 'remote_support.answer', session_id: s.id, step, grant: true })).type, 'remote_support.ack');
      await agent.next((m) => m.type === 'remote_support.state' && m.session.consent[step] === 'granted');
    }
    r = await ask(customer, { type: 'remote_support.signal', session_id: s.id, signal: offer });
    assert.equal(r.type, 'remote_support.ack', JSON.stringify(r));
    const relayed = await agent.next((m) => m.type === 'remote_support.signal');
    assert.deepEqual(relayed.signal, offer);
    assert.equal(relayed.from, 'customer');
    r = await ask(agent, { type: 'remote_support.signal', session_id: s.id, signal: { type: 'answer', sdp: 'y' } });
    assert.equal(r.type, 'remote_support.ack');
    await customer.next((m) => m.type === 'remote_support.signal' && m.signal.type === 'answer');
    // Annotations need their own consent.
    r = await ask(agent, { type: 'remote_support.annotation', session_id: s.id, annotation: { kind: 'point', x: 0.5, y: 0.5 } });
    assert.equal(r.error.code, 'forbidden');

    // Revoked: the very next signal is refused, either way.
    const revoke = await ask(customer, { type: 'remote_support.revoke', session_id: s.id, step: 'view' });
    assert.deepEqual(revoke.revoked, ['view']);
    r = await ask(customer, { type: 'remote_support.signal', session_id: s.id, signal: { type: 'candidate', candidate: 'c' } });
    assert.equal(r.error.code, 'forbidden');
    r = await ask(agent, { type: 'remote_support.signal', session_id: s.id, signal: { type: 'candidate', candidate: 'c' } });
    assert.equal(r.error.code, 'forbidden');
    const told = await agent.next((m) => m.type === 'remote_support.state' && m.session.consent.view === 'revoked');
    assert.match(told.session.agent_sees, /Nothing of your screen/);
    assert.equal(agent.inbox.filter((m) => m.type === 'remote_support.signal').length, 0, 'a signal slipped through');

    // Either side ends; both get the summary; the token stops working.
    const end = await ask(agent, { type: 'remote_support.end', session_id: s.id });
    assert.equal(end.type, 'remote_support.ack');
    const summary = await customer.next((m) => m.type === 'remote_support.ended');
    assert.deepEqual(summary.summary.steps_granted, ['chat', 'view']);
    assert.equal(summary.summary.ended_by, 'agent');
    await agent.next((m) => m.type === 'remote_support.ended');
    assert.equal((await api(server, 'GET', `${RS}/sessions/${s.id}`, { token: pass.token })).status, 401);

    const log = await api(server, 'GET', `${RS}/sessions/${s.id}/log`, { token: p.ada.token });
    assert.equal(log.status, 200);
    const events = log.json.items.map((i) => i.event);
    assert.deepEqual(events, ['requested', 'code_issued', 'code_redeemed', 'joined', 'joined', 'consent_asked', 'consent_granted', 'consent_asked', 'consent_granted', 'consent_revoked', 'ended']);
    for (let i = 1; i < log.json.items.length; i++) assert.equal(log.json.items[i].prev_hash, log.json.items[i - 1].hash);
    assert.equal(log.json.items[2].address, '127.0.0.1');
    assert.equal(log.json.items[2].country, 'AT');
    assert.deepEqual((await api(server, 'GET', `${RS}/sessions/${s.id}/log/verify`, { token: p.admin })).json.intact, true);
    const csv = await api(server, 'GET', `${RS}/sessions/${s.id}/log/export?format=csv`, { token: p.admin });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /text\/csv/);
    assert.equal(csv.text.trim().split('\r\n').length, events.length + 1);
    assert.equal((await api(server, 'GET', `${RS}/sessions/${s.id}/log/export?format=xml`, { token: p.admin })).status, 400);
    assert.equal((await api(server, 'GET', `${RS}/sessions/${s.id}/log`, { token: p.abe.token })).status, 404);
    assert.equal((await api(server, 'GET', `${RS}/sessions/${s.id}/log/verify`, { token: p.emma.token })).status, 404);
    agent.close();
    customer.close();
  });

  it('annotations pass only under their consent, and stop when viewing is revoked', async () => {
    const s = await start(server, p.ada);
    const pass = await redeem(server, s.code);
    const agent = live(server, p.ada.token);
    const customer = live(server, pass.token);
    await Promise.all([agent.opened, customer.opened]);
    await ask(agent, { type: 'remote_support.join', session_id: s.id });
    await ask(customer, { type: 'remote_support.join', session_id: s.id });
    for (const step of ['chat', 'view', 'annotate']) {
      await ask(agent, { type: 'remote_support.ask', session_id: s.id, step });
      assert.equal((await ask(customer, { type: 'remote_support.answer', session_id: s.id, step, grant: true })).type, 'remote_support.ack');
    }
    const mark = { kind: 'stroke', points: [[0.1, 0.1], [0.2, 0.3]], color: '#e11d48' };
    assert.equal((await ask(agent, { type: 'remote_support.annotation', session_id: s.id, annotation: mark })).type, 'remote_support.ack');
    const got = await customer.next((m) => m.type === 'remote_support.annotation');
    assert.deepEqual(got.annotation, mark);
    assert.equal((await ask(customer, { type: 'remote_support.annotation', session_id: s.id, annotation: mark })).error.code, 'forbidden');
    assert.equal((await ask(agent, { type: 'remote_support.annotated', session_id: s.id, count: 2 })).type, 'remote_support.ack');
    const revoke = await ask(customer, { type: 'remote_support.revoke', session_id: s.id, step: 'view' });
    assert.deepEqual(revoke.revoked, ['view', 'annotate']);
    assert.equal((await ask(agent, { type: 'remote_support.annotation', session_id: s.id, annotation: mark })).error.code, 'forbidden');
    assert.equal((await ask(agent, { type: 'remote_support.annotated', session_id: s.id, count: 1 })).error.code, 'forbidden');
    // Chat is still granted.
    assert.equal((await ask(agent, { type: 'remote_support.chat', session_id: s.id, text: 'Thanks!' })).type, 'remote_support.ack');
    await customer.next((m) => m.type === 'remote_support.chat' && m.text === 'Thanks!');
    const ended = await api(server, 'POST', `${RS}/sessions/${s.id}/end`, { token: pass.token });
    assert.equal(ended.status, 200, ended.text);
    assert.equal(ended.json.summary.annotations, 3);
    assert.equal(ended.json.summary.ended_by, 'customer');
    const log = await api(server, 'GET', `${RS}/sessions/${s.id}/log`, { token: p.admin });
    const counted = log.json.items.filter((i) => i.event === 'annotations');
    assert.deepEqual(counted.map((i) => i.data.count), [3]);
    assert.ok(!JSON.stringify(log.json).includes('#e11d48'), 'drawings are counted, not stored');
    agent.close();
    customer.close();
  });

  it('a customer account joins from its support view without a code, and bad input is refused precisely', async () => {
    const s = await start(server, p.ada, { customer_user_id: p.carl.user.id });
    assert.equal((await api(server, 'POST', `${RS}/sessions/${s.id}/join`, { token: p.emma.token })).status, 404);
    const joined = await api(server, 'POST', `${RS}/sessions/${s.id}/join`, { token: p.carl.token });
    assert.equal(joined.status, 200, joined.text);
    assert.equal((await api(server, 'POST', `${RS}/redeem`, { body: { code: s.code, name: 'Eve' } })).status, 409, 'the code was spent by the join');
    const ws = live(server, joined.json.token);
    await ws.opened;
    for (const [msg, code] of [
      [{ type: 'remote_support.join' }, 'invalid_argument'],
      [{ type: 'remote_support.join', session_id: 'x' }, 'invalid_argument'],
      [{ type: 'remote_support.ask', session_id: s.id, step: 'control' }, 'invalid_argument'],
      [{ type: 'remote_support.signal', session_id: s.id, signal: 'not an object' }, 'invalid_argument'],
      [{ type: 'remote_support.join', session_id: s.id, extra: 1 }, 'invalid_argument'],
    ]) {
      const r = await ask(ws, msg);
      assert.equal(r.error?.code, code, JSON.stringify([msg, r]));
    }
    assert.equal((await ask(ws, { type: 'remote_support.join', session_id: s.id })).side, 'customer');
    ws.close();
    assert.equal((await api(server, 'GET', `${RS}/sessions/${s.id}`, { token: p.carl.token })).status, 200);
  });
});

describe('remote support codes: expiry and guessing', () => {
  let server, p;
  before(async () => {
    server = await startServer({
      webRoot: false,
      env: { MERIDIAN_REMOTE_SUPPORT_CODE_TTL_SECONDS: '1', MERIDIAN_REMOTE_SUPPORT_WRONG_CODES_PER_ADDRESS: '5', MERIDIAN_REMOTE_SUPPORT_WRONG_CODES_PER_CODE: '100' },
    });
    p = await people(server);
  });
  after(async () => server?.stop());

  it('an expired code is refused, and wrong codes from one address end in 429', async () => {
    const s = await start(server, p.ada);
    await new Promise((r) => setTimeout(r, 1100));
    const late = await api(server, 'POST', `${RS}/redeem`, { body: { code: s.code, name: 'Walter' } });
    assert.equal(late.status, 409, late.text);
    assert.match(late.json.error.message, /expired/);
    const fresh = await api(server, 'POST', `${RS}/sessions/${s.id}/code`, { token: p.ada.token });
    assert.equal(fresh.status, 200, fresh.text);
    // Four more wrong codes (the expired one counted as the first); then the address is locked.
    const statuses = [];
    for (const code of ['AAAA2222', 'BBBB3333', 'CCCC4444', 'DDDD5555', 'EEEE6666']) {
      statuses.push((await api(server, 'POST', `${RS}/redeem`, { body: { code, name: 'Eve' } })).status);
    }
    assert.deepEqual(statuses, [404, 404, 404, 404, 429]);
    const locked = await api(server, 'POST', `${RS}/redeem`, { body: { code: fresh.json.code, name: 'Walter' } });
    assert.equal(locked.status, 429, 'even the right code waits while the address is locked');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.equal((await api(server, 'GET', '/healthz')).status, 200, 'the server stays up');
  });
});

// A customer an admin marked sensitive: the agent's request reaches the supervisors live,
// a supervisor approves or refuses with a reason, the agent hears it at once, and the
// server refuses the view step until then (not only the page).
describe('remote support: sensitive customers wait for a supervisor', () => {
  let server, p, adminWs;
  before(async () => {
    server = await startServer({ webRoot: false });
    p = await people(server);
    adminWs = live(server, p.admin);
    await adminWs.opened;
  });
  after(async () => {
    adminWs?.close();
    await server?.stop();
  });

  it('only admins mark a customer sensitive, and agents see the mark on the session', async () => {
    const path = `${RS}/sensitive-customers/${p.carl.user.id}`;
    assert.equal((await api(server, 'PUT', path, { token: p.ada.token, body: { note: 'x' } })).status, 403);
    assert.equal((await api(server, 'PUT', `${RS}/sensitive-customers/${p.emma.user.id}`, { token: p.admin, body: {} })).status, 400);
    assert.equal((await api(server, 'PUT', `${RS}/sensitive-customers/999999`, { token: p.admin, body: {} })).status, 404);
    assert.equal((await api(server, 'PUT', path, { token: p.admin, body: { bogus: 1 } })).status, 400);
    const marked = await api(server, 'PUT', path, { token: p.admin, body: { note: 'tax client' } });
    assert.equal(marked.status, 200, marked.text);
    assert.equal(marked.json.note, 'tax client');
    const list = await api(server, 'GET', `${RS}/sensitive-customers`, { token: p.admin });
    assert.deepEqual(list.json.items.map((c) => c.customer_id), [p.carl.user.id]);
    assert.equal((await api(server, 'GET', `${RS}/sensitive-customers`, { token: p.ada.token })).status, 403);
    const s = await start(server, p.ada, { customer_user_id: p.carl.user.id });
    assert.equal(s.session.customer.sensitive, true);
    assert.equal(s.session.approval.needed, true);
    assert.equal(s.session.approval.status, 'none');
    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=remote_support.customer.mark_sensitive', { token: p.admin });
    assert.equal(audit.status, 200, audit.text);
    assert.equal(audit.json.items.length, 1);
    assert.equal(audit.json.items[0].target, `user:${p.carl.user.id}`);
  });

  const running = () => chatting(server, p.ada, { customer_user_id: p.carl.user.id });

  it('the view step is refused by the server without an approval; a supervisor approves live', async () => {
    const { s, agent, customer } = await running();
    let r = await ask(agent, { type: 'remote_support.ask', session_id: s.id, step: 'view' });
    assert.equal(r.error?.code, 'forbidden', JSON.stringify(r));
    assert.match(r.error.message, /supervisor/);
    r = await ask(customer, { type: 'remote_support.answer', session_id: s.id, step: 'view', grant: true });
    assert.equal(r.error?.code, 'forbidden', 'nor can the customer grant it');
    r = await ask(customer, { type: 'remote_support.signal', session_id: s.id, signal: { type: 'offer', sdp: 'v=0' } });
    assert.equal(r.error?.code, 'forbidden');

    const requested = await api(server, 'POST', `${RS}/sessions/${s.id}/approval`, { token: p.ada.token });
    assert.equal(requested.status, 200, requested.text);
    assert.equal(requested.json.approval.status, 'pending');
    const heard = await adminWs.next((m) => m.type === 'remote_support.approval_requested' && m.session_id === s.id);
    assert.equal(heard.session.agent.name, 'Ada Agent');
    assert.equal(heard.session.customer.sensitive, true);
    const pending = await api(server, 'GET', `${RS}/approvals`, { token: p.admin });
    assert.ok(pending.json.items.some((i) => i.id === s.id));
    assert.equal((await api(server, 'POST', `${RS}/sessions/${s.id}/approval`, { token: p.ada.token })).status, 409, 'asked twice');

    // Not supervisors: the agent, another agent, the customer's own token.
    for (const token of [p.ada.token, p.abe.token, p.emma.token]) {
      const no = await api(server, 'POST', `${RS}/sessions/${s.id}/approval/decision`, { token, body: { approve: true } });
      assert.equal(no.status, 403, no.text);
    }
    assert.equal((await api(server, 'GET', `${RS}/approvals`, { token: p.ada.token })).status, 403);
    const approved = await api(server, 'POST', `${RS}/sessions/${s.id}/approval/decision`, { token: p.admin, body: { approve: true } });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.approval.status, 'approved');
    const told = await agent.next((m) => m.type === 'remote_support.approval_decided' && m.session_id === s.id);
    assert.equal(told.session.approval.status, 'approved');
    await agent.next((m) => m.type === 'remote_support.state' && m.session.approval.status === 'approved');
    const customerState = await customer.next((m) => m.type === 'remote_support.state' && m.session.approval.status === 'approved');
    assert.equal(customerState.session.approval.reason, undefined, 'the customer is not sent the supervisor or the reason');

    assert.equal((await ask(agent, { type: 'remote_support.ask', session_id: s.id, step: 'view' })).type, 'remote_support.ack');
    assert.equal((await ask(customer, { type: 'remote_support.answer', session_id: s.id, step: 'view', grant: true })).type, 'remote_support.ack');
    r = await ask(customer, { type: 'remote_support.signal', session_id: s.id, signal: { type: 'offer', sdp: 'v=0' } });
    assert.equal(r.type, 'remote_support.ack');

    const log = await api(server, 'GET', `${RS}/sessions/${s.id}/log`, { token: p.admin });
    const events = log.json.items.map((i) => i.event);
    assert.ok(events.indexOf('approval_requested') < events.indexOf('approval_granted'));
    assert.ok(events.indexOf('approval_granted') < events.lastIndexOf('consent_asked'));
    assert.equal((await api(server, 'GET', `${RS}/sessions/${s.id}/log/verify`, { token: p.admin })).json.intact, true);
    agent.close();
    customer.close();
  });

  it('a refusal carries its reason to the agent at once, and the screen stays refused', async () => {
    const { s, agent, customer } = await running();
    assert.equal((await api(server, 'POST', `${RS}/sessions/${s.id}/approval`, { token: p.ada.token })).status, 200);
    await adminWs.next((m) => m.type === 'remote_support.approval_requested' && m.session_id === s.id);
    const noReason = await api(server, 'POST', `${RS}/sessions/${s.id}/approval/decision`, { token: p.admin, body: { approve: false } });
    assert.equal(noReason.status, 400, noReason.text);
    const bad = await api(server, 'POST', `${RS}/sessions/${s.id}/approval/decision`, { token: p.admin, body: { approve: 'yes' } });
    assert.equal(bad.status, 400, bad.text);
    const refused = await api(server, 'POST', `${RS}/sessions/${s.id}/approval/decision`, {
      token: p.admin,
      body: { approve: false, reason: 'Open tax audit: ask for the form by mail instead.' },
    });
    assert.equal(refused.status, 200, refused.text);
    const told = await agent.next((m) => m.type === 'remote_support.approval_decided' && m.session_id === s.id);
    assert.equal(told.session.approval.status, 'refused');
    assert.equal(told.session.approval.reason, 'Open tax audit: ask for the form by mail instead.');
    assert.ok(told.session.approval.decided_by.id > 0);
    const r = await ask(agent, { type: 'remote_support.ask', session_id: s.id, step: 'view' });
    assert.equal(r.error?.code, 'forbidden');
    assert.match(r.error.message, /Open tax audit/);
    const again = await api(server, 'POST', `${RS}/sessions/${s.id}/approval/decision`, { token: p.admin, body: { approve: true } });
    assert.equal(again.status, 409, 'nothing pending any more');
    agent.close();
    customer.close();
  });

  it('a lead of the agent\'s team is a supervisor too; a lead of another team is not', async () => {
    const team = (await api(server, 'POST', '/api/v1/admin/teams', { token: p.admin, body: { name: 'Support RS' } })).json;
    const other = (await api(server, 'POST', '/api/v1/admin/teams', { token: p.admin, body: { name: 'Sales RS' } })).json;
    const lara = await createUser(server, p.admin, { email: 'lara.rs@example.test', display_name: 'Lara Lead' });
    const put = (t, u, role) => api(server, 'PUT', `/api/v1/admin/teams/${t}/members/${u}`, { token: p.admin, body: { role } });
    assert.equal((await put(team.id, p.ada.user.id, 'member')).status < 300, true);
    assert.equal((await put(team.id, lara.user.id, 'lead')).status < 300, true);
    assert.equal((await put(other.id, p.emma.user.id, 'lead')).status < 300, true);
    const laraWs = live(server, lara.token);
    await laraWs.opened;
    const { s, agent, customer } = await running();
    assert.equal((await api(server, 'POST', `${RS}/sessions/${s.id}/approval`, { token: p.ada.token })).status, 200);
    const heard = await laraWs.next((m) => m.type === 'remote_support.approval_requested' && m.session_id === s.id);
    assert.equal(heard.session.agent.name, 'Ada Agent');
    const laras = await api(server, 'GET', `${RS}/approvals`, { token: lara.token });
    assert.deepEqual(laras.json.items.map((i) => i.id), [s.id]);
    const emmas = await api(server, 'GET', `${RS}/approvals`, { token: p.emma.token });
    assert.deepEqual(emmas.json.items, [], 'a lead of another team sees none of it');
    const no = await api(server, 'POST', `${RS}/sessions/${s.id}/approval/decision`, { token: p.emma.token, body: { approve: true } });
    assert.equal(no.status, 403, no.text);
    const yes = await api(server, 'POST', `${RS}/sessions/${s.id}/approval/decision`, { token: lara.token, body: { approve: true } });
    assert.equal(yes.status, 200, yes.text);
    assert.equal(yes.json.approval.decided_by.name, 'Lara Lead');
    await agent.next((m) => m.type === 'remote_support.approval_decided' && m.session.approval.status === 'approved');
    laraWs.close();
    agent.close();
    customer.close();
  });

  it('customers who are not marked need no approval', async () => {
    const s = await start(server, p.ada);
    assert.equal(s.session.approval.needed, false);
    assert.equal((await api(server, 'POST', `${RS}/sessions/${s.id}/approval`, { token: p.ada.token })).status, 409);
    assert.equal((await api(server, 'DELETE', `${RS}/sensitive-customers/${p.carl.user.id}`, { token: p.ada.token })).status, 403);
    assert.equal((await api(server, 'DELETE', `${RS}/sensitive-customers/${p.carl.user.id}`, { token: p.admin })).status, 204);
    assert.equal((await api(server, 'DELETE', `${RS}/sensitive-customers/${p.carl.user.id}`, { token: p.admin })).status, 404);
  });
});

// The minimum consent policy: every step its own question unless an admin lowers it; a
// lowered policy is audited and shown to the customer of every session started under it.
describe('remote support: the minimum consent policy', () => {
  let server, p;
  before(async () => {
    server = await startServer({ webRoot: false });
    p = await people(server);
  });
  after(async () => server?.stop());

  const running = () => chatting(server, p.ada);

  it('asking two steps as one question is refused under the default, and only admins lower it', async () => {
    const policy = await api(server, 'GET', `${RS}/consent-policy`, { token: p.ada.token });
    assert.equal(policy.status, 200, policy.text);
    assert.equal(policy.json.separate_questions, 3);
    assert.equal((await api(server, 'GET', `${RS}/consent-policy`, { token: p.carl.token })).status, 403);
    const { s, pass, agent, customer } = await running();
    const r = await ask(agent, { type: 'remote_support.ask', session_id: s.id, steps: ['view', 'annotate'] });
    assert.equal(r.error?.code, 'forbidden', JSON.stringify(r));
    assert.match(r.error.message, /one at a time/);
    for (const bad of [{ steps: 'view' }, { steps: [] }, { steps: ['view', 'control'] }]) {
      const b = await ask(agent, { type: 'remote_support.ask', session_id: s.id, ...bad });
      assert.equal(b.error?.code, 'invalid_argument', JSON.stringify([bad, b]));
    }
    const mine = await api(server, 'GET', `${RS}/sessions/${s.id}`, { token: pass.token });
    assert.equal(mine.json.consent_policy.lowered, false);
    for (const [token, body, status] of [
      [p.ada.token, { separate_questions: 2 }, 403],
      [p.emma.token, { separate_questions: 2 }, 403],
      [p.admin, { separate_questions: 0 }, 400],
      [p.admin, { separate_questions: 'two' }, 400],
      [p.admin, {}, 400],
    ]) {
      const res = await api(server, 'PUT', `${RS}/consent-policy`, { token, body });
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
    }
    agent.close();
    customer.close();
  });

  it('lowered by an admin: audited, shown to the customer, and two steps asked as one question', async () => {
    const lowered = await api(server, 'PUT', `${RS}/consent-policy`, { token: p.admin, body: { separate_questions: 2 } });
    assert.equal(lowered.status, 200, lowered.text);
    assert.equal(lowered.json.lowered, true);
    const audit = await api(server, 'GET', '/api/v1/admin/audit?action=remote_support.consent_policy.change', { token: p.admin });
    assert.equal(audit.json.items.length, 1);
    assert.equal(audit.json.items[0].outcome, 'lowered');
    const { s, pass, agent, customer } = await running();
    const seen = await api(server, 'GET', `${RS}/sessions/${s.id}`, { token: pass.token });
    assert.equal(seen.json.consent_policy.lowered, true, 'the customer is shown the lowered policy');
    assert.equal(seen.json.consent_policy.separate_questions, 2);
    assert.equal(seen.json.consent_policy.changed_at, lowered.json.changed_at);
    assert.equal((await ask(agent, { type: 'remote_support.ask', session_id: s.id, steps: ['view', 'annotate'] })).type, 'remote_support.ack');
    const asked = await customer.next((m) => m.type === 'remote_support.state' && m.session.consent.annotate === 'asked');
    assert.equal(asked.session.consent.view, 'asked');
    const upper = await ask(customer, { type: 'remote_support.answer', session_id: s.id, step: 'annotate', grant: true });
    assert.equal(upper.error?.code, 'conflict', 'the upper step of a joint question is not answered alone');
    assert.equal((await ask(customer, { type: 'remote_support.answer', session_id: s.id, step: 'view', grant: true })).type, 'remote_support.ack');
    const granted = await agent.next((m) => m.type === 'remote_support.state' && m.session.consent.annotate === 'granted');
    assert.equal(granted.session.consent.view, 'granted');
    const log = await api(server, 'GET', `${RS}/sessions/${s.id}/log`, { token: p.admin });
    assert.equal(log.json.items[0].data.separate_questions, 2);
    assert.deepEqual(log.json.items.find((i) => i.event === 'consent_asked' && i.data?.together)?.data.together, ['view', 'annotate']);
    assert.deepEqual(log.json.items.find((i) => i.event === 'consent_granted' && i.data?.step === 'view')?.data.together, ['view', 'annotate'],
      JSON.stringify(log.json.items.map((i) => [i.event, i.data])));
    agent.close();
    customer.close();
  });
});

// The queue: a customer asks for help, agents see the wait, one accepts (the session is
// theirs and the customer's), the other is too late; figures per agent for admins.
describe('remote support: the queue and the figures', () => {
  let server, p;
  before(async () => {
    server = await startServer({ webRoot: false });
    p = await people(server);
  });
  after(async () => server?.stop());

  it('a customer waits, one agent accepts, the customer joins the session; refusals on every side', async () => {
    for (const [token, status] of [[p.ada.token, 403], [p.emma.token, 403], [null, 401]]) {
      const r = await api(server, 'POST', `${RS}/requests`, { token, body: { topic: 'x' } });
      assert.equal(r.status, status, r.text);
    }
    assert.equal((await api(server, 'POST', `${RS}/requests`, { token: p.carl.token, body: { topic: 'x', extra: 1 } })).status, 400);
    assert.equal((await api(server, 'POST', `${RS}/requests`, { token: p.carl.token, body: { topic: 'x'.repeat(501) } })).status, 400);
    const q = await api(server, 'POST', `${RS}/requests`, { token: p.carl.token, body: { topic: 'My invoice' } });
    assert.equal(q.status, 201, q.text);
    assert.equal(q.json.status, 'waiting');
    assert.equal(q.json.customer.country, 'DE');
    assert.equal((await api(server, 'POST', `${RS}/requests`, { token: p.carl.token, body: {} })).status, 409);

    assert.equal((await api(server, 'GET', `${RS}/requests`, { token: p.carl.token })).status, 403);
    const queue = await api(server, 'GET', `${RS}/requests`, { token: p.ada.token });
    assert.equal(queue.status, 200, queue.text);
    assert.deepEqual(queue.json.items.map((i) => [i.id, i.customer.name, i.topic]), [[q.json.id, 'Carl', 'My invoice']]);
    assert.ok(queue.json.items[0].waiting_ms >= 0);

    assert.equal((await api(server, 'POST', `${RS}/requests/${q.json.id}/accept`, { token: p.carl.token })).status, 403);
    assert.equal((await api(server, 'POST', `${RS}/requests/999999/accept`, { token: p.ada.token })).status, 404);
    const accepted = await api(server, 'POST', `${RS}/requests/${q.json.id}/accept`, { token: p.ada.token });
    assert.equal(accepted.status, 201, accepted.text);
    assert.equal(accepted.json.request.status, 'accepted');
    assert.equal(accepted.json.request.accepted_by.id, p.ada.user.id);
    assert.equal(accepted.json.session.customer.user_id, p.carl.user.id);
    assert.match(accepted.json.code, /^[A-HJKMNP-Z2-9]{8}$/);
    assert.equal((await api(server, 'POST', `${RS}/requests/${q.json.id}/accept`, { token: p.abe.token })).status, 409, 'too late');
    assert.deepEqual((await api(server, 'GET', `${RS}/requests`, { token: p.abe.token })).json.items, []);

    // The customer finds the session waiting for them and joins it without a code.
    const mine = await api(server, 'GET', `${RS}/sessions?status=waiting`, { token: p.carl.token });
    assert.deepEqual(mine.json.items.map((s) => s.id), [accepted.json.id]);
    const joined = await api(server, 'POST', `${RS}/sessions/${accepted.json.id}/join`, { token: p.carl.token });
    assert.equal(joined.status, 200, joined.text);
    const log = await api(server, 'GET', `${RS}/sessions/${accepted.json.id}/log`, { token: p.ada.token });
    assert.ok(log.json.items.some((i) => i.event === 'accepted' && i.data.request_id === q.json.id));
  });

  it('only the customer withdraws their own waiting request; a session token is refused', async () => {
    const q = await api(server, 'POST', `${RS}/requests`, { token: p.carl.token, body: {} });
    assert.equal(q.status, 201, q.text);
    const s = await start(server, p.ada);
    const pass = await redeem(server, s.code);
    assert.equal((await api(server, 'DELETE', `${RS}/requests/${q.json.id}`, { token: pass.token })).status, 401, 'scoped token outside its scope');
    assert.equal((await api(server, 'POST', `${RS}/requests`, { token: pass.token, body: {} })).status, 401);
    assert.equal((await api(server, 'DELETE', `${RS}/requests/${q.json.id}`, { token: p.ada.token })).status, 404);
    assert.equal((await api(server, 'DELETE', `${RS}/requests/${q.json.id}`, { token: p.carl.token })).status, 204);
    assert.equal((await api(server, 'DELETE', `${RS}/requests/${q.json.id}`, { token: p.carl.token })).status, 409);
    assert.equal((await api(server, 'POST', `${RS}/requests/${q.json.id}/accept`, { token: p.ada.token })).status, 409);
  });

  it('figures per agent for admins only', async () => {
    assert.equal((await api(server, 'GET', `${RS}/figures`, { token: p.ada.token })).status, 403);
    const f = await api(server, 'GET', `${RS}/figures`, { token: p.admin });
    assert.equal(f.status, 200, f.text);
    const ada = f.json.agents.find((a) => a.agent.id === p.ada.user.id);
    assert.equal(ada.accepted, 1);
    assert.equal(ada.sessions, 2);
    assert.equal(typeof ada.median_accept_ms, 'number');
    assert.equal(ada.median_duration_ms, null, 'no session of hers ended yet');
  });
});
