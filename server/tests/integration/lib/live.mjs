// A WebSocket client for tests: an inbox, next(match) to await a message, and
// request(msg) to send one and await the answer carrying its id.
import WebSocket from 'ws';

export function live(server, token) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, ['meridian.v1', `bearer.${token}`]);
  const inbox = [];
  const waiters = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    const w = waiters.find((x) => x.match(msg));
    if (w) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg); } else inbox.push(msg);
  });
  ws.next = (match, ms = 5000) => {
    const i = inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      waiters.push({ match, resolve });
      setTimeout(() => reject(new Error('no matching message; inbox ' + JSON.stringify(inbox))), ms).unref();
    });
  };
  ws.request = (msg) => {
    ws.send(JSON.stringify(msg));
    return ws.next((m) => m.id === msg.id);
  };
  ws.inbox = inbox;
  ws.opened = new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  return ws;
}

export const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));
