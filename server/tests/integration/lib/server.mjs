// Starts the real meridian binary on a free port with a fresh data folder, and stops
// it after the test (also when the test fails).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { eachLine, waitForServerStarted } from '../../../../scripts/lib/meridian-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.MERIDIAN_BIN ?? resolve(here, '../../../../build/server/src/app/meridian');

// A web root with an index, a hashed asset, and a secret file next to (outside) it.
export function makeWebRoot(dir) {
  const web = join(dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Meridian</title>');
  writeFileSync(join(web, 'main-ABCDEF12.js'), 'console.log(1)');
  writeFileSync(join(web, 'assets', 'note.txt'), 'hello');
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET-OUTSIDE-WEB-ROOT');
  return web;
}

export async function startServer({ env = {}, args = [], webRoot = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-it-'));
  const adminEmail = 'admin@example.test';
  const adminPassword = 'admin-' + randomBytes(9).toString('base64url');
  const fullArgs = ['--port', '0', '--address', '127.0.0.1', ...args];
  if (!args.includes('--data-dir')) fullArgs.push('--data-dir', join(dir, 'data'));
  if (webRoot) fullArgs.push('--web-root', makeWebRoot(dir));
  const childEnv = {
    ...process.env,
    MERIDIAN_ADMIN_EMAIL: adminEmail,
    MERIDIAN_ADMIN_PASSWORD: adminPassword,
    MERIDIAN_PASSWORD_COST: 'minimum',
    MERIDIAN_LOG_LEVEL: 'info',
    ...env,
  };
  if (process.env.MERIDIAN_TEST_DATABASE_URL && !env.MERIDIAN_DATABASE_URL) {
    childEnv.MERIDIAN_DATABASE_URL = await freshPostgresDatabase(process.env.MERIDIAN_TEST_DATABASE_URL);
  }
  const child = spawn(BIN, fullArgs, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  eachLine(child.stdout, (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      lines.push({ raw: line });
    }
  });
  let info;
  try {
    info = await waitForServerStarted(child, 'meridian', { timeoutMs: 20000 });
  } catch (error) {
    error.message += `:\n${stderr}`;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true }); // a server that never started leaves nothing behind
    throw error;
  }
  const base = `http://127.0.0.1:${info.port}`;
  const server = {
    base,
    port: info.port,
    dir,
    child,
    lines,
    stderr: () => stderr,
    adminEmail,
    adminPassword,
    databaseUrl: childEnv.MERIDIAN_DATABASE_URL, // PostgreSQL runs only; undefined on SQLite
    exited: new Promise((r) => child.on('exit', (code, signal) => r({ code, signal }))),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
        await server.exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

let dbCounter = 0;
// Each server gets its own PostgreSQL database on the test cluster.
export async function freshPostgresDatabase(url) {
  const { execFileSync } = await import('node:child_process');
  const name = `meridian_it_${process.pid}_${++dbCounter}`;
  execFileSync('psql', [url, '-qAtc', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

export async function api(server, method, path, { token, body, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['content-type'] = 'application/json';
  }
  const res = await fetch(server.base + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function login(server, email, password) {
  const r = await api(server, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login ${email} failed: ${r.status} ${r.text}`);
  return r.json.token;
}

export async function createUser(server, adminToken, fields) {
  const body = {
    display_name: 'Test Person',
    password: 'a good password',
    kind: 'employee',
    country: 'PT',
    time_zone: 'Europe/Lisbon',
    ...fields,
  };
  const r = await api(server, 'POST', '/api/v1/admin/users', { token: adminToken, body });
  if (r.status !== 201) throw new Error(`create user failed: ${r.status} ${r.text}`);
  return { user: r.json, token: await login(server, body.email, body.password), password: body.password };
}
