// Starts the real meridian binary on a free port with a throwaway data dir, for one test file.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eachLine, waitForServerStarted } from '../../scripts/lib/meridian-process.mjs';

const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_BIN = resolve(E2E_DIR, '../build/server/src/app/meridian');
// MERIDIAN_WEB_ROOT: another build of the web app (e.g. one engineer's, beside the shared web/dist).
const DEFAULT_WEB_ROOT = process.env.MERIDIAN_WEB_ROOT ? resolve(process.env.MERIDIAN_WEB_ROOT) : resolve(E2E_DIR, '../web/dist/meridian/browser');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** Children still running, killed if the test process dies without cleaning up. */
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * @typedef {object} MeridianServer
 * @property {string} url            e.g. http://127.0.0.1:41234
 * @property {number} port
 * @property {string} adminEmail
 * @property {string} adminPassword
 * @property {string} dataDir
 * @property {() => string} output   everything the server printed so far (for failure messages)
 * @property {() => Promise<void>} stop  kills the server and removes the data dir (unless the test named it); safe to call twice
 */

/** The address a browser on this machine should open: a wildcard bind address becomes loopback. */
function browserUrl(started) {
  if (typeof started.url !== 'string' || !started.url) return `http://127.0.0.1:${started.port}`;
  const url = new URL(started.url);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]' || url.hostname === '::') url.hostname = '127.0.0.1';
  return url.origin;
}

/** @returns {Promise<MeridianServer>} */
export async function startServer({
  bin = process.env.MERIDIAN_BIN ? resolve(E2E_DIR, process.env.MERIDIAN_BIN) : DEFAULT_BIN,
  webRoot = DEFAULT_WEB_ROOT,
  args = [], // more command-line arguments (e.g. --config for a test's own configuration)
  env = {},
} = {}) {
  if (!existsSync(bin)) {
    throw new Error(`meridian binary not found at ${bin}. Build the server first (or set MERIDIAN_BIN).`);
  }
  if (!existsSync(join(webRoot, 'index.html'))) {
    throw new Error(`no built web app at ${webRoot}. Run "npm ci && npm run build" in web/ first.`);
  }

  // A test that restarts a server on the same data names it (`--data-dir` in args) and removes it.
  const ownDataDir = !args.includes('--data-dir');
  const dataDir = ownDataDir ? mkdtempSync(join(tmpdir(), 'meridian-e2e-')) : args[args.indexOf('--data-dir') + 1];
  const adminEmail = 'admin@example.test';
  const adminPassword = `e2e-${randomBytes(12).toString('hex')}`;
  const child = spawn(bin, ['--port', '0', ...(ownDataDir ? ['--data-dir', dataDir] : []), '--web-root', webRoot, ...args], {
    cwd: E2E_DIR,
    env: { ...process.env, ...env, MERIDIAN_ADMIN_EMAIL: adminEmail, MERIDIAN_ADMIN_PASSWORD: adminPassword },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  const lines = [];
  const remember = (stream, line) => {
    lines.push(`[${stream}] ${line}`);
    if (lines.length > 400) lines.shift();
  };
  createInterface({ input: child.stderr }).on('line', (line) => remember('stderr', line));

  let stopped = false;
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  exited.then(() => running.delete(child));

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    eachLine(child.stdout, (line) => remember('stdout', line));
    const started = await waitForServerStarted(child, 'meridian', { timeoutMs: START_TIMEOUT_MS });
    const url = browserUrl(started);
    return { url, port: started.port, adminEmail, adminPassword, dataDir, output: () => lines.join('\n'), stop };
  } catch (error) {
    await stop();
    error.message += `\n--- server output ---\n${lines.join('\n')}`;
    throw error;
  }
}
