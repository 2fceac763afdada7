// Chat over REST and the WebSocket against the real server: idempotent sends, history,
// live fan-out to members only, and the refusals.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

describe('chat', () => {
  let server, admin, ana, ben, cleo, carl;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.chat@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.chat@example.test', display_name: 'Ben' });
    cleo = await createUser(server, admin, { email: 'cleo.chat@example.test', display_name: 'Cleo' });
    carl = await createUser(server, admin, { email: 'carl.chat@example.test', display_name: 'Carl', kind: 'customer' });
  });
  after(async () => server?.stop());

  it('sends over the WebSocket, acknowledges once stored, and fans out to members only', async () => {
    const conv = await api(server, 'POST', '/api/v1/conversations', {
      token: ana.token, body: { kind: 'group', name: 'Lisbon tax', member_ids: [ben.user.id] },
    });
    assert.equal(conv.status, 201, conv.text);
    const [wa, wb, wc] = [live(server, ana.token), live(server, ben.token), live(server, cleo.token)];
    await Promise.all([wa.opened, wb.opened, wc.opened]);
    await Promise.all([wa, wb, wc].map((w) => w.next((m) => m.type === 'hello')));
    wa.send(JSON.stringify({ type: 'message.send', id: 'r1', conversation_id: conv.json.id, text: 'Olá Ben', client_id: 'k1' }));
    const ack = await wa.next((m) => m.type === 'message.ack');
    assert.equal(ack.id, 'r1');
    assert.equal(ack.message.seq, 1);
    assert.equal(ack.duplicate, false);
    const got = await wb.next((m) => m.type === 'message.new');
    assert.equal(got.message.text, 'Olá Ben');
    assert.equal(got.message.author.display_name, 'Ana');
    // A retry with the same client_id is acknowledged again but not stored or sent twice.
    wa.send(JSON.stringify({ type: 'message.send', id: 'r2', conversation_id: conv.json.id, text: 'Olá Ben', client_id: 'k1' }));
    const again = await wa.next((m) => m.type === 'message.ack' && m.id === 'r2');
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, ack.message.id);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(wb.inbox.filter((m) => m.type === 'message.new').length, 0, 'no second delivery');
    assert.equal(wc.inbox.filter((m) => m.type === 'message.new').length, 0, 'a non-member received a message');
    for (const w of [wa, wb, wc]) w.close();
  });

  it('posts over REST for integrations, pages history and counts unread', async () => {
    const dm = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'direct', member_ids: [cleo.user.id] } });
    assert.equal(dm.status, 201);
    for (let i = 1; i <= 5; i++) {
      const r = await api(server, 'POST', `/api/v1/conversations/${dm.json.id}/messages`, { token: ana.token, body: { text: `note ${i}`, client_id: `n${i}` } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.seq, i);
    }
    const dup = await api(server, 'POST', `/api/v1/conversations/${dm.json.id}/messages`, { token: ana.token, body: { text: 'note 5', client_id: 'n5' } });
    assert.equal(dup.status, 200);
    const page = await api(server, 'GET', `/api/v1/conversations/${dm.json.id}/messages?limit=2`, { token: cleo.token });
    assert.deepEqual(page.json.items.map((m) => m.seq), [4, 5]);
    assert.equal(page.json.has_more, true);
    const before = await api(server, 'GET', `/api/v1/conversations/${dm.json.id}/messages?before=4&limit=10`, { token: cleo.token });
    assert.deepEqual(before.json.items.map((m) => m.seq), [1, 2, 3]);
    const list = await api(server, 'GET', '/api/v1/conversations', { token: cleo.token });
    assert.equal(list.json.items.find((c) => c.id === dm.json.id).unread, 5);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${dm.json.id}/read`, { token: cleo.token, body: { seq: 5 } })).status, 204);
    const after = await api(server, 'GET', '/api/v1/conversations', { token: cleo.token });
    assert.equal(after.json.items.find((c) => c.id === dm.json.id).unread, 0);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${dm.json.id}/messages?limit=201`, { token: cleo.token })).status, 400);
  });

  it('refuses outsiders, customers and bad input with precise errors', async () => {
    const group = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'inner', member_ids: [ben.user.id] } });
    await api(server, 'POST', `/api/v1/conversations/${group.json.id}/messages`, { token: ana.token, body: { text: 'internal only', client_id: 'i1' } });
    // An outsider and a customer learn nothing about the group.
    for (const who of [cleo, carl]) {
      assert.equal((await api(server, 'GET', `/api/v1/conversations/${group.json.id}/messages`, { token: who.token })).status, 404);
      assert.equal((await api(server, 'POST', `/api/v1/conversations/${group.json.id}/messages`, { token: who.token, body: { text: 'hi', client_id: 'x' } })).status, 404);
    }
    // Customers cannot start conversations with staff, nor be added to internal ones.
    assert.equal((await api(server, 'POST', '/api/v1/conversations', { token: carl.token, body: { kind: 'direct', member_ids: [ana.user.id] } })).status, 403);
    assert.equal((await api(server, 'PUT', `/api/v1/conversations/${group.json.id}/members/${carl.user.id}`, { token: ana.token })).status, 403);
    assert.equal((await api(server, 'GET', '/api/v1/channels', { token: carl.token })).status, 403);
    // Bad input.
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${group.json.id}/messages`, { token: ana.token, body: { text: 42, client_id: 'x' } })).status, 400);
    assert.equal((await api(server, 'POST', `/api/v1/conversations/${group.json.id}/messages`, { token: ana.token, body: { text: 'x'.repeat(10001), client_id: 'big' } })).status, 413);
    assert.equal((await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'seance' } })).status, 400);
    assert.equal((await api(server, 'GET', '/api/v1/conversations/abc/messages', { token: ana.token })).status, 404);
  });

  it('a removed member receives nothing from that moment on', async () => {
    const ch = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'channel', name: 'launch', member_ids: [ben.user.id] } });
    const wb = live(server, ben.token);
    await wb.opened;
    await wb.next((m) => m.type === 'hello');
    assert.equal((await api(server, 'DELETE', `/api/v1/conversations/${ch.json.id}/members/${ben.user.id}`, { token: ana.token })).status, 204);
    await api(server, 'POST', `/api/v1/conversations/${ch.json.id}/messages`, { token: ana.token, body: { text: 'after Ben left', client_id: 'l1' } });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(wb.inbox.filter((m) => m.type === 'message.new').length, 0);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${ch.json.id}/messages`, { token: ben.token })).status, 404);
    wb.close();
  });

  it('tells the other members someone is typing, throttled, and nobody else', async () => {
    const conv = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'typing', member_ids: [ben.user.id] } });
    const [wa, wb, wc] = [live(server, ana.token), live(server, ben.token), live(server, cleo.token)];
    await Promise.all([wa.opened, wb.opened, wc.opened]);
    wa.send(JSON.stringify({ type: 'typing', conversation_id: conv.json.id }));
    wa.send(JSON.stringify({ type: 'typing', conversation_id: conv.json.id }));
    const t = await wb.next((m) => m.type === 'typing');
    assert.equal(t.user.id, ana.user.id);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(wb.inbox.filter((m) => m.type === 'typing').length, 0, 'the second signal within 2 s is dropped');
    assert.equal(wc.inbox.filter((m) => m.type === 'typing').length, 0, 'a non-member was told');
    assert.equal(wa.inbox.filter((m) => m.type === 'typing').length, 0, 'the typist was told about themself');
    wc.send(JSON.stringify({ type: 'typing', id: 't1', conversation_id: conv.json.id }));
    assert.equal((await wc.next((m) => m.type === 'error' && m.id === 't1')).error.code, 'not_found');
    for (const w of [wa, wb, wc]) w.close();
  });

  it('edits and deletes: members see message.updated live, and a returning client catches up from /changes', async () => {
    const conv = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'edits', member_ids: [ben.user.id] } });
    const m1 = await api(server, 'POST', `/api/v1/conversations/${conv.json.id}/messages`, { token: ana.token, body: { text: 'teh plan', client_id: 'p1' } });
    const m2 = await api(server, 'POST', `/api/v1/conversations/${conv.json.id}/messages`, { token: ana.token, body: { text: 'oops', client_id: 'p2' } });
    const wb = live(server, ben.token);
    await wb.opened;
    const edited = await api(server, 'PATCH', `/api/v1/conversations/${conv.json.id}/messages/${m1.json.id}`, { token: ana.token, body: { text: 'the plan' } });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.json.text, 'the plan');
    assert.ok(edited.json.edited_at);
    const live1 = await wb.next((m) => m.type === 'message.updated');
    assert.equal(live1.message.id, m1.json.id);
    assert.equal((await api(server, 'PATCH', `/api/v1/conversations/${conv.json.id}/messages/${m1.json.id}`, { token: ben.token, body: { text: 'mine now' } })).status, 403);
    assert.equal((await api(server, 'DELETE', `/api/v1/conversations/${conv.json.id}/messages/${m2.json.id}`, { token: ben.token })).status, 403);
    const del = await api(server, 'DELETE', `/api/v1/conversations/${conv.json.id}/messages/${m2.json.id}`, { token: ana.token });
    assert.equal(del.json.deleted, true);
    assert.equal(del.json.text, '');
    // A client that last saw seq 1 gets each changed message once, latest state, in order.
    const changes = await api(server, 'GET', `/api/v1/conversations/${conv.json.id}/changes?after=1`, { token: ben.token });
    assert.deepEqual(changes.json.items.map((m) => [m.id, m.text, m.deleted]), [[m1.json.id, 'the plan', false], [m2.json.id, '', true]]);
    assert.equal((await api(server, 'GET', `/api/v1/conversations/${conv.json.id}/changes?after=0`, { token: cleo.token })).status, 404);
    wb.close();
  });

  it('answers malformed message.send envelopes with error envelopes', async () => {
    const wa = live(server, ana.token);
    await wa.opened;
    wa.send(JSON.stringify({ type: 'message.send', id: 'e1', conversation_id: 'one', text: 'x', client_id: 'e1' }));
    const e1 = await wa.next((m) => m.type === 'error' && m.id === 'e1');
    assert.equal(e1.error.code, 'invalid_argument');
    wa.send(JSON.stringify({ type: 'message.send', id: 'e2', conversation_id: 999999, text: 'x', client_id: 'e2' }));
    assert.equal((await wa.next((m) => m.type === 'error' && m.id === 'e2')).error.code, 'not_found');
    wa.send(JSON.stringify({ type: 'message.send', id: 77, conversation_id: 999999, text: 'x', client_id: 'e3' }));
    assert.equal((await wa.next((m) => m.type === 'error' && m.id === 77)).error.code, 'not_found', 'a numeric id is echoed as sent');
    wa.close();
  });
});
