// Start-up to ready: spawns the server on an empty data folder RUNS times and times the span
// from spawn() to the first 200 from GET /readyz, polling every POLL_MS. Then RESTARTS more
// starts on one folder that is already set up (no migrations, no administrator to create), to
// show what the first start's extra work costs. Prints a human line per run on stderr and one
// `STARTUP_RESULT {json}` line on stdout.
//
//   node startup.mjs --bin PATH [--runs 10] [--restarts 5] [--poll-ms 2] [--tmp DIR]
// The caller sets MERIDIAN_ADMIN_EMAIL / MERIDIAN_ADMIN_PASSWORD (no generated password).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePort, request } from './tool.mjs';

const { values: opt } = parseArgs({
  options: {
    bin: { type: 'string' },
    runs: { type: 'string', default: '10' },
    restarts: { type: 'string', default: '5' },
    'poll-ms': { type: 'string', default: '2' },
    'timeout-seconds': { type: 'string', default: '10' },
    tmp: { type: 'string', default: os.tmpdir() },
  },
});
if (!opt.bin) {
  console.error('usage: node startup.mjs --bin PATH [--runs N]');
  process.exit(2);
}
const runs = Number(opt.runs);
const restarts = Number(opt.restarts);
const pollMs = Number(opt['poll-ms']);
const timeoutMs = Number(opt['timeout-seconds']) * 1000;

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stop(child) {
  if (exited(child)) return;
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const graceful = await Promise.race([done.then(() => true), sleep(7000).then(() => false)]);
  if (!graceful) {
    child.kill('SIGKILL');
    await done;
  }
}

// One start on dataDir (a fresh folder when none is given, removed afterwards).
async function oneRun(index, keptDir) {
  const dataDir = keptDir ?? fs.mkdtempSync(path.join(opt.tmp, `startup-${index}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = process.hrtime.bigint();
  const child = spawn(opt.bin, ['--port', String(port), '--address', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The start-up banner goes to stderr; keep it only to explain a failure.
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  try {
    while (true) {
      if (exited(child)) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before ready:\n${stderr}`);
      if (Number(process.hrtime.bigint() - t0) / 1e6 > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms`);
      try {
        const res = await request(`${base}/readyz`, { timeoutMs: 1000 });
        if (res.status === 200) return Number(process.hrtime.bigint() - t0) / 1e6;
      } catch {
        // connection refused: not listening yet
      }
      await sleep(pollMs);
    }
  } finally {
    await stop(child);
    if (!keptDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const times = [];
for (let i = 0; i < runs; i++) {
  const ms = await oneRun(i);
  times.push(ms);
  console.error(`startup: run ${i + 1}/${runs}: ${ms.toFixed(1)} ms`);
}
const restartTimes = [];
if (restarts > 0) {
  const keptDir = fs.mkdtempSync(path.join(opt.tmp, 'startup-restart-'));
  await oneRun('setup', keptDir);
  for (let i = 0; i < restarts; i++) {
    const ms = await oneRun(i, keptDir);
    restartTimes.push(ms);
    console.error(`startup: restart ${i + 1}/${restarts} on a set-up folder: ${ms.toFixed(1)} ms`);
  }
  fs.rmSync(keptDir, { recursive: true, force: true });
}

const round = (x) => Number(x.toFixed(1));
function stats(values) {
  if (values.length === 0) return {};
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min_ms: round(sorted[0]), median_ms: round(median), max_ms: round(sorted[sorted.length - 1]) };
}
const again = stats(restartTimes);
console.log(
  `STARTUP_RESULT ${JSON.stringify({
    runs,
    poll_ms: pollMs,
    ...stats(times),
    times_ms: times.map(round),
    restarts,
    restart_min_ms: again.min_ms,
    restart_median_ms: again.median_ms,
    restart_max_ms: again.max_ms,
    restart_times_ms: restartTimes.map(round),
  })}`,
);
