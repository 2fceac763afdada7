// Slot suggestion over HTTP, end to end (issue 14): a fresh meridian (SQLite, temp folder,
// loopback port 0) with 50 people in ten zones, each with one meeting; then ROUNDS times
// POST /api/v1/scheduling/suggestions for all 50 over 14 days, one at a time. Prints the
// median, p95 and max latency in ms. The server is stopped and the folder removed however it ends.
//   MERIDIAN_BIN=build/server/src/app/meridian node bench/slot_suggestion/http.mjs [ROUNDS]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.MERIDIAN_BIN ?? resolve(here, '../../build/server/src/app/meridian');
const rounds = Number(process.argv[2] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'meridian-slots-'));
const child = spawn(bin, ['--port', '0', '--address', '127.0.0.1', '--data-dir', join(dir, 'data')], {
  env: { ...process.env, MERIDIAN_ADMIN_EMAIL: 'admin@bench.test', MERIDIAN_ADMIN_PASSWORD: 'bench admin password', MERIDIAN_PASSWORD_COST: 'minimum', MERIDIAN_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const stop = () => {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', stop);

const port = await new Promise((ok, fail) => {
  let buf = '';
  // The start-up banner ("Meridian is running at http://127.0.0.1:PORT/") goes to stderr.
  const read = (d) => {
    buf += d;
    const m = buf.match(/running at http:\/\/127\.0\.0\.1:(\d+)\//);
    if (m) ok(Number(m[1]));
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  child.on('exit', (c) => fail(new Error(`meridian exited ${c}`)));
});
const base = `http://127.0.0.1:${port}`;
async function call(method, path, token, body) {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const admin = (await (await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@bench.test', password: 'bench admin password' }) })).json()).token;
const zones = [['PT', 'Europe/Lisbon'], ['US', 'America/New_York'], ['JP', 'Asia/Tokyo'], ['AU', 'Australia/Sydney'], ['IN', 'Asia/Kolkata'], ['DE', 'Europe/Berlin'], ['BR', 'America/Sao_Paulo'], ['US', 'America/Los_Angeles'], ['SG', 'Asia/Singapore'], ['GB', 'Europe/London']];
for (const c of ['PT', 'US', 'DE', 'JP']) await call('POST', '/api/v1/admin/holiday-calendars/defaults', admin, { country: c, from_year: 2031, years: 1 });
const ids = [];
for (let i = 0; i < 50; i++) {
  const [country, time_zone] = zones[i % 10];
  const u = await call('POST', '/api/v1/admin/users', admin, { email: `p${i}@bench.test`, display_name: `P${i}`, password: 'a good password', kind: 'employee', country, time_zone });
  ids.push(u.id);
}
for (let i = 0; i < 50; i += 2) await call('POST', '/api/v1/meetings', admin, { title: `m${i}`, kind: 'scheduled', starts_at: Date.UTC(2031, 2, 3 + (i % 10), i % 24), duration_minutes: 60, user_ids: [ids[i], ids[i + 1]] });

const ms = [];
let found = 0;
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  const out = await call('POST', '/api/v1/scheduling/suggestions', admin, { user_ids: ids, duration_minutes: 30, from: '2031-03-03', days: 14, time_zone: 'Europe/Lisbon' });
  ms.push(performance.now() - t0);
  found = out.items.length;
}
ms.sort((a, b) => a - b);
const at = (q) => ms[Math.min(ms.length - 1, Math.floor(ms.length * q))].toFixed(2);
console.log(`POST /scheduling/suggestions, 50 people, 14 days, ${rounds} rounds: median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${ms[ms.length - 1].toFixed(2)} ms (${found} slots)`);
process.exit(0);
