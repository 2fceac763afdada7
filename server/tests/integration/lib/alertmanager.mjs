// Debian's real Prometheus Alertmanager (0.25) for tests: a free loopback port, its own
// storage folder, clustering off, and a generated configuration. stop() ends it (the
// suite's after() calls it, also when a test failed).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts Alertmanager with one route to one webhook receiver: `webhookUrl` with `secret` as
 * its bearer token (http_config.authorization). The timings keep a test short: a new group
 * is sent at once, changes after 1 s, and an unchanged firing alert again every 2 s.
 * `port`: a free port chosen before (freePort()), when its URL must be known first.
 */
export async function startAlertmanager({ webhookUrl, secret, repeatInterval = '2s', port: chosen }) {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-am-'));
  const port = chosen ?? (await freePort());
  const config = `route:
  receiver: meridian
  group_by: ['alertname']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: ${repeatInterval}
receivers:
  - name: meridian
    webhook_configs:
      - url: '${webhookUrl}'
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: '${secret}'
`;
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  const child = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=info',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const am = {
    base,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    // GET /api/v2/silences: every silence Alertmanager knows, with its status.state.
    async silences() {
      const res = await fetch(`${base}/api/v2/silences`);
      if (res.status !== 200) throw new Error(`alertmanager silences: ${res.status} ${await res.text()}`);
      return res.json();
    },
    // POST /api/v2/alerts (Alertmanager's own API, as Prometheus calls it).
    async post(alerts) {
      const res = await fetch(`${base}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (res.status !== 200) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
  };
  // Ready when /-/ready answers 200 (or it exits: then say why).
  const until = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`alertmanager exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const res = await fetch(`${base}/-/ready`);
      if (res.status === 200) return am;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      await am.stop();
      throw new Error(`alertmanager did not get ready in 20 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
