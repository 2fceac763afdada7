// TURN credentials against Debian's coturn: a turnserver with --use-auth-secret on a free
// loopback port accepts the credential Meridian issues on meet.join (turnutils_uclient
// allocates a relay with it) and refuses an expired one and a forged one. The test
// starts coturn itself and always stops it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { eventually, live } from './lib/live.mjs';

const SECRET = 'it-turn-secret-' + process.pid;

function have(bin) {
  try { execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'pipe' }); return true; } catch { return false; }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitForTcp(port, ms = 10000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`turnserver did not listen on ${port}`);
}

// Exit code of one relay allocation with these credentials (0 = allocated and relayed).
function allocate(port, username, password) {
  return new Promise((resolve) => {
    execFile('turnutils_uclient', ['-y', '-n', '1', '-m', '1', '-X', '-p', String(port), '-u', username, '-w', password, '127.0.0.1'],
      { timeout: 30000 }, (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout + stderr }));
  });
}

const hmac = (username) => createHmac('sha1', SECRET).update(username).digest('base64');

describe('TURN credentials with coturn', { skip: !have('turnserver') && 'coturn is not installed (scripts/install-deps.sh --test)' }, () => {
  let dir, turn, turnPort, server, ana;
  let turnLog = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-turn-'));
    turnPort = await freePort();
    turn = spawn('turnserver', [
      '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${turnPort}`,
      '--use-auth-secret', `--static-auth-secret=${SECRET}`, '--realm=meridian.test',
      '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers', '--min-port=49160', '--max-port=49400',
      '--log-file=stdout', '--simple-log', `--pidfile=${join(dir, 'turn.pid')}`, `--userdb=${join(dir, 'turndb')}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    turn.stdout.on('data', (d) => (turnLog += d));
    turn.stderr.on('data', (d) => (turnLog += d));
    await waitForTcp(turnPort);

    const config = join(dir, 'meridian.toml');
    writeFileSync(config, [
      '[meetings]',
      `turn_secret = "${SECRET}"`,
      '[[meetings.regions]]',
      'name = "eu-central"',
      `turn_urls = ["turn:127.0.0.1:${turnPort}?transport=udp"]`,
    ].join('\n'));
    server = await startServer({ webRoot: false, args: ['--config', config] });
    const admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.turn@example.test', display_name: 'Ana' });
  });

  after(async () => {
    if (turn && turn.exitCode === null) {
      const exited = new Promise((r) => turn.once('exit', r));
      turn.kill('SIGTERM');
      const t = setTimeout(() => turn.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the credential issued on join and refuses an expired or forged one', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'TURN check' } })).json;
    const ws = live(server, ana.token);
    await ws.opened;
    const joined = await ws.request({ type: 'meet.join', id: 't1', code: m.code });
    ws.close();
    const ice = joined.ice_servers.find((s) => s.username);
    assert.ok(ice, JSON.stringify(joined.ice_servers));
    assert.deepEqual(ice.urls, [`turn:127.0.0.1:${turnPort}?transport=udp`]);
    const [expiry] = ice.username.split(':');
    assert.ok(Number(expiry) > Date.now() / 1000, 'expiry in the future');
    assert.equal(ice.credential, hmac(ice.username));

    const fresh = await allocate(turnPort, ice.username, ice.credential);
    assert.equal(fresh.code, 0, fresh.out);

    const expiredName = `${Math.floor(Date.now() / 1000) - 60}:u${joined.you.user_id}`;
    const expired = await allocate(turnPort, expiredName, hmac(expiredName));
    assert.notEqual(expired.code, 0, 'an expired credential must be refused');

    // Moving the expiry forward without the secret does not work either.
    const forgedName = `${Number(expiry) + 3600}:u${joined.you.user_id}`;
    const forged = await allocate(turnPort, forgedName, ice.credential);
    assert.notEqual(forged.code, 0, 'a forged credential must be refused');
    // coturn writes its log in its own time: wait for the refusal to show up there.
    await eventually(() => /check_stun_auth|401|Unauthori/i.test(turnLog), { ms: 5000 }).catch(() => undefined);
    assert.match(turnLog, /check_stun_auth|401|Unauthori/i);
  });
});
