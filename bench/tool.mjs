// Small helpers the benchmark shell scripts call, so they need only Node (no curl, no python):
//   node tool.mjs free-port                 a free TCP port on 127.0.0.1
//   node tool.mjs wait-ready URL SECONDS    poll URL/readyz until 200, exit 1 on time-out
//   node tool.mjs login URL EMAIL PASSWORD  print the session token
//   node tool.mjs get URL [TOKEN]           print the body, exit 1 unless 200
import http from 'node:http';
import net from 'node:net';

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function request(url, { method = 'GET', headers = {}, body, timeoutMs = 5000, agent = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export async function login(base, email, password) {
  const body = JSON.stringify({ email, password });
  const res = await request(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    body,
  });
  if (res.status !== 200) throw new Error(`login: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body).token;
}

export async function waitReady(base, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if ((await request(`${base}/readyz`, { timeoutMs: 1000 })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${base}/readyz not ready after ${seconds} s`);
}

async function main(argv) {
  const [command, ...args] = argv;
  switch (command) {
    case 'free-port':
      console.log(await freePort());
      return;
    case 'wait-ready':
      await waitReady(args[0], Number(args[1] ?? 10));
      return;
    case 'login':
      console.log(await login(args[0], args[1], args[2]));
      return;
    case 'get': {
      const headers = args[1] ? { Authorization: `Bearer ${args[1]}` } : {};
      const res = await request(args[0], { headers });
      process.stdout.write(res.body);
      if (res.status !== 200) throw new Error(`GET ${args[0]}: HTTP ${res.status}`);
      return;
    }
    default:
      throw new Error(`unknown command: ${command}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`tool.mjs: ${err.message}`);
    process.exit(1);
  });
}
