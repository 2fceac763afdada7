// The local cluster of scripts/cluster.sh (PostgreSQL, Redis, s3rver, three meridian nodes,
// nginx in front) under chat traffic while a node is killed with SIGKILL and then every
// node is restarted one after the other: clients that lose their socket reconnect through
// nginx to another node and retry with the same client_id; in the end every acknowledged
// message is stored exactly once, in order, without holes, and a file stored before the
// faults is served whole by every node (contents in the shared S3 store).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, createUser, login } from '../integration/lib/server.mjs';
import { eventually, live } from '../integration/lib/live.mjs';
import { assertStoredAsAcknowledged } from '../integration/lib/acked.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

describe('three nodes behind nginx, one PostgreSQL, Redis and S3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-cluster-test-'));
  const readyFile = join(dir, 'ready.json');
  let cluster, exited, output = '';
  let front, admin, ana, ben, conversationId;
  const ready = () => JSON.parse(readFileSync(readyFile, 'utf8'));
  const nodeServer = (n) => ({ base: `http://127.0.0.1:${n.port}`, port: n.port });

  before(async () => {
    cluster = spawn(join(root, 'scripts/cluster.sh'), ['--nodes', '3', '--ready-file', readyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    cluster.stdout.on('data', (d) => (output += d));
    cluster.stderr.on('data', (d) => (output += d));
    exited = new Promise((r) => cluster.once('exit', (code, signal) => r({ code, signal })));
    await eventually(() => existsSync(readyFile), { ms: 120_000, every: 200, what: `the cluster is up\n${output}` });
    const url = new URL(ready().url);
    front = { base: url.origin, port: Number(url.port) };
    admin = await login(front, ready().admin.email, ready().admin.password);
    ana = await createUser(front, admin, { email: 'ana.cluster@example.test', display_name: 'Ana' });
    ben = await createUser(front, admin, { email: 'ben.cluster@example.test', display_name: 'Ben' });
    const conv = await api(front, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Cluster', member_ids: [ben.user.id] } });
    assert.equal(conv.status, 201, conv.text);
    conversationId = conv.json.id;
  });

  after(async () => {
    if (cluster && cluster.exitCode === null && cluster.signalCode === null) {
      // SIGINT reaches the script's node process the way Ctrl-C does; it stops nginx,
      // the nodes and s3rver, then with-redis and with-postgres stop theirs.
      const pids = JSON.parse(readFileSync(readyFile, 'utf8'));
      process.kill(pids.pid, 'SIGINT');
      const timer = setTimeout(() => cluster.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged message and every stored file through a kill -9 and a rolling restart', async (t) => {
    const content = randomBytes(256 * 1024);
    const spaces = await api(front, 'GET', '/api/v1/spaces', { token: ana.token });
    const personal = spaces.json.items.find((s) => s.kind === 'personal');
    const uploaded = await api(front, 'POST', `/api/v1/spaces/${personal.id}/files?name=before-faults.bin&parent_id=0`, {
      token: ana.token, raw: content, headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(uploaded.status, 201, uploaded.text);

    // Ana's socket through nginx; a dead one is replaced by a new one (nginx picks a live node).
    let socket;
    let reconnects = 0;
    const connect = async () => {
      for (;;) {
        const ws = live(front, ana.token);
        try {
          await ws.opened;
          return ws;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    socket = await connect();
    const acked = new Map(); // client_id -> seq
    const send = async (clientId, text) => {
      for (;;) {
        if (socket.readyState !== 1) {
          socket = await connect();
          reconnects++;
        }
        socket.send(JSON.stringify({ type: 'message.send', id: clientId, conversation_id: conversationId, text, client_id: clientId }));
        try {
          const ack = await socket.next((m) => m.type === 'message.ack' && m.id === clientId, 5000);
          return ack.message.seq;
        } catch {
          // No answer: the node died with the message in flight. Same client_id again, on a
          // new socket if this one is gone: stored at most once either way.
          socket.terminate();
        }
      }
    };

    // Sends go on through the whole rolling restart, and at least 60 in all.
    let total = 0;
    for (let i = 1; i <= 60 || ready().rolling_restart; i++) {
      if (i === 20) process.kill(ready().nodes[1].pid, 'SIGKILL');
      if (i === 40) {
        process.kill(ready().pid, 'SIGHUP');
        await eventually(() => ready().rolling_restart, { ms: 10_000, what: 'the rolling restart began' });
      }
      const clientId = `cluster-${i}`;
      acked.set(clientId, await send(clientId, `message ${i}`));
      total = i;
    }
    socket.close();

    await assertStoredAsAcknowledged(front, ben.token, conversationId, acked);
    t.diagnostic(`${total} messages acknowledged, Ana's socket replaced ${reconnects} times`);
    assert.ok(reconnects >= 1, 'the kill -9 or the rolling restart cut Ana\'s socket at least once');

    // The rolling restart ends when every node was started again and answers.
    await eventually(async () => {
      const now = ready();
      if (now.rolling_restart) return false;
      const answers = await Promise.all(now.nodes.map((n) => fetch(`${nodeServer(n).base}/readyz`).then((r) => r.ok, () => false)));
      return answers.every(Boolean);
    }, { ms: 90_000, every: 250, what: 'every node ready after the rolling restart' });

    for (const node of ready().nodes) {
      const res = await fetch(`${nodeServer(node).base}/api/v1/files/${uploaded.json.id}/content`, { headers: { authorization: `Bearer ${ana.token}` } });
      assert.equal(res.status, 200, `node ${node.index} serves the file`);
      assert.equal(sha256(Buffer.from(await res.arrayBuffer())), sha256(content), `node ${node.index} serves it whole`);
    }
    // A stranger gets nothing from any node.
    const stranger = await createUser(front, admin, { email: 'cleo.cluster@example.test', display_name: 'Cleo' });
    for (const node of ready().nodes) {
      const res = await fetch(`${nodeServer(node).base}/api/v1/files/${uploaded.json.id}/content`, { headers: { authorization: `Bearer ${stranger.token}` } });
      assert.equal(res.status, 404, `node ${node.index} refuses a stranger`);
    }
  });
});
