// A fragmented message over the size limit ends with close code 1009, every time (issue 16,
// defect 9). It sometimes ended with 1006: Beast's TCP teardown closed the socket with the
// client's remaining fragments unread, the kernel answered with RST, and the client lost the
// close frame (41 of 60 rounds before the fix). net::LingeringClose reads until the EOF.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, login, api } from './lib/server.mjs';

describe('a fragmented message over the limit', () => {
  let server, admin;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
  });
  after(async () => server?.stop());

  async function sendOversized(round) {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, ['meridian.v1', `bearer.${admin}`]);
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.on('message', (d) => JSON.parse(d).type === 'hello' && resolve()));
    return new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve(`${code} ${reason}`));
      // 64 KiB is the default limit; 8 to 40 fragments of 16-22 KiB each pass it mid-message.
      const chunk = Buffer.alloc(16 * 1024 + round * 97, 'a');
      const parts = round % 3 === 0 ? 40 : 8;
      for (let i = 0; i < parts; i++) ws.send(chunk, { fin: i === parts - 1, binary: false });
    });
  }

  it('is closed with 1009 in every one of 60 rounds, and the server carries on', async () => {
    const endings = {};
    for (let round = 0; round < 60; round++) {
      const ending = await sendOversized(round);
      endings[ending] = (endings[ending] ?? 0) + 1;
    }
    assert.deepEqual(Object.keys(endings), ['1009 '], JSON.stringify(endings));
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: admin })).status, 200);
  });
});
