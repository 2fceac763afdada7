// A local Meridian cluster on loopback, as production runs it: N meridian nodes sharing one
// PostgreSQL and one Redis (started by scripts/cluster.sh around this script), file contents
// in an S3 store (s3rver), and nginx in front balancing HTTP and WebSockets over the nodes.
//
//   scripts/cluster.sh [--nodes 3] [--port 8080] [--ready-file F]
//
// Like a service manager it starts a node again (on the same port) when it dies, and
// SIGHUP restarts the nodes one after the other (a rolling restart). Ctrl-C (SIGINT) or
// SIGTERM stops everything. --ready-file receives a JSON description (url, admin, nodes
// with pid and port) each time the cluster is up again: tests use it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForLine, waitForServerStarted } from './lib/meridian-process.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const nodeCount = Number(option('nodes', '3'));
const readyFile = option('ready-file', '');
const bin = resolve(root, process.env.MERIDIAN_BIN ?? 'build/server/src/app/meridian');
const webRoot = resolve(root, process.env.MERIDIAN_WEB_ROOT ?? 'web/dist/meridian/browser');
const s3rverJs = join(root, 'server/tests/integration/node_modules/s3rver/bin/s3rver.js');
const databaseUrl = process.env.MERIDIAN_TEST_PG_URL;
const busUrl = process.env.MERIDIAN_TEST_REDIS_URL;

function fail(message) {
  console.error(`cluster: ${message}`);
  process.exit(2);
}
if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 9) fail('--nodes takes 1 to 9');
if (!databaseUrl || !busUrl) fail('run me through scripts/cluster.sh (it starts PostgreSQL and Redis)');
if (!existsSync(bin)) fail(`no meridian binary at ${bin}: run make server-bin first`);
if (!existsSync(s3rverJs)) fail('s3rver is missing: run scripts/install-deps.sh --test first');

const dir = mkdtempSync(join(tmpdir(), 'meridian-cluster-'));
const admin = { email: process.env.MERIDIAN_ADMIN_EMAIL ?? 'admin@example.test', password: process.env.MERIDIAN_ADMIN_PASSWORD ?? `admin-${randomBytes(9).toString('base64url')}` };
const children = new Set();
let stopping = false;

// A free loopback port: the OS picks it, we release it and hand it to nginx or a node.
function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

function track(child, name) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stderr?.on('data', (d) => process.stderr.write(`[${name}] ${d}`));
  return child;
}

async function startS3() {
  const child = track(spawn(process.execPath, [s3rverJs, '-d', join(dir, 's3'), '-a', '127.0.0.1', '-p', '0', '--configure-bucket', 'meridian'], { stdio: ['ignore', 'pipe', 'pipe'] }), 's3rver');
  const match = (line) => /listening on 127\.0\.0\.1:(\d+)/.exec(line)?.[1];
  return Number(await waitForLine(child, match, 's3rver'));
}

const nodes = []; // { index, port, child }

function nodeEnv() {
  return {
    ...process.env,
    MERIDIAN_DATABASE_URL: databaseUrl,
    MERIDIAN_BUS_URL: busUrl,
    MERIDIAN_OBJECT_STORE: 's3',
    MERIDIAN_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    MERIDIAN_S3_BUCKET: 'meridian',
    MERIDIAN_S3_ACCESS_KEY: 'S3RVER',
    MERIDIAN_S3_SECRET_KEY: 'S3RVER',
    MERIDIAN_ADMIN_EMAIL: admin.email,
    MERIDIAN_ADMIN_PASSWORD: admin.password,
  };
}

async function startNode(index, port) {
  const args = ['--address', '127.0.0.1', '--port', String(port), '--data-dir', join(dir, `node${index}`)];
  if (existsSync(webRoot)) args.push('--web-root', webRoot);
  const child = track(spawn(bin, args, { env: nodeEnv(), stdio: ['ignore', 'pipe', 'pipe'] }), `node${index}`);
  const { port: actual } = await waitForServerStarted(child, `node ${index}`);
  const node = { index, port: actual, child };
  nodes[index - 1] = node;
  // A node that dies is started again on its port after a second, as systemd's Restart= does.
  child.once('exit', (code, signal) => {
    if (stopping || node.restarting) return;
    console.log(`cluster: node ${index} (pid ${child.pid}) died (${code ?? signal}); starting it again`);
    setTimeout(() => restartNode(node).catch((e) => console.error(`cluster: ${e.message}`)), 1000);
  });
  return node;
}

async function restartNode(node) {
  node.restarting = true;
  if (node.child.exitCode === null && node.child.signalCode === null) {
    const exited = new Promise((r) => node.child.once('exit', r));
    node.child.kill('SIGTERM');
    await exited;
  }
  await startNode(node.index, node.port);
  writeReady();
}

let s3Port;
let rolling = false; // a rolling restart is under way
let nginxPort;
let nginx;

function nginxConfig() {
  const upstreams = nodes.map((n) => `    server 127.0.0.1:${n.port} max_fails=1 fail_timeout=2s;`).join('\n');
  const temp = (name) => join(dir, 'nginx', name);
  return `# Written by scripts/cluster.mjs. Production notes: README, "Running several nodes".
${process.getuid?.() === 0 ? 'user root;  # running as root here: workers must read the temp dirs below\n' : ''}worker_processes 1;
daemon off;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream meridian {
${upstreams}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${nginxPort};
    location / {
      proxy_pass http://meridian;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 120s;
      client_max_body_size 0;
      proxy_request_buffering off;
      # A node that refuses or resets the connection is skipped (also for POST: nothing was sent).
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
`;
}

function startNginx() {
  mkdirSync(join(dir, 'nginx'), { recursive: true });
  const conf = join(dir, 'nginx', 'nginx.conf');
  writeFileSync(conf, nginxConfig());
  const child = track(spawn('nginx', ['-p', join(dir, 'nginx'), '-c', conf, '-e', join(dir, 'nginx', 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] }), 'nginx');
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`cluster: nginx exited (${code ?? signal})`);
      stop(1);
    }
  });
  return child;
}

async function untilServing(url) {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer`);
}

function writeReady() {
  if (!readyFile || stopping) return;
  const description = {
    url: `http://127.0.0.1:${nginxPort}`,
    admin,
    nodes: nodes.map((n) => ({ index: n.index, pid: n.child.pid, port: n.port })),
    s3_port: s3Port,
    nginx_pid: nginx?.pid,
    rolling_restart: rolling,
    pid: process.pid,
  };
  // Written aside and renamed, so a reader never sees half a file.
  writeFileSync(`${readyFile}.tmp`, JSON.stringify(description));
  renameSync(`${readyFile}.tmp`, readyFile);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const exits = [...children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', r))));
  for (const c of children) c.kill(c === nginx ? 'SIGQUIT' : 'SIGTERM');
  const timer = setTimeout(() => {
    for (const c of children) c.kill('SIGKILL');
  }, 10_000);
  await Promise.all(exits);
  clearTimeout(timer);
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', async () => {
  if (rolling || stopping) return;
  rolling = true;
  writeReady();
  console.log('cluster: rolling restart');
  try {
    for (const old of [...nodes]) {
      await restartNode(old);
      const node = nodes[old.index - 1];
      await untilServing(`http://127.0.0.1:${node.port}/readyz`);
      console.log(`cluster: node ${node.index} restarted (pid ${node.child.pid})`);
    }
  } catch (e) {
    console.error(`cluster: rolling restart failed: ${e.message}`);
  }
  rolling = false;
  writeReady();
});

try {
  s3Port = await startS3();
  // The first node migrates the database and creates the administrator; the others then
  // start beside it.
  for (let i = 1; i <= nodeCount; i++) {
    await startNode(i, 0);
    if (i === 1) await untilServing(`http://127.0.0.1:${nodes[0].port}/readyz`);
  }
  nginxPort = Number(option('port', 0)) || (await freePort());
  nginx = startNginx();
  await untilServing(`http://127.0.0.1:${nginxPort}/readyz`);
  for (const n of nodes) await untilServing(`http://127.0.0.1:${n.port}/readyz`);
  writeReady();
  console.log(`Meridian cluster: http://127.0.0.1:${nginxPort}/`);
  console.log(`  nginx in front of ${nodeCount} nodes (ports ${nodes.map((n) => n.port).join(', ')}), PostgreSQL, Redis, s3rver (port ${s3Port})`);
  console.log(`  first administrator: ${admin.email} / ${admin.password}`);
  console.log('  kill -HUP ' + process.pid + ' restarts the nodes one by one; Ctrl-C stops everything.');
} catch (e) {
  console.error(`cluster: ${e.message}`);
  await stop(1);
}
