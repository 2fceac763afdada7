// Chat across nodes and meeting joins across nodes (issue 16): the cluster of
// scripts/cluster.mjs (N nodes on one PostgreSQL and Redis, nginx in front) with 1, 2 and 3
// nodes in turn, each on a fresh database. Sockets are opened on the nodes directly, member i
// on node i mod N, so which deliveries cross the bus is known.
//   1. delivery: one group of MEMBERS, a message every 1000/RATE ms from a random member;
//      send-to-message.new time at every other member, split into same-node and cross-node;
//   2. throughput: every member sends its next message on its previous one's ack, for
//      SECONDS: acknowledged sends/s and message.new deliveries/s over all sockets;
//   3. meeting join: the host's socket joins first on node 1 (the room lives there), then
//      invited members join and leave one after the other, each on its own node:
//      meet.join to meet.joined, same-node and cross-node.
// Sender and receivers are this one process, so there is no clock skew.
//
//   scripts/with-postgres.sh scripts/with-redis.sh node bench/cluster_latency.mjs \
//     [--nodes 1,2,3] [--members 9] [--messages 600] [--rate 50] [--seconds 10] [--joins 150]
// Prints a markdown table on stdout, progress on stderr.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, createUser, login, freshPostgresDatabase } from '../server/tests/integration/lib/server.mjs';
import { eventually, live } from '../server/tests/integration/lib/live.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const nodeCounts = option('nodes', '1,2,3').split(',').map(Number);
const MEMBERS = Number(option('members', '9'));
const MESSAGES = Number(option('messages', '600'));
const RATE = Number(option('rate', '50'));
const SECONDS = Number(option('seconds', '10'));
const JOINS = Number(option('joins', '150'));
const pg = process.env.MERIDIAN_TEST_PG_URL;
if (!pg || !process.env.MERIDIAN_TEST_REDIS_URL) {
  console.error('cluster_latency: run me under scripts/with-postgres.sh scripts/with-redis.sh');
  process.exit(2);
}
const log = (s) => console.error(`[cluster_latency] ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
function pct(values, q) {
  if (!values.length) return NaN;
  const v = [...values].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor(q * (v.length - 1)))];
}
const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const summary = (v) => (v.length ? `p50 ${ms(pct(v, 0.5))} / p99 **${ms(pct(v, 0.99))}** / max ${ms(pct(v, 1))} ms (${v.length})` : 'n/a');

async function withCluster(n, body) {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-clat-'));
  const readyFile = join(dir, 'ready.json');
  const env = {
    ...process.env,
    MERIDIAN_TEST_PG_URL: await freshPostgresDatabase(pg),
    MERIDIAN_PASSWORD_COST: 'minimum', // setup only: sign-ins are not measured
    MERIDIAN_WS_FRAMES_PER_SECOND: '0', // one loopback client drives every socket (bench/lib.sh does the same)
    MERIDIAN_WS_PERSON_FRAMES_PER_SECOND: '0',
    MERIDIAN_WS_WRITES_PER_SECOND: '0',
  };
  let output = '';
  const child = spawn(process.execPath, [join(root, 'scripts/cluster.mjs'), '--nodes', String(n), '--ready-file', readyFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await eventually(() => existsSync(readyFile), { ms: 180_000, every: 200, what: `the cluster is up\n${output}` });
    return await body(JSON.parse(readFileSync(readyFile, 'utf8')));
  } finally {
    child.kill('SIGINT');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(n, ready) {
  const url = new URL(ready.url);
  const front = { base: url.origin, port: Number(url.port) };
  const nodes = ready.nodes.map((x) => ({ base: `http://127.0.0.1:${x.port}`, port: x.port }));
  const admin = await login(front, ready.admin.email, ready.admin.password);
  const people = [];
  for (let i = 0; i < MEMBERS; i++) people.push(await createUser(front, admin, { email: `m${i}.n${n}@example.test`, display_name: `Member ${i}` }));
  const nodeOf = (i) => i % n;
  const sockets = [];
  for (let i = 0; i < MEMBERS; i++) {
    const ws = live(nodes[nodeOf(i)], people[i].token);
    await ws.opened;
    sockets.push(ws);
  }
  const conv = await api(front, 'POST', '/api/v1/conversations', { token: people[0].token, body: { kind: 'group', name: `Latency ${n}`, member_ids: people.slice(1).map((p) => p.user.id) } });
  if (conv.status !== 201) throw new Error(conv.text);
  const conversationId = conv.json.id;
  await sleep(500);

  // 1 and 2: every message.new is timed against its send; the client_id names the sender.
  const sentAt = new Map(); // client_id -> [time, sender index]
  const same = [];
  const cross = [];
  let deliveries = 0;
  let timing = true;
  sockets.forEach((ws, i) => {
    ws.on('message', (data) => {
      const text = data.toString();
      if (!text.startsWith('{"type":"message.new"')) return;
      deliveries++;
      const m = JSON.parse(text);
      const sent = sentAt.get(m.message.client_id);
      if (!sent || !timing || sent[1] === i) return;
      (nodeOf(sent[1]) === nodeOf(i) ? same : cross).push(now() - sent[0]);
    });
  });
  const send = (i, clientId) => {
    sentAt.set(clientId, [now(), i]);
    sockets[i].send(JSON.stringify({ type: 'message.send', id: clientId, conversation_id: conversationId, text: `latency ${clientId}`, client_id: clientId }));
  };
  log(`${n} node(s): delivery, ${MESSAGES} messages at ${RATE}/s`);
  const t0 = now();
  for (let k = 0; k < MESSAGES; k++) {
    const due = t0 + (k * 1000) / RATE;
    if (due > now()) await sleep(due - now());
    send(Math.floor(Math.random() * MEMBERS), `d${n}-${k}`);
  }
  await sleep(2000);
  for (const ws of sockets) ws.inbox.length = 0; // acks nobody awaited

  log(`${n} node(s): throughput, ${MEMBERS} senders back to back for ${SECONDS} s`);
  timing = false;
  let acks = 0;
  let running = true;
  const deliveriesBefore = deliveries;
  const loops = sockets.map(async (ws, i) => {
    for (let k = 0; running; k++) {
      const id = `t${n}-${i}-${k}`;
      const ack = await ws.request({ type: 'message.send', id, conversation_id: conversationId, text: id, client_id: id });
      if (ack.type === 'message.ack') acks++;
      ws.inbox.length = 0;
    }
  });
  const tStart = now();
  await sleep(SECONDS * 1000);
  running = false;
  const elapsed = (now() - tStart) / 1000;
  const throughput = { acks_per_s: acks / elapsed, deliveries_per_s: (deliveries - deliveriesBefore) / elapsed };
  await Promise.all(loops);
  await sleep(1000);

  log(`${n} node(s): ${JOINS} meeting joins`);
  const meeting = await api(front, 'POST', '/api/v1/meetings', { token: people[0].token, body: { title: `Joins ${n}`, user_ids: people.slice(1).map((p) => p.user.id) } });
  if (meeting.status !== 201) throw new Error(meeting.text);
  for (const ws of sockets) ws.inbox.length = 0;
  const host = await sockets[0].request({ type: 'meet.join', id: 'host', code: meeting.json.code });
  if (host.type !== 'meet.joined') throw new Error(JSON.stringify(host));
  const meetingId = host.meeting?.id ?? meeting.json.id;
  const joinSame = [];
  const joinCross = [];
  for (let j = 0; j < JOINS; j++) {
    const i = 1 + (j % (MEMBERS - 1));
    const t = now();
    const joined = await sockets[i].request({ type: 'meet.join', id: `j${j}`, code: meeting.json.code });
    const took = now() - t;
    if (joined.type !== 'meet.joined') throw new Error(JSON.stringify(joined));
    (nodeOf(i) === nodeOf(0) ? joinSame : joinCross).push(took);
    const left = await sockets[i].request({ type: 'meet.leave', id: `l${j}`, meeting_id: meetingId });
    if (left.type !== 'meet.ack') throw new Error(JSON.stringify(left));
    for (const ws of sockets) ws.inbox.length = 0;
  }
  for (const ws of sockets) ws.terminate();
  return { n, same, cross, throughput, joinSame, joinCross, load: loadavg().map((x) => x.toFixed(2)).join(' ') };
}

const results = [];
for (const n of nodeCounts) results.push(await withCluster(n, (ready) => measure(n, ready)));

console.log(`| nodes | chat delivery, same node | chat delivery, across nodes | throughput: acknowledged sends/s, deliveries/s | meeting join, same node as the room | meeting join, across nodes | load average (1/5/15) |`);
console.log('| ---: | --- | --- | --- | --- | --- | --- |');
for (const r of results)
  console.log(`| ${r.n} | ${summary(r.same)} | ${summary(r.cross)} | ${r.throughput.acks_per_s.toFixed(0)}, ${r.throughput.deliveries_per_s.toFixed(0)} | ${summary(r.joinSame)} | ${summary(r.joinCross)} | ${r.load} |`);
console.log(`\n${MEMBERS} members, member i on node i mod N (sockets straight to the nodes); ${MESSAGES} messages at ${RATE}/s from random members; throughput: ${MEMBERS} senders back to back for ${SECONDS} s; ${JOINS} joins (each followed by meet.leave), the room on node 1; ${cpus().length} cores (${cpus()[0]?.model}).`);
process.exit(0);
