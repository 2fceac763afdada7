// A WebSocket client for tests: an inbox, next(match) to await a message, and
// request(msg) to send one and await the answer carrying its id.
import WebSocket from 'ws';

export function live(server, token) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, ['meridian.v1', `bearer.${token}`]);
  const inbox = [];
  const waiters = [];
  let greeted;
  let refused;
  // `opened` resolves on the server's hello, not on the client's 'open' event: the client
  // sees the handshake answer before the server has registered the connection with the
  // hub, and an event fanned out in between never reaches this socket. hello is sent
  // once the connection is registered, so anything that happens after it is delivered.
  // The hello stays in the inbox for tests that look at it.
  ws.opened = new Promise((resolve, reject) => {
    greeted = resolve;
    refused = reject;
  });
  ws.opened.catch(() => undefined); // a test that never awaits it does not fail on a refused socket
  ws.on('error', (error) => refused(error));
  ws.on('close', (code, reason) => refused(new Error(`closed before hello: ${code} ${reason}`)));
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.type === 'hello') greeted();
    const w = waiters.find((x) => x.match(msg));
    if (w) {
      waiters.splice(waiters.indexOf(w), 1);
      clearTimeout(w.timer);
      w.resolve(msg);
    } else inbox.push(msg);
  });
  ws.next = (match, ms = 5000) => {
    const i = inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve };
      waiter.timer = setTimeout(() => {
        // A waiter that gave up must not swallow a later message meant for another one.
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error('no matching message; inbox ' + JSON.stringify(inbox)));
      }, ms);
      waiter.timer.unref();
      waiters.push(waiter);
    });
  };
  ws.request = (msg) => {
    ws.send(JSON.stringify(msg));
    return ws.next((m) => m.id === msg.id);
  };
  ws.inbox = inbox;
  return ws;
}

/** A live socket that has had its hello, kept in `keep` (for the suite's after() to close). */
export async function connected(server, token, keep = []) {
  const ws = live(server, token);
  keep.push(ws);
  await ws.opened;
  return ws;
}

/**
 * Polls `check` (sync or async) until it returns a truthy value, or fails after `ms` with
 * `what` and the last value: for state the server reaches on its own schedule (a flush, a
 * background job) where no event says it happened.
 */
export async function eventually(check, { ms = 10000, every = 50, what = 'condition' } = {}) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > until) throw new Error(`${what} not reached within ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

export const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));
