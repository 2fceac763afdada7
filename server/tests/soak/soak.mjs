// The long version of the fault tests (issue 16, `make soak`): the local cluster of
// scripts/cluster.mjs (three nodes behind nginx on one PostgreSQL, Redis and s3rver) under
// steady chat traffic, while every round brings the four faults one after the other:
//   1. kill -9 of a node (the cluster starts it again, as systemd's Restart= would),
//   2. a rolling restart of every node (SIGTERM, start, ready, next),
//   3. a Redis restart (the bus between the nodes goes away and comes back),
//   4. a PostgreSQL restart (fast stop: every connection cut).
// Three senders post through nginx without pause and retry whatever got no ack with the same
// client_id, on a new socket when theirs died, as the web app does. After each round the
// conversation is read back and compared with the acks: lost (acknowledged, not stored or
// stored under another seq), duplicated (a client_id stored twice) and holes in the sequence;
// then one message sent on one node must reach a member connected to another (the bus works
// again). Prints a line per round and a summary; exits 1 if anything was lost, duplicated or
// not delivered.
//
// Run through scripts/soak.sh (it starts PostgreSQL and Redis around this script):
//   scripts/soak.sh [--rounds 20]          (or: make soak SOAK_ROUNDS=20)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, createUser, login } from '../integration/lib/server.mjs';
import { eventually, live } from '../integration/lib/live.mjs';
import { storedMessages } from '../integration/lib/acked.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const rounds = Number(option('rounds', process.env.SOAK_ROUNDS ?? '20'));
const senderCount = Number(option('senders', '3'));
const pgRestart = process.env.MERIDIAN_TEST_PG_RESTART;
const redisConf = process.env.MERIDIAN_TEST_REDIS_CONF;
if (!pgRestart || !redisConf || !process.env.MERIDIAN_TEST_PG_URL) {
  console.error('soak: run me through scripts/soak.sh (it starts PostgreSQL and Redis)');
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

// --- the cluster ---------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'meridian-soak-'));
const readyFile = join(dir, 'ready.json');
let clusterOutput = '';
const cluster = spawn(process.execPath, [join(root, 'scripts/cluster.mjs'), '--nodes', '3', '--ready-file', readyFile], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
const verbose = process.env.SOAK_VERBOSE === '1'; // the cluster's own output too
cluster.stdout.on('data', (d) => { clusterOutput += d; if (verbose) process.stderr.write(d); });
cluster.stderr.on('data', (d) => { clusterOutput += d; if (verbose) process.stderr.write(d); });
const clusterExited = new Promise((r) => cluster.once('exit', r));
const ready = () => JSON.parse(readFileSync(readyFile, 'utf8'));

async function stopCluster() {
  if (cluster.exitCode === null && cluster.signalCode === null) {
    cluster.kill('SIGINT'); // as Ctrl-C: nginx, the nodes and s3rver stop
    const timer = setTimeout(() => cluster.kill('SIGKILL'), 30_000);
    await clusterExited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => stopCluster().then(() => process.exit(130)));
process.on('SIGTERM', () => stopCluster().then(() => process.exit(143)));

const nodeServer = (n) => ({ base: `http://127.0.0.1:${n.port}`, port: n.port });
const isReady = (server) => fetch(`${server.base}/readyz`).then((r) => r.ok, () => false);
async function allNodesReady() {
  const now = ready();
  if (now.rolling_restart) return false;
  return (await Promise.all(now.nodes.map((n) => isReady(nodeServer(n))))).every(Boolean);
}

// --- Redis and PostgreSQL restarts ---------------------------------------------------------
function run(cmd, args) {
  return new Promise((ok, ko) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('error', ko);
    child.once('exit', (code) => (code === 0 ? ok() : ko(new Error(`${cmd} failed (${code}): ${err}`))));
  });
}
const redisSetting = (name) => new RegExp(`^${name} (.+)$`, 'm').exec(readFileSync(redisConf, 'utf8'))?.[1];
const portOpen = (port) => new Promise((ok) => {
  const s = tcpConnect(port, '127.0.0.1');
  s.once('connect', () => { s.destroy(); ok(true); });
  s.once('error', () => ok(false));
});
async function restartRedis() {
  const pidFile = redisSetting('pidfile');
  const port = Number(redisSetting('port'));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  process.kill(pid, 'SIGTERM');
  await eventually(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, { ms: 10_000, what: 'Redis stopped' });
  await run(process.env.MERIDIAN_REDIS_SERVER ?? 'redis-server', [redisConf]); // daemonizes, same port and pid file
  await eventually(() => portOpen(port), { ms: 10_000, what: 'Redis listening again' });
}

// --- traffic -------------------------------------------------------------------------------
const acked = new Map(); // client_id -> seq from its ack
const stats = { retries: 0, reconnects: 0, refused: 0 };
let sending = true;

async function openSocket(server, token) {
  for (;;) {
    const ws = live(server, token);
    try {
      await ws.opened;
      ws.cut = new Promise((_, ko) => ws.once('close', () => ko(new Error('closed'))));
      ws.cut.catch(() => undefined);
      return ws;
    } catch {
      ws.terminate();
      await sleep(200);
    }
  }
}

async function sender(front, person, conversationId, index) {
  let socket = await openSocket(front, person.token);
  for (let n = 1; sending; n++) {
    const clientId = `soak-${index}-${n}`;
    for (;;) {
      if (socket.readyState !== 1) {
        socket.terminate();
        socket = await openSocket(front, person.token);
        stats.reconnects++;
      }
      socket.send(JSON.stringify({ type: 'message.send', id: clientId, conversation_id: conversationId, text: clientId, client_id: clientId }));
      let answer;
      try {
        // A socket cut by its node's death gets no answer: give up on it at its close
        // rather than after the 10 s wait.
        const answered = socket.next((m) => m.id === clientId, 10_000);
        answered.catch(() => undefined);
        answer = await Promise.race([answered, socket.cut]);
      } catch {
        // No answer: the node died with the message in flight. Same client_id again.
        stats.retries++;
        socket.terminate();
        continue;
      }
      if (answer.type === 'message.ack') {
        acked.set(clientId, answer.message.seq);
        break;
      }
      stats.refused++; // e.g. `unavailable` while PostgreSQL is away: the same client_id, shortly
      await sleep(100);
    }
  }
  socket.close();
}

// Acknowledged messages compared with what the conversation holds.
// The acks are read before the messages: an ack comes after its commit, so each of them is
// in the read, while a message acknowledged during the read may not be.
async function audit(front, token, conversationId) {
  const acks = new Map(acked);
  const stored = await storedMessages(front, token, conversationId);
  const byClient = new Map();
  for (const m of stored) byClient.set(m.client_id, (byClient.get(m.client_id) ?? 0) + 1);
  let lost = 0;
  const storedSeq = new Map(stored.map((m) => [m.client_id, m.seq]));
  for (const [clientId, seq] of acks) if (storedSeq.get(clientId) !== seq) lost++;
  const duplicated = [...byClient.values()].filter((c) => c > 1).length;
  const holes = stored.filter((m, i) => m.seq !== i + 1).length;
  return { acknowledged: acks.size, stored: stored.length, lost, duplicated, holes };
}

// One message sent on one node reaches a member whose socket is on another node.
async function crossNodeProbe(people, conversationId, label) {
  const nodes = ready().nodes;
  const [a, b] = [nodeServer(nodes[0]), nodeServer(nodes[nodes.length - 1])];
  const receiver = await openSocket(a, people.receiver.token);
  const poster = await openSocket(b, people.prober.token);
  try {
    const clientId = `probe-${label}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const ack = await poster.request({ type: 'message.send', id: `${clientId}-${attempt}`, conversation_id: conversationId, text: clientId, client_id: clientId });
      if (ack.type !== 'message.ack') { await sleep(500); continue; }
      acked.set(clientId, ack.message.seq);
      try {
        await receiver.next((m) => m.type === 'message.new' && m.message?.client_id === clientId, 15_000);
        return true;
      } catch {
        return false;
      }
    }
    return false;
  } finally {
    receiver.terminate();
    poster.terminate();
  }
}

// --- the run -------------------------------------------------------------------------------
let exitCode = 0;
try {
  await eventually(() => existsSync(readyFile), { ms: 180_000, every: 200, what: `the cluster is up\n${clusterOutput}` });
  const front = (() => { const url = new URL(ready().url); return { base: url.origin, port: Number(url.port) }; })();
  const admin = await login(front, ready().admin.email, ready().admin.password);
  const people = {};
  for (const name of ['receiver', 'prober', ...Array.from({ length: senderCount }, (_, i) => `sender${i}`)])
    people[name] = await createUser(front, admin, { email: `${name}.soak@example.test`, display_name: name });
  const members = Object.values(people).map((p) => p.user.id);
  const conv = await api(front, 'POST', '/api/v1/conversations', { token: people.receiver.token, body: { kind: 'group', name: 'Soak', member_ids: members.slice(1) } });
  if (conv.status !== 201) throw new Error(`creating the conversation: ${conv.status} ${conv.text}`);
  const conversationId = conv.json.id;

  const senders = Array.from({ length: senderCount }, (_, i) => sender(front, people[`sender${i}`], conversationId, i));
  const ackedSince = async (count, what) => {
    const target = acked.size + count;
    await eventually(() => acked.size >= target, { ms: 60_000, every: 50, what: `${count} acks ${what}` });
  };
  const started = Date.now();
  const totals = { undelivered: 0 };
  log(`cluster up at ${front.base}; ${rounds} rounds of kill -9, rolling restart, Redis restart, PostgreSQL restart; ${senderCount} senders`);
  for (let round = 1; round <= rounds; round++) {
    const roundStart = Date.now();
    const before = acked.size;
    await ackedSince(10, 'before the faults');

    const victim = ready().nodes[(round - 1) % 3];
    process.kill(victim.pid, 'SIGKILL');
    await eventually(async () => ready().nodes[victim.index - 1].pid !== victim.pid && (await allNodesReady()), { ms: 60_000, every: 100, what: `node ${victim.index} back after kill -9` });
    await ackedSince(10, 'after the kill -9');

    process.kill(ready().pid, 'SIGHUP');
    await eventually(() => ready().rolling_restart, { ms: 10_000, every: 50, what: 'the rolling restart began' });
    await eventually(allNodesReady, { ms: 120_000, every: 100, what: 'every node ready after the rolling restart' });
    await ackedSince(10, 'after the rolling restart');

    await restartRedis();
    await ackedSince(10, 'after the Redis restart');

    await run(pgRestart, []);
    await ackedSince(10, 'after the PostgreSQL restart');

    const delivered = await crossNodeProbe(people, conversationId, `r${round}`);
    const a = await audit(front, people.receiver.token, conversationId);
    if (!delivered) totals.undelivered++;
    log(`round ${round}/${rounds}: ${a.acknowledged - before} acknowledged (${a.acknowledged} in all, ${a.stored} stored), lost ${a.lost}, duplicated ${a.duplicated}, holes ${a.holes}, ` +
      `cross-node delivery ${delivered ? 'ok' : 'FAILED'}; ${stats.retries} resends without answer, ${stats.refused} refusals, ${stats.reconnects} reconnects so far; ${((Date.now() - roundStart) / 1000).toFixed(1)} s`);
    if (a.lost || a.duplicated) break; // holes may be transient while senders run: judged at the end
  }
  sending = false;
  await Promise.all(senders);
  const final = await audit(front, people.receiver.token, conversationId);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  log(`SOAK acknowledged=${acked.size} stored=${final.stored} lost=${final.lost} duplicated=${final.duplicated} holes=${final.holes} ` +
    `undelivered_probes=${totals.undelivered} resends=${stats.retries} refusals=${stats.refused} reconnects=${stats.reconnects} rounds=${rounds} seconds=${seconds}`);
  if (final.lost || final.duplicated || final.holes || totals.undelivered) exitCode = 1;
} catch (e) {
  console.error(`soak: ${e.stack ?? e}\n--- cluster output (last 3000 chars)\n${clusterOutput.slice(-3000)}`);
  exitCode = 1;
} finally {
  sending = false;
  await stopCluster();
}
process.exit(exitCode);
