// PostgreSQL restarts under chat traffic (issue 16, scale-out): a node keeps serving once the
// database is back, and nothing it acknowledged is lost or stored twice. The sender retries
// what got no ack (an error while the database was away, or no answer) with the same
// client_id, as the web app does. Needs MERIDIAN_TEST_DATABASE_URL and
// MERIDIAN_TEST_PG_RESTART (scripts/with-postgres.sh exports the restart script); skipped
// otherwise.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, api, login, createUser, freshPostgresDatabase } from './lib/server.mjs';
import { eventually, live } from './lib/live.mjs';
import { assertStoredAsAcknowledged } from './lib/acked.mjs';

const pg = process.env.MERIDIAN_TEST_DATABASE_URL;
const restartScript = process.env.MERIDIAN_TEST_PG_RESTART;

function restartPostgres() {
  return new Promise((resolve, reject) => {
    const child = spawn(restartScript, [], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`restart failed (${code}): ${err}`))));
  });
}

describe('a PostgreSQL restart under chat traffic', { skip: !pg || !restartScript ? 'needs MERIDIAN_TEST_DATABASE_URL and MERIDIAN_TEST_PG_RESTART' : false }, () => {
  let node, ana, ben, conversationId;
  const sockets = [];

  before(async () => {
    node = await startServer({ webRoot: false, env: { MERIDIAN_DATABASE_URL: await freshPostgresDatabase(pg) } });
    const admin = await login(node, node.adminEmail, node.adminPassword);
    ana = await createUser(node, admin, { email: 'ana.pgrestart@example.test', display_name: 'Ana' });
    ben = await createUser(node, admin, { email: 'ben.pgrestart@example.test', display_name: 'Ben' });
    const conv = await api(node, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Restart', member_ids: [ben.user.id] } });
    assert.equal(conv.status, 201, conv.text);
    conversationId = conv.json.id;
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await node?.stop();
  });

  it('keeps serving after the restart; every acknowledged message is stored once, without holes', async (t) => {
    const connect = async () => {
      for (;;) {
        const ws = live(node, ana.token);
        sockets.push(ws);
        try {
          await ws.opened;
          return ws;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    let socket = await connect();
    const acked = new Map();
    let refusedWhileAway = 0;
    let firstRefusal;
    const send = async (clientId) => {
      for (;;) {
        if (socket.readyState !== 1) socket = await connect();
        socket.send(JSON.stringify({ type: 'message.send', id: clientId, conversation_id: conversationId, text: clientId, client_id: clientId }));
        let answer;
        try {
          answer = await socket.next((m) => m.id === clientId, 10_000);
        } catch {
          socket.terminate();
          continue;
        }
        if (answer.type === 'message.ack') return answer.message.seq;
        refusedWhileAway++; // the database was away: the same client_id again, shortly
        firstRefusal ??= answer.error;
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    // The restart runs while Ana keeps sending; sending goes on until it is over.
    let restarted = false;
    let restart;
    let total = 0;
    for (let i = 1; i <= 40 || !restarted; i++) {
      if (i === 15) restart = restartPostgres().then(() => (restarted = true));
      const clientId = `pgr-${i}`;
      acked.set(clientId, await send(clientId));
      total = i;
    }
    await restart;
    // Sends after the restart are acknowledged: the node reconnected.
    for (let i = total + 1; i <= total + 10; i++) acked.set(`pgr-${i}`, await send(`pgr-${i}`));
    total += 10;

    await eventually(async () => (await api(node, 'GET', '/readyz')).status === 200, { ms: 30_000, what: 'ready again' });
    const me = await api(node, 'GET', '/api/v1/me', { token: ben.token });
    assert.equal(me.status, 200, me.text);

    await assertStoredAsAcknowledged(node, ben.token, conversationId, acked);
    // What the sender was told names no host, port or library text: that is for the log.
    if (firstRefusal) {
      assert.equal(firstRefusal.code, 'unavailable');
      assert.doesNotMatch(firstRefusal.message, /127\.0\.0\.1|port|FATAL|PostgreSQL/, firstRefusal.message);
    }
    t.diagnostic(`${total} messages acknowledged, ${refusedWhileAway} sends refused while the database was away (${JSON.stringify(firstRefusal)})`);
  });
});
