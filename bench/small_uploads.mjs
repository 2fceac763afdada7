// Small-file uploads per second: CONCURRENCY clients, each POSTing 4 KiB files (plain
// single-request upload, a new name each time, keep-alive) for SECONDS.
//   node small_uploads.mjs --url URL --token TOKEN --space ID [--size 4096] [--concurrency 8] [--seconds 10]
// Prints `SMALL_RESULT {json}`.
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, v, i, a) => (v.startsWith('--') ? [...acc, [v.slice(2), a[i + 1]]] : acc), []),
);
const size = Number(args.size ?? 4096);
const concurrency = Number(args.concurrency ?? 8);
const seconds = Number(args.seconds ?? 10);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function upload(name, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${args.url}/api/v1/spaces/${args.space}/files?name=${encodeURIComponent(name)}`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${args.token}`,
          'content-type': 'application/octet-stream',
          'content-length': body.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let ok = 0;
let failed = 0;
let firstError = '';
const latencies = [];
const deadline = Date.now() + seconds * 1000;
const started = Date.now();
async function worker(w) {
  for (let i = 0; Date.now() < deadline; i++) {
    const body = randomBytes(size); // distinct content: no deduplication shortcut
    const t0 = process.hrtime.bigint();
    try {
      const status = await upload(`small-${w}-${i}.bin`, body);
      if (status === 201) ok++;
      else {
        failed++;
        firstError ||= `HTTP ${status}`;
      }
    } catch (e) {
      failed++;
      firstError ||= String(e.message);
    }
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
const elapsed = (Date.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1) : '');
console.log(
  'SMALL_RESULT ' +
    JSON.stringify({ size, concurrency, seconds: elapsed.toFixed(1), ok, failed, per_second: (ok / elapsed).toFixed(0), p50_ms: pct(0.5), p99_ms: pct(0.99), first_error: firstError }),
);
agent.destroy();
