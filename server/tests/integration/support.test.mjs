// Support conversations against the real server: a customer opens one, it lands in the
// routed team's queue, agents claim, assign, transfer and keep internal notes; every
// refusal of the isolation rules, over REST and the WebSocket.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

describe('support', () => {
  let server, admin, lisbon, berlin, ada, abe, bo, emma, carl, dora, gus;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    const team = async (name) => (await api(server, 'POST', '/api/v1/admin/teams', { token: admin, body: { name } })).json;
    lisbon = await team('Support Lisbon');
    berlin = await team('Support Berlin');
    ada = await createUser(server, admin, { email: 'ada.support@example.test', display_name: 'Ada', kind: 'agent' });
    abe = await createUser(server, admin, { email: 'abe.support@example.test', display_name: 'Abe', kind: 'agent' });
    bo = await createUser(server, admin, { email: 'bo.support@example.test', display_name: 'Bo', kind: 'agent', country: 'DE', time_zone: 'Europe/Berlin' });
    emma = await createUser(server, admin, { email: 'emma.support@example.test', display_name: 'Emma' });
    carl = await createUser(server, admin, { email: 'carl.support@example.test', display_name: 'Carl', kind: 'customer' });
    dora = await createUser(server, admin, { email: 'dora.support@example.test', display_name: 'Dora', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
    gus = await createUser(server, admin, { email: 'gus.support@example.test', display_name: 'Gus', kind: 'guest' });
    for (const [t, u] of [[lisbon, ada], [lisbon, abe], [berlin, bo], [lisbon, emma]]) {
      const r = await api(server, 'PUT', `/api/v1/admin/teams/${t.id}/members/${u.user.id}`, { token: admin });
      assert.equal(r.status, 204, r.text);
    }
  });
  after(async () => server?.stop());

  it('routes need an admin and a team; opening before any route is a clear 409', async () => {
    const early = await api(server, 'POST', '/api/v1/support/conversations', { token: carl.token, body: { subject: 'hi', text: 'hello', client_id: 'early' } });
    assert.equal(early.status, 409, early.text);
    assert.equal((await api(server, 'PUT', '/api/v1/admin/support/routes/default', { token: ada.token, body: { team_id: lisbon.id } })).status, 403);
    assert.equal((await api(server, 'PUT', '/api/v1/admin/support/routes/country:germany', { token: admin, body: { team_id: berlin.id } })).status, 400);
    assert.equal((await api(server, 'PUT', '/api/v1/admin/support/routes/default', { token: admin, body: { team_id: lisbon.id } })).status, 200);
    assert.equal((await api(server, 'PUT', '/api/v1/admin/support/routes/country:DE', { token: admin, body: { team_id: berlin.id } })).status, 200);
    const routes = await api(server, 'GET', '/api/v1/admin/support/routes', { token: admin });
    assert.deepEqual(routes.json.items.map((r) => [r.scope, r.team.id]), [['country:DE', berlin.id], ['default', lisbon.id]]);
  });

  it('a customer opens one, it lands in the queue of their country\'s team, and agents hear about it', async () => {
    const [wada, wbo] = [live(server, ada.token), live(server, bo.token)];
    await Promise.all([wada.opened, wbo.opened]);
    const opened = await api(server, 'POST', '/api/v1/support/conversations', { token: dora.token, body: { subject: 'Rechnung', text: 'Hallo, meine Rechnung', client_id: 'd1' } });
    assert.equal(opened.status, 201, opened.text);
    assert.equal(opened.json.status, 'queued');
    assert.equal(opened.json.message.seq, 1);
    assert.equal(opened.json.team, undefined, 'the customer is not told team details');
    const heard = await wbo.next((m) => m.type === 'support.updated');
    assert.equal(heard.conversation.id, opened.json.id);
    assert.equal(heard.conversation.team.id, berlin.id);
    assert.equal(heard.conversation.customer.country, 'DE');
    await pause(200);
    assert.equal(wada.inbox.filter((m) => m.type === 'support.updated').length, 0, 'another team was told');
    const retry = await api(server, 'POST', '/api/v1/support/conversations', { token: dora.token, body: { subject: 'Rechnung', text: 'Hallo, meine Rechnung', client_id: 'd1' } });
    assert.equal(retry.status, 200);
    assert.equal(retry.json.id, opened.json.id);
    const queue = await api(server, 'GET', '/api/v1/support/queue', { token: bo.token });
    assert.deepEqual(queue.json.items.map((c) => c.id), [opened.json.id]);
    for (const w of [wada, wbo]) w.close();
  });

  it('refuses guests, employees and customers outside their own conversations', async () => {
    const mine = await api(server, 'POST', '/api/v1/support/conversations', { token: carl.token, body: { subject: 'invoice', text: 'help me', client_id: 'c1' } });
    assert.equal(mine.status, 201, mine.text);
    const theirs = (await api(server, 'GET', '/api/v1/support/queue', { token: bo.token })).json.items[0].id;
    for (const who of [gus, emma]) {
      assert.equal((await api(server, 'POST', '/api/v1/support/conversations', { token: who.token, body: { subject: 's', text: 't', client_id: 'x' } })).status, 403);
      assert.equal((await api(server, 'GET', '/api/v1/support/queue', { token: who.token })).status, 403);
      assert.equal((await api(server, 'GET', `/api/v1/support/conversations/${mine.json.id}`, { token: who.token })).status, 404);
      assert.equal((await api(server, 'GET', `/api/v1/conversations/${mine.json.id}/messages`, { token: who.token })).status, 404);
    }
    // Carl sees only his own.
    const list = await api(server, 'GET', '/api/v1/support/conversations', { token: carl.token });
    assert.deepEqual(list.json.items.map((c) => c.id), [mine.json.id]);
    assert.equal((await api(server, 'GET', `/api/v1/support/conversations/${theirs}`, { token: carl.token })).status, 404);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${theirs}/messages`, { token: carl.token })).status, 404);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${theirs}/messages`, { token: carl.token, body: { text: 'hi', client_id: 'x2' } })).status, 404);
    // No queue, no claiming, no notes for customers, even on their own conversation.
    assert.equal((await api(server, 'GET', '/api/v1/support/queue', { token: carl.token })).status, 403);
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${mine.json.id}/claim`, { token: carl.token })).status, 403);
    assert.equal((await api(server, 'GET', `/api/v1/support/conversations/${mine.json.id}/notes`, { token: carl.token })).status, 403);
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${mine.json.id}/notes`, { token: carl.token, body: { text: 'x' } })).status, 403);
    // Chat's own create refuses the support kind.
    assert.equal((await api(server, 'POST', '/api/v1/conversations', { token: ada.token, body: { kind: 'support', name: 'x' } })).status, 400);
    // Bad input.
    assert.equal((await api(server, 'POST', '/api/v1/support/conversations', { token: carl.token, body: { subject: '', text: 't', client_id: 'b1' } })).status, 400);
    assert.equal((await api(server, 'POST', '/api/v1/support/conversations', { token: carl.token, body: { subject: 's', text: 't', client_id: 'b2', team: 1 } })).status, 400);
    assert.equal((await api(server, 'GET', '/api/v1/support/conversations?status=lost', { token: carl.token })).status, 400);
  });

  it('agents of one team never see another team\'s queue or conversations', async () => {
    const pt = (await api(server, 'GET', '/api/v1/support/queue', { token: ada.token })).json.items;
    assert.equal(pt.length, 1);
    const id = pt[0].id;
    assert.equal((await api(server, 'GET', `/api/v1/support/queue?team_id=${lisbon.id}`, { token: bo.token })).status, 403);
    assert.ok(!(await api(server, 'GET', '/api/v1/support/queue', { token: bo.token })).json.items.some((c) => c.id === id));
    assert.equal((await api(server, 'GET', `/api/v1/support/conversations/${id}`, { token: bo.token })).status, 404);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: bo.token })).status, 404);
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/claim`, { token: bo.token })).status, 404);
    assert.equal((await api(server, 'GET', `/api/v1/support/conversations/${id}/notes`, { token: bo.token })).status, 404);
    // Admins see every queue.
    assert.equal((await api(server, 'GET', '/api/v1/support/queue', { token: admin })).json.items.length, 2);
    // A team agent reads before claiming but writes only after.
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: abe.token })).status, 200);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: abe.token, body: { text: 'hi', client_id: 'ab0' } })).status, 403);
  });

  it('claim, notes, assign and transfer: the customer sees agent names and never a note', async () => {
    const id = (await api(server, 'GET', '/api/v1/support/queue', { token: ada.token })).json.items[0].id;
    const [wcarl, wabe] = [live(server, carl.token), live(server, abe.token)];
    await Promise.all([wcarl.opened, wabe.opened]);
    const claimed = await api(server, 'POST', `/api/v1/support/conversations/${id}/claim`, { token: ada.token });
    assert.equal(claimed.status, 200, claimed.text);
    assert.equal(claimed.json.assignee.display_name, 'Ada');
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/claim`, { token: abe.token })).status, 409);
    const told = await wcarl.next((m) => m.type === 'support.updated');
    assert.deepEqual(told.conversation.agent, { display_name: 'Ada' });
    assert.equal(told.conversation.assignee, undefined);
    assert.equal(told.conversation.team, undefined);
    const reply = await api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: ada.token, body: { text: 'Hi Carl, Ada here', client_id: 'a1' } });
    assert.equal(reply.status, 201, reply.text);
    assert.equal((await wcarl.next((m) => m.type === 'message.new')).message.text, 'Hi Carl, Ada here');
    // The customer sees the agent's name, never an email.
    const info = await api(server, 'GET', `/api/v1/conversations/${id}`, { token: carl.token });
    assert.equal(info.json.kind, 'support');
    assert.deepEqual(info.json.members.map((m) => m.display_name).sort(), ['Ada', 'Carl']);
    assert.ok(!info.text.includes('@example.test'), 'an email reached the customer');
    const mine = await api(server, 'GET', `/api/v1/support/conversations/${id}`, { token: carl.token });
    assert.ok(!mine.text.includes('@example.test'));
    // Internal note: agents only, over REST and WS; not in the customer's history.
    const note = await api(server, 'POST', `/api/v1/support/conversations/${id}/notes`, { token: ada.token, body: { text: 'SECRET: refund approved up to 50' } });
    assert.equal(note.status, 201, note.text);
    assert.equal((await wabe.next((m) => m.type === 'support.note')).note.text, 'SECRET: refund approved up to 50');
    await pause(200);
    assert.ok(!JSON.stringify(wcarl.inbox).includes('SECRET'), 'a note reached the customer live');
    const history = await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: carl.token });
    assert.ok(!history.text.includes('SECRET'));
    const changes = await api(server, 'GET', `/api/v1/conversations/${id}/changes?after=0`, { token: carl.token });
    assert.ok(!changes.text.includes('SECRET'));
    assert.equal((await api(server, 'GET', `/api/v1/support/conversations/${id}/notes`, { token: abe.token })).json.items.length, 1);
    // Assign to someone outside the team: refused; to Abe: Ada becomes a reader.
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/assign`, { token: ada.token, body: { agent_id: bo.user.id } })).status, 400);
    const assigned = await api(server, 'POST', `/api/v1/support/conversations/${id}/assign`, { token: ada.token, body: { agent_id: abe.user.id } });
    assert.equal(assigned.status, 200, assigned.text);
    assert.equal(assigned.json.assignee.id, abe.user.id);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: ada.token, body: { text: 'me again', client_id: 'a2' } })).status, 403);
    // Transfer to Berlin: the Lisbon agents lose it, Bo finds it queued.
    const moved = await api(server, 'POST', `/api/v1/support/conversations/${id}/transfer`, { token: abe.token, body: { team_id: berlin.id } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.status, 'queued');
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: abe.token })).status, 404);
    assert.ok((await api(server, 'GET', '/api/v1/support/queue', { token: bo.token })).json.items.some((c) => c.id === id));
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/claim`, { token: bo.token })).status, 200);
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/close`, { token: carl.token })).json.status, 'closed');
    for (const w of [wcarl, wabe]) w.close();
  });
  it('the opening message reaches the customer\'s other tabs; unclaimed agents only read; seen receipts; closed until reopened', async () => {
    const [tab1, tab2] = [live(server, carl.token), live(server, carl.token)];
    await Promise.all([tab1.opened, tab2.opened]);
    const opened = await api(server, 'POST', '/api/v1/support/conversations', { token: carl.token, body: { subject: 'two tabs', text: 'sent from tab one', client_id: 'tabs1' } });
    assert.equal(opened.status, 201, opened.text);
    const id = opened.json.id;
    for (const tab of [tab1, tab2]) {
      const got = await tab.next((m) => m.type === 'message.new' && m.conversation_id === id);
      assert.equal(got.message.text, 'sent from tab one');
      assert.equal(got.change_seq, 1);
    }
    const first = opened.json.message.id;
    // Ada reads before claiming, but reacting, posting and following need the claim.
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: ada.token })).status, 200);
    const asObserver = await api(server, 'GET', `/api/v1/conversations/${id}`, { token: ada.token });
    assert.equal(asObserver.json.observer, true);
    assert.equal(asObserver.json.my_role, 'read_only');
    const react = await api(server, 'POST', `/api/v1/conversations/${id}/messages/${first}/reactions`, { token: ada.token, body: { emoji: ':eyes:' } });
    assert.equal(react.status, 403, react.text);
    assert.match(react.json.error.message, /claim/);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: ada.token, body: { text: 'hi', client_id: 'u1' } })).status, 403);
    assert.equal((await api(server, 'PUT', `/api/v1/conversations/${id}/messages/${first}/follow`, { token: ada.token })).status, 403);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${id}/read`, { token: ada.token, body: { seq: 1 } })).status, 204);
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/notes`, { token: ada.token, body: { text: 'internal' } })).status, 201);
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/claim`, { token: ada.token })).status, 200);
    const wada = live(server, ada.token);
    await wada.opened;
    const reply = await api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: ada.token, body: { text: 'Ada here', client_id: 'u2' } });
    assert.equal(reply.status, 201, reply.text);
    // Seen: Carl reads, Ada is told; both see last_read_seq in the member list.
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${id}/read`, { token: carl.token, body: { seq: reply.json.seq } })).status, 204);
    const seen = await wada.next((m) => m.type === 'read.updated' && m.conversation_id === id);
    assert.equal(seen.user_id, carl.user.id);
    assert.equal(seen.last_read_seq, reply.json.seq);
    const members = await api(server, 'GET', `/api/v1/conversations/${id}/members`, { token: ada.token });
    assert.equal(members.json.items.find((m) => m.user_id === carl.user.id).last_read_seq, reply.json.seq);
    // Closed: nobody posts until someone reopens it.
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/close`, { token: carl.token })).json.status, 'closed');
    const refused = await api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: carl.token, body: { text: 'one more', client_id: 'c9' } });
    assert.equal(refused.status, 409, refused.text);
    assert.match(refused.json.error.message, /closed; reopen/);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: ada.token, body: { text: 'x', client_id: 'u3' } })).status, 409);
    assert.equal((await api(server, 'POST', `/api/v1/support/conversations/${id}/reopen`, { token: dora.token })).status, 404);
    const reopened = await api(server, 'POST', `/api/v1/support/conversations/${id}/reopen`, { token: carl.token });
    assert.equal(reopened.status, 200, reopened.text);
    assert.equal(reopened.json.status, 'assigned');
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${id}/messages`, { token: carl.token, body: { text: 'one more', client_id: 'c9' } })).status, 201);
    for (const w of [tab1, tab2, wada]) w.close();
  });
});
