// WebSocket rate limits (issue 16, defect 6): a flooding socket gets a rate_limited error
// and is then closed with 1008; stored writes per person are limited and every refused
// write is answered (nothing refused is stored, nothing acknowledged is lost); other
// people are unaffected. Limits are lowered through the environment for the test.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { live } from './lib/live.mjs';

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

describe('WebSocket rate limits', () => {
  let server, admin, ana, ben, group;
  before(async () => {
    server = await startServer({
      webRoot: false,
      env: {
        MERIDIAN_WS_FRAMES_PER_SECOND: '50',
        MERIDIAN_WS_FRAME_BURST: '50',
        MERIDIAN_WS_WRITES_PER_SECOND: '5',
        MERIDIAN_WS_WRITE_BURST: '5',
      },
    });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.limits@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.limits@example.test', display_name: 'Ben' });
    group = (await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Limits', member_ids: [ben.user.id] } })).json;
  });
  after(async () => server?.stop());

  it('refuses a flood of frames with rate_limited, then closes the socket with 1008; others carry on', async () => {
    const flood = live(server, ana.token);
    const calm = live(server, ben.token);
    await Promise.all([flood.opened, calm.opened]);
    const closed = new Promise((resolve) => flood.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    const frame = JSON.stringify({ type: 'typing', conversation_id: group.id });
    for (let i = 0; i < 2000; i++) flood.send(frame);
    const refused = await flood.next((m) => m.type === 'error' && m.error.code === 'rate_limited');
    assert.match(refused.error.message, /slow down/);
    const { code, reason } = await closed;
    assert.equal(code, 1008);
    assert.equal(reason, 'rate limit exceeded');
    const pong = await calm.request({ type: 'ping', id: 'still-here' });
    assert.equal(pong.type, 'pong');
    // The flooder may come back at once with a new socket.
    const again = live(server, ana.token);
    await again.opened;
    assert.equal((await again.request({ type: 'ping', id: 'back' })).type, 'pong');
    again.close();
    calm.close();
  });

  it('limits stored writes per person, answers every refused one, and stores exactly what it acknowledged', async () => {
    await pause(1200); // the person's budgets refill after the first test
    const w = live(server, ben.token);
    await w.opened;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        w.request({ type: 'message.send', id: `s${i}`, conversation_id: group.id, text: `burst ${i}`, client_id: `burst-${i}` }),
      ),
    );
    const acked = answers.filter((a) => a.type === 'message.ack');
    const refused = answers.filter((a) => a.type === 'error');
    assert.equal(acked.length + refused.length, 20, 'every send is answered');
    assert.ok(acked.length >= 5 && acked.length <= 7, `acknowledged ${acked.length}`);
    for (const r of refused) assert.equal(r.error.code, 'rate_limited');
    const history = await api(server, 'GET', `/api/v1/conversations/${group.id}/messages?limit=100`, { token: ben.token });
    const stored = history.json.items.filter((m) => m.text.startsWith('burst '));
    assert.deepEqual(stored.map((m) => m.text).sort(), acked.map((a) => a.message.text).sort());
    // After a pause the person may write again; a retried client_id is stored once.
    await pause(1000);
    const retry = refused[0];
    const i = Number(retry.id.slice(1));
    const later = await w.request({ type: 'message.send', id: 'retry', conversation_id: group.id, text: `burst ${i}`, client_id: `burst-${i}` });
    assert.equal(later.type, 'message.ack', JSON.stringify(later));
    w.close();
  });
});
