// A burst of WebSocket handshakes against everyone else (issue 16, defect 7): while N
// clients open /ws at once (each with its own session token, so every handshake looks its
// token up in the store, and each waits for its `hello`), one client polls GET /healthz
// back to back and records how long each answer takes. Before the fix the handshakes'
// store work ran on the I/O threads and /healthz waited behind it.
//
// Each binary gets a fresh server and data folder per round; binaries alternate (ABAB) so a
// noisy machine hurts both alike. Prints a markdown table and one `BURST_RESULT {json}` line.
//
//   node bench/handshake_burst.mjs --bin old=/tmp/meridian-old --bin new=build/server/src/app/meridian
//        [--handshakes 2000] [--rounds 3] [--threads 2]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { freePort, login, waitReady } from './tool.mjs';

const { values: opt } = parseArgs({
  options: {
    bin: { type: 'string', multiple: true },
    handshakes: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
  },
});
if (!opt.bin?.length) {
  console.error('usage: node handshake_burst.mjs --bin label=/path/to/meridian [--bin ...] [--handshakes N]');
  process.exit(2);
}
const binaries = opt.bin.map((b) => {
  const [label, file] = b.includes('=') ? b.split(/=(.*)/s) : [path.basename(b), b];
  return { label, file: path.resolve(file) };
});
const handshakes = Number(opt.handshakes);
const rounds = Number(opt.rounds);
const password = 'bench-password-1';

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function startServer(bin) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-burst-'));
  const child = spawn(
    bin,
    ['--port', String(port), '--address', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn',
     '--threads', opt.threads],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        MERIDIAN_PASSWORD_COST: 'minimum',
        MERIDIAN_ADMIN_PASSWORD: password,
        MERIDIAN_ADMIN_EMAIL: 'admin@bench.local',
        // Handshakes are what is measured, not the per-person frame limits.
        MERIDIAN_WS_PERSON_FRAMES_PER_SECOND: '0',
      },
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base, 30);
  return {
    base,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// Distinct sessions: each handshake's token lookup misses the server's short cache.
async function tokens(base, n) {
  const out = [];
  const workers = Array.from({ length: 8 }, async () => {
    while (out.length < n) {
      out.push(await login(base, 'admin@bench.local', password));
    }
  });
  await Promise.all(workers);
  return out.slice(0, n);
}

// Polls /healthz over one keep-alive connection until stopped, on its own thread (a worker
// with its own event loop), so that the burst's clients in this thread do not delay it.
// Returns [startedAt, ms] pairs on the clock `now()` below (epoch milliseconds).
const now = () => performance.timeOrigin + performance.now();
const pollerSource = `
  const { parentPort, workerData } = require('node:worker_threads');
  const http = require('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const now = () => performance.timeOrigin + performance.now();
  const samples = [];
  let running = true;
  parentPort.on('message', () => { running = false; });
  (async () => {
    while (running) {
      const t0 = now();
      await new Promise((resolve, reject) => {
        http.get(workerData.base + '/healthz', { agent }, (res) => { res.resume(); res.on('end', resolve); })
          .on('error', reject);
      });
      samples.push([t0, now() - t0]);
      await new Promise((r) => setImmediate(r));
    }
    agent.destroy();
    parentPort.postMessage(samples);
  })();
`;
function pollHealth(base) {
  const worker = new Worker(pollerSource, { eval: true, workerData: { base } });
  const result = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const samples = await result;
      await worker.terminate();
      return samples;
    },
  };
}

function openAndGreet(base, token, index) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws`, ['meridian.v1'], {
      headers: { Authorization: `Bearer ${token}` },
      localAddress: `127.0.0.${2 + (index % 10)}`,
      perMessageDeflate: false,
      handshakeTimeout: 60000,
    });
    ws.once('message', () => resolve({ ws, ms: performance.now() - t0 }));
    ws.once('error', (err) => resolve({ ws, error: String(err.message ?? err) }));
  });
}

async function oneRun(bin) {
  const server = await startServer(bin.file);
  try {
    const list = await tokens(server.base, handshakes);
    const poller = pollHealth(server.base);
    await new Promise((r) => setTimeout(r, 300)); // a baseline before the burst
    const burstStart = now();
    const results = await Promise.all(list.map((t, i) => openAndGreet(server.base, t, i)));
    const burstEnd = now();
    await new Promise((r) => setTimeout(r, 100));
    const samples = await poller.stop();
    for (const r of results) r.ws.terminate();
    const during = samples.filter(([t]) => t >= burstStart && t <= burstEnd).map(([, ms]) => ms).sort((a, b) => a - b);
    const before = samples.filter(([t]) => t < burstStart).map(([, ms]) => ms).sort((a, b) => a - b);
    const greeted = results.filter((r) => r.ms !== undefined).map((r) => r.ms).sort((a, b) => a - b);
    return {
      burst_ms: burstEnd - burstStart,
      failed: results.length - greeted.length,
      health_samples: during.length,
      health_before_p99_ms: percentile(before, 99),
      health_p50_ms: percentile(during, 50),
      health_p99_ms: percentile(during, 99),
      health_max_ms: during.at(-1) ?? NaN,
      hello_p50_ms: percentile(greeted, 50),
      hello_p99_ms: percentile(greeted, 99),
    };
  } finally {
    await server.stop();
  }
}

const runs = Object.fromEntries(binaries.map((b) => [b.label, []]));
for (let round = 1; round <= rounds; round++) {
  for (const bin of binaries) {
    const r = await oneRun(bin);
    runs[bin.label].push(r);
    console.error(`round ${round} ${bin.label}: ${JSON.stringify(r, (k, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`);
  }
}

const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
console.log(`| binary | /healthz p50 during burst (ms) | p99 | max | burst to last hello (ms) | hello p99 (ms) | failed |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
for (const { label } of binaries) {
  const rs = runs[label];
  const m = (key) => median(rs.map((r) => r[key]));
  const range = (key) => `${f(Math.min(...rs.map((r) => r[key])))}-${f(Math.max(...rs.map((r) => r[key])))}`;
  console.log(
    `| ${label} | ${f(m('health_p50_ms'))} (${range('health_p50_ms')}) | ${f(m('health_p99_ms'))} (${range('health_p99_ms')}) | ` +
      `${f(m('health_max_ms'))} | ${f(m('burst_ms'))} | ${f(m('hello_p99_ms'))} | ${rs.reduce((a, r) => a + r.failed, 0)} |`,
  );
}
console.log(`BURST_RESULT ${JSON.stringify({ handshakes, rounds, threads: Number(opt.threads), runs })}`);
