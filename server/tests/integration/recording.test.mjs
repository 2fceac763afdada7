// Recording hooks against the real server: start/stop records with presence and
// acknowledgements, the indicator for everyone, the per-country toggle refusing a start,
// and signed webhooks to a local receiver that fails once (retried with backoff) with
// the delivery log to show for it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { eventually, live } from './lib/live.mjs';

const SECRET = 'hook-secret-' + process.pid;

describe('recording hooks and webhooks', () => {
  let server, receiver, dir, admin, ana, ben, carl;
  const received = [];
  let failNext = 1;
  const sockets = [];
  const open = async (token) => { const ws = live(server, token); sockets.push(ws); await ws.opened; return ws; };

  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (failNext > 0) { failNext--; res.writeHead(500).end('try again'); return; }
        received.push({ headers: req.headers, body, at: Date.now() });
        res.writeHead(204).end();
      });
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    dir = mkdtempSync(join(tmpdir(), 'meridian-rec-'));
    const config = join(dir, 'meridian.toml');
    writeFileSync(config, [
      '[meetings]',
      `webhook_urls = ["http://127.0.0.1:${receiver.address().port}/hooks"]`,
      `webhook_secret = "${SECRET}"`,
      'webhook_first_retry_ms = 300',
    ].join('\n'));
    server = await startServer({ webRoot: false, args: ['--config', config], env: { MERIDIAN_AUTH_CACHE_MS: '0' } });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.rec@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.rec@example.test', display_name: 'Ben' });
    carl = await createUser(server, admin, { email: 'carl.rec@example.test', display_name: 'Carl', kind: 'customer', country: 'IN', time_zone: 'Asia/Kolkata' });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
    await new Promise((r) => (receiver ? receiver.close(r) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const waitFor = async (pred, ms = 10000) => {
    const until = Date.now() + ms;
    while (Date.now() < until) { if (pred()) return; await new Promise((r) => setTimeout(r, 50)); }
    throw new Error('timed out; received ' + JSON.stringify(received.map((r) => r.body)));
  };

  it('records start/stop with presence and acknowledgements, shows the indicator, sends signed webhooks with retries', async () => {
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Recorded', user_ids: [ben.user.id] } })).json;
    const wa = await open(ana.token);
    const wb = await open(ben.token);
    await wa.request({ type: 'meet.join', id: 'j1', code: m.code });
    await wb.request({ type: 'meet.join', id: 'j2', code: m.code });

    const refused = await wb.request({ type: 'meet.recording.start', id: 'r0', meeting_id: m.id });
    assert.equal(refused.error.code, 'forbidden');
    const ok = await wa.request({ type: 'meet.recording.start', id: 'r1', meeting_id: m.id });
    assert.equal(ok.type, 'meet.ack', JSON.stringify(ok));
    const indicator = await wb.next((x) => x.type === 'meet.recording');
    assert.equal(indicator.recording.started_by, 'Ana');
    await wa.next((x) => x.type === 'meet.recording');
    assert.equal((await wb.request({ type: 'meet.recording.ack', id: 'k1', meeting_id: m.id })).type, 'meet.ack');
    // Someone joining later sees the indicator in meet.joined.
    const wb2 = await open(ben.token);
    const late = await wb2.request({ type: 'meet.join', id: 'j3', code: m.code });
    assert.ok(late.recording && late.recording.started_by === 'Ana');
    await wa.request({ type: 'meet.recording.stop', id: 'r2', meeting_id: m.id });
    assert.equal((await wb.next((x) => x.type === 'meet.recording')).recording, null);

    const recs = await api(server, 'GET', `/api/v1/meetings/${m.id}/recordings`, { token: ana.token });
    assert.equal(recs.status, 200);
    const [rec] = recs.json.items;
    assert.equal(rec.started_by.display_name, 'Ana');
    assert.ok(rec.stopped_at >= rec.started_at);
    assert.deepEqual(rec.participants.map((p) => p.display_name), ['Ana', 'Ben', 'Ben']);
    assert.ok(rec.participants[1].acknowledged_at > 0);
    assert.equal(rec.participants[0].acknowledged_at, null);
    assert.ok(!recs.text.includes('@'));

    await wa.request({ type: 'meet.end', id: 'e1', meeting_id: m.id });
    // recording.started failed once (500) and was retried; then stopped and meeting.ended.
    await waitFor(() => ['recording.started', 'recording.stopped', 'meeting.ended'].every((e) => received.some((r) => r.headers['x-meridian-event'] === e)));
    for (const r of received) {
      const ts = r.headers['x-meridian-timestamp'];
      const expected = 'sha256=' + createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex');
      assert.equal(r.headers['x-meridian-signature'], expected);
      assert.equal(JSON.parse(r.body).event, r.headers['x-meridian-event']);
    }
    const started = JSON.parse(received.find((r) => r.headers['x-meridian-event'] === 'recording.started').body);
    assert.equal(started.data.meeting_id, m.id);
    assert.equal(started.data.started_by.display_name, 'Ana');

    // The receiver has the retry before the server records its answer: wait for the record.
    const log = await eventually(async () => {
      const l = await api(server, 'GET', '/api/v1/admin/webhook-deliveries', { token: admin });
      return l.status !== 200 || l.json.items.some((d) => d.event === 'recording.started' && d.status !== 'pending') ? l : null;
    }, { what: 'the answer to recording.started recorded' });
    assert.equal(log.status, 200);
    const first = log.json.items.find((d) => d.event === 'recording.started');
    assert.equal(first.status, 'delivered');
    assert.equal(first.attempts, 2);
    assert.equal(first.last_status_code, 204);
    assert.equal((await api(server, 'GET', '/api/v1/admin/webhook-deliveries', { token: ana.token })).status, 403);
  });

  it('refuses to start recording when a participant is from a country where it is turned off', async () => {
    const t = await api(server, 'PUT', '/api/v1/admin/feature-toggles/meet.recording', { token: admin, body: { countries: { IN: false } } });
    assert.equal(t.status, 200, t.text);
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Consultation', user_ids: [carl.user.id], lobby_for_external: false } })).json;
    const wa = await open(ana.token);
    const wc = await open(carl.token);
    await wa.request({ type: 'meet.join', id: 'j1', code: m.code });
    const cj = await wc.request({ type: 'meet.join', id: 'j2', code: m.code });
    assert.equal(cj.waiting, false);
    const refused = await wa.request({ type: 'meet.recording.start', id: 'r1', meeting_id: m.id });
    assert.equal(refused.error.code, 'forbidden');
    assert.match(refused.error.message, /Carl takes part from IN, where recording is turned off/);
  });

  it('stops a running recording, with the reason for everyone, when someone from such a country is admitted', async () => {
    // IN is still off (previous test). Carl waits in the lobby (external), the recording runs.
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Later join', user_ids: [carl.user.id] } })).json;
    const wa = await open(ana.token);
    const wc = await open(carl.token);
    await wa.request({ type: 'meet.join', id: 'j1', code: m.code });
    const started = await wa.request({ type: 'meet.recording.start', id: 'r1', meeting_id: m.id });
    assert.equal(started.type, 'meet.ack', JSON.stringify(started));
    const cj = await wc.request({ type: 'meet.join', id: 'j2', code: m.code });
    assert.equal(cj.waiting, true);
    await wa.request({ type: 'meet.admit', id: 'a1', meeting_id: m.id, peer_id: cj.you.peer_id });
    const stopped = await wa.next((x) => x.type === 'meet.recording' && x.recording === null);
    assert.match(stopped.reason, /recording stopped: Carl takes part from IN, where recording is turned off/);
    const toCarl = await wc.next((x) => x.type === 'meet.recording' && x.recording === null);
    assert.equal(toCarl.reason, stopped.reason);
    const recs = await api(server, 'GET', `/api/v1/meetings/${m.id}/recordings`, { token: ana.token });
    assert.equal(recs.json.items.length, 1);
    assert.ok(recs.json.items[0].stopped_at);
    assert.match(recs.json.items[0].stop_reason, /Carl takes part from IN/);
    assert.ok(!recs.json.items[0].participants.some((p) => p.display_name === 'Carl'), 'Carl was never recorded');
  });

  it('counts a guest as from the host\'s country: a guest admitted to a host from a forbidding country stops it', async () => {
    // Ana (the host) is in PT: recording starts while PT allows it, then PT turns it off.
    const m = (await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Guest rules' } })).json;
    const wa = await open(ana.token);
    await wa.request({ type: 'meet.join', id: 'j1', code: m.code });
    assert.equal((await wa.request({ type: 'meet.recording.start', id: 'r1', meeting_id: m.id })).type, 'meet.ack');
    await api(server, 'PUT', '/api/v1/admin/feature-toggles/meet.recording', { token: admin, body: { countries: { IN: false, PT: false } } });
    const pass = (await api(server, 'POST', `/api/v1/meeting-links/${m.code}/guests`, { body: { display_name: 'Gus' } })).json;
    const wg = await open(pass.token);
    const gj = await wg.request({ type: 'meet.join', id: 'g1', code: m.code });
    await wa.request({ type: 'meet.admit', id: 'a1', meeting_id: m.id, peer_id: gj.you.peer_id });
    const stopped = await wa.next((x) => x.type === 'meet.recording' && x.recording === null);
    assert.match(stopped.reason, /Gus is a guest invited from PT/);
    await api(server, 'PUT', '/api/v1/admin/feature-toggles/meet.recording', { token: admin, body: { countries: {} } });
  });
});
