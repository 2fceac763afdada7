// A WebSocket lives no longer than the session it was opened with: when the session
// expires the server closes it with 1008 "session expired" (as it does on logout), and
// nothing sent on it after the expiry is acted on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login } from './lib/server.mjs';
import { live } from './lib/live.mjs';

const TTL_MS = 3000;

describe('session expiry', () => {
  it('closes a socket opened before its session expired, with 1008', async () => {
    const server = await startServer({ env: { MERIDIAN_SESSION_TTL_SECONDS: String(TTL_MS / 1000) }, webRoot: false });
    try {
      const token = await login(server, server.adminEmail, server.adminPassword);
      // The session ends TTL after the login was answered at the latest (the server's clock is ours).
      const expiresBy = Date.now() + TTL_MS;
      const ws = live(server, token);
      const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })));
      await ws.opened;
      assert.equal((await ws.request({ type: 'ping', id: 'before' })).type, 'pong');

      const end = await Promise.race([closed, new Promise((r) => setTimeout(() => r(undefined), TTL_MS + 3000))]);
      if (!end) {
        // Still open after the expiry: whatever it sends is acted on.
        const late = await ws.request({ type: 'ping', id: 'after' }).catch((e) => e.message);
        ws.terminate();
        assert.fail(`the socket outlived its session (a ping after expiry got ${JSON.stringify(late)})`);
      }
      assert.equal(end.code, 1008);
      assert.equal(end.reason, 'session expired');
      assert.ok(end.at >= expiresBy - TTL_MS + 1000, 'not closed long before the expiry');
      assert.ok(end.at <= expiresBy + 1500, `closed ${end.at - expiresBy} ms after the expiry`);
      assert.equal((await api(server, 'GET', '/api/v1/me', { token })).status, 401);
      const again = live(server, token);
      await assert.rejects(again.opened);
    } finally {
      await server.stop();
    }
  });
});
