// One rule set for typed text (issue 16, defect 8): a carriage return in a message was stored
// over REST and WebSocket although the OpenAPI refuses it, and U+202E (right-to-left
// override) was accepted in messages but refused in file names. Every field now answers the
// same way, through core/text_rules.hpp, and nothing refused is stored.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

const RLO = '\u202e';

describe('one rule set for text', () => {
  let server, admin, ana, ben, carl, conversation;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.text@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.text@example.test', display_name: 'Ben' });
    carl = await createUser(server, admin, { email: 'carl.text@example.test', display_name: 'Carl', kind: 'customer' });
    const c = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Texts', member_ids: [ben.user.id] } });
    assert.equal(c.status, 201, c.text);
    conversation = c.json.id;
  });
  after(async () => server?.stop());

  const post = (text, client_id) =>
    api(server, 'POST', `/api/v1/conversations/${conversation}/messages`, { token: ana.token, body: { text, client_id } });

  it('refuses a carriage return and a bidi override in a REST message, and stores neither', async () => {
    const cr = await post('line one\r\nline two', 'cr-1');
    assert.equal(cr.status, 400, cr.text);
    assert.equal(cr.json.error.message, 'a message cannot contain control characters');
    const rlo = await post(`invoice${RLO}fdp.exe`, 'rlo-1');
    assert.equal(rlo.status, 400, rlo.text);
    assert.equal(rlo.json.error.message, 'a message cannot contain bidirectional override characters');
    const ok = await post('line one\nline two\twith a tab, שלום and 東京', 'ok-1');
    assert.equal(ok.status, 201, ok.text);
    const stored = await api(server, 'GET', `/api/v1/conversations/${conversation}/messages`, { token: ben.token });
    assert.deepEqual(stored.json.items.map((m) => m.text), ['line one\nline two\twith a tab, שלום and 東京']);
  });

  it('answers a WebSocket message.send the same way', async () => {
    const ws = live(server, ana.token);
    await ws.opened;
    try {
      const cr = await ws.request({ type: 'message.send', id: 'w1', conversation_id: conversation, text: 'a\rb', client_id: 'ws-cr' });
      assert.equal(cr.type, 'error');
      assert.equal(cr.error.code, 'invalid_argument');
      assert.equal(cr.error.message, 'a message cannot contain control characters');
      const rlo = await ws.request({ type: 'message.send', id: 'w2', conversation_id: conversation, text: `a${RLO}b`, client_id: 'ws-rlo' });
      assert.equal(rlo.type, 'error');
      assert.equal(rlo.error.message, 'a message cannot contain bidirectional override characters');
    } finally {
      ws.close();
    }
  });

  it('refuses the same characters in names, topics, subjects, meeting titles and alerts', async () => {
    const refusals = [
      ['POST', '/api/v1/conversations', ana.token, { kind: 'channel', name: `news${RLO}`, member_ids: [] }],
      ['PATCH', `/api/v1/conversations/${conversation}`, ana.token, { topic: `plans${RLO}` }],
      ['POST', '/api/v1/support/conversations', carl.token, { subject: `help${RLO}`, text: 'Hello', client_id: 's1' }],
      ['POST', '/api/v1/support/conversations', carl.token, { subject: 'Help', text: 'Hello\r\n', client_id: 's2' }],
      ['POST', '/api/v1/meetings', ana.token, { title: `Sync${RLO}`, user_ids: [] }],
      ['POST', '/api/v1/alerts', admin, { title: `Outage${RLO}`, body: 'x', priority: 'info', audience: { user_ids: [ana.user.id] } }],
      ['POST', '/api/v1/alerts', admin, { title: 'Outage', body: 'x\r\ny', priority: 'info', audience: { user_ids: [ana.user.id] } }],
    ];
    for (const [method, path, token, body] of refusals) {
      const r = await api(server, method, path, { token, body });
      assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
      assert.match(r.json.error.message, /control characters|bidirectional override characters|printable characters/, r.text);
    }
    const alerts = await api(server, 'GET', '/api/v1/alerts?sent=true', { token: admin });
    assert.ok(!JSON.stringify(alerts.json ?? {}).includes(RLO), 'no refused alert was stored');
  });
});
