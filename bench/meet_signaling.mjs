// Signaling relay latency: R rooms x P participants (default 1000 x 4) joined over /ws,
// each participant sending meet.signal to the next one in its room at a steady rate; the
// latency is receive time minus send time (same process, same clock), so it covers the
// client's send, the server's parse + room check + relay, and the client's receive.
// Starts its own meridian (fresh SQLite data folder, port 0) and stops it at the end.
// Prints a summary on stderr and one `MEET_RESULT {json}` line on stdout.
//
//   node bench/meet_signaling.mjs --bin build/server/src/app/meridian [--rooms 1000] [--per-room 4]
//        [--seconds 10] [--rate 1]   (signals per participant per second)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values: opt } = parseArgs({
  options: {
    bin: { type: 'string', default: 'build/server/src/app/meridian' },
    rooms: { type: 'string', default: '1000' },
    'per-room': { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '100' },
  },
});
const rooms = Number(opt.rooms);
const perRoom = Number(opt['per-room']);
const seconds = Number(opt.seconds);
const rate = Number(opt.rate);

const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-meet-'));
const adminPassword = 'bench-admin-pw-' + process.pid;
const child = spawn(opt.bin, ['--port', '0', '--address', '127.0.0.1', '--data-dir', join(dir, 'data')], {
  env: { ...process.env, MERIDIAN_ADMIN_EMAIL: 'admin@bench.test', MERIDIAN_ADMIN_PASSWORD: adminPassword, MERIDIAN_PASSWORD_COST: 'minimum', MERIDIAN_LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = () => { if (child.exitCode === null) child.kill('SIGTERM'); };
process.on('exit', () => { stop(); rmSync(dir, { recursive: true, force: true }); });

const port = await new Promise((resolve, reject) => {
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const line of lines) {
      try { const o = JSON.parse(line); if (o.event === 'server.started') resolve(o.port); } catch { /* not JSON */ }
    }
  });
  child.on('exit', (c) => reject(new Error('meridian exited ' + c)));
});
const base = `http://127.0.0.1:${port}`;
async function api(method, path, token, body) {
  const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => undefined);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const admin = (await api('POST', '/api/v1/auth/login', null, { email: 'admin@bench.test', password: adminPassword })).token;
const people = [];
for (let i = 0; i < perRoom; i++) {
  const email = `p${i}@bench.test`;
  const user = await api('POST', '/api/v1/admin/users', admin, { email, display_name: `P${i}`, password: 'bench password', kind: 'employee', country: 'PT', time_zone: 'Europe/Lisbon' });
  people.push({ user, token: (await api('POST', '/api/v1/auth/login', null, { email, password: 'bench password' })).token });
}
const codes = [];
for (let r = 0; r < rooms; r++) {
  const m = await api('POST', '/api/v1/meetings', people[0].token, { title: `room ${r}`, user_ids: people.slice(1).map((p) => p.user.id) });
  codes.push({ id: m.id, code: m.code });
}
console.error(`created ${rooms} meetings; opening ${rooms * perRoom} sockets`);

const latencies = [];
let received = 0;
let errors = 0;
const clients = [];
async function openClient(room, slot) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['meridian.v1', `bearer.${people[slot].token}`]);
  const c = { ws, room, slot, peer: 0 };
  await new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'meet.joined') { c.peer = m.you.peer_id; resolve(); }
      else if (m.type === 'meet.signal') { latencies.push(performance.now() - m.signal.t); received++; }
      else if (m.type === 'error') { errors++; if (!c.peer) reject(new Error(JSON.stringify(m))); }
    });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'meet.join', code: codes[room].code })));
    ws.on('error', reject);
  });
  return c;
}
const jobs = [];
for (let r = 0; r < rooms; r++) for (let s = 0; s < perRoom; s++) jobs.push([r, s]);
const started = Date.now();
while (jobs.length) {
  const batch = jobs.splice(0, Number(opt.concurrency));
  clients.push(...(await Promise.all(batch.map(([r, s]) => openClient(r, s)))));
}
console.error(`joined ${clients.length} participants in ${Date.now() - started} ms`);
const byRoom = new Map();
for (const c of clients) { if (!byRoom.has(c.room)) byRoom.set(c.room, []); byRoom.get(c.room)[c.slot] = c; }

// Each participant signals the next one in its room, spread evenly over each second.
const interval = 1000 / rate;
let sent = 0;
const timers = [];
for (const c of clients) {
  const target = byRoom.get(c.room)[(c.slot + 1) % perRoom];
  const send = () => {
    c.ws.send(JSON.stringify({ type: 'meet.signal', meeting_id: codes[c.room].id, to: target.peer, signal: { candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0' }, t: performance.now() } }));
    sent++;
  };
  timers.push(setTimeout(() => timers.push(setInterval(send, interval)), Math.random() * interval));
}
await sleep(seconds * 1000);
for (const t of timers) { clearTimeout(t); clearInterval(t); }
await sleep(500);
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
const result = {
  rooms, per_room: perRoom, seconds, rate_per_participant: rate, sent, received, errors,
  p50_ms: +q(0.5).toFixed(2), p90_ms: +q(0.9).toFixed(2), p99_ms: +q(0.99).toFixed(2), max_ms: +latencies.at(-1).toFixed(2),
};
console.error(`relay latency over ${received} signals: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${result.max_ms} ms`);
console.log('MEET_RESULT ' + JSON.stringify(result));
for (const c of clients) c.ws.terminate();
stop();
process.exit(0);
