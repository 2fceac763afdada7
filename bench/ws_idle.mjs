// Memory per idle WebSocket: opens N authenticated connections to /ws, spread over several
// loopback source addresses, lets them sit idle, and compares the server's VmRSS before and
// after. Prints a human summary on stderr and one `WS_RESULT {json}` line on stdout.
//
//   node ws_idle.mjs --url http://127.0.0.1:PORT --token TOKEN --pid SERVER_PID
//        [--count 20000] [--concurrency 200] [--sources 127.0.0.2-127.0.0.11] [--idle-seconds 5]
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { request } from './tool.mjs';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    pid: { type: 'string' },
    count: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '200' },
    sources: { type: 'string', default: '127.0.0.2-127.0.0.11' },
    'idle-seconds': { type: 'string', default: '5' },
    'open-timeout-seconds': { type: 'string', default: '180' },
  },
});
if (!opt.url || !opt.token || !opt.pid) {
  console.error('usage: node ws_idle.mjs --url http://127.0.0.1:PORT --token TOKEN --pid PID [--count N]');
  process.exit(2);
}
const count = Number(opt.count);
const concurrency = Number(opt.concurrency);
const idleSeconds = Number(opt['idle-seconds']);
const openDeadline = Date.now() + Number(opt['open-timeout-seconds']) * 1000;
const wsUrl = `${opt.url.replace(/^http/, 'ws')}/ws`;

// "127.0.0.2-127.0.0.11" -> the ten addresses; Linux routes all of 127/8 to lo.
function sourceAddresses(spec) {
  const [from, to] = spec.split('-');
  const prefix = from.split('.').slice(0, 3).join('.');
  const first = Number(from.split('.')[3]);
  const last = to ? Number(to.split('.')[3]) : first;
  const out = [];
  for (let i = first; i <= last; i++) out.push(`${prefix}.${i}`);
  return out;
}

function procStatus(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number((text.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm')) ?? [])[1]);
  return { rssKiB: field('VmRSS'), threads: field('Threads') };
}

async function serverWsGauge() {
  const res = await request(`${opt.url}/metrics`);
  const m = res.body.match(/^meridian_ws_connections (\d+)/m);
  return m ? Number(m[1]) : null;
}

const sources = sourceAddresses(opt.sources);
const sockets = [];
let failures = 0;
let firstError = null;
let unexpectedCloses = 0;
let closing = false;

function openOne(index) {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, ['meridian.v1'], {
      headers: { Authorization: `Bearer ${opt.token}` },
      localAddress: sources[index % sources.length],
      perMessageDeflate: false,
      handshakeTimeout: 30000,
    });
    let settled = false;
    ws.on('open', () => {
      settled = true;
      sockets.push(ws);
      resolve(true);
    });
    ws.on('message', () => {}); // the server's hello
    ws.on('error', (err) => {
      if (!settled) {
        settled = true;
        failures++;
        firstError ??= err.message;
        resolve(false);
      }
    });
    ws.on('close', () => {
      if (settled && !closing) unexpectedCloses++;
    });
  });
}

const before = procStatus(opt.pid);
const startedAt = process.hrtime.bigint();
let next = 0;
async function opener() {
  while (next < count && Date.now() < openDeadline) {
    const index = next++;
    await openOne(index);
  }
}
const progress = setInterval(() => {
  console.error(`ws_idle: ${sockets.length} open, ${failures} failed`);
}, 5000);
await Promise.all(Array.from({ length: Math.min(concurrency, count) }, opener));
clearInterval(progress);
const openSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;

await sleep(idleSeconds * 1000);
const gauge = await serverWsGauge().catch(() => null);
const after = procStatus(opt.pid);
const open = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;

closing = true;
await Promise.race([
  Promise.all(
    sockets.map(
      (ws) =>
        new Promise((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', resolve);
          ws.close(1000);
        }),
    ),
  ),
  sleep(15000),
]);
for (const ws of sockets) ws.terminate();
await sleep(2000);
const afterClose = procStatus(opt.pid);

const result = {
  requested: count,
  opened: sockets.length,
  open_after_idle: open,
  failed: failures,
  first_error: firstError,
  unexpected_closes: unexpectedCloses,
  server_ws_gauge: gauge,
  open_seconds: Number(openSeconds.toFixed(2)),
  idle_seconds: idleSeconds,
  sources: sources.length,
  rss_before_kib: before.rssKiB,
  rss_after_kib: after.rssKiB,
  rss_after_close_kib: afterClose.rssKiB,
  threads: after.threads,
  kib_per_connection: open > 0 ? Number(((after.rssKiB - before.rssKiB) / open).toFixed(2)) : null,
};
console.error(
  `ws_idle: ${open}/${count} open (${failures} failed, gauge ${gauge}) in ${result.open_seconds}s; ` +
    `RSS ${before.rssKiB} -> ${after.rssKiB} KiB = ${result.kib_per_connection} KiB/connection`,
);
console.log(`WS_RESULT ${JSON.stringify(result)}`);
process.exit(0);
