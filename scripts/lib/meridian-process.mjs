// Reading a spawned process's output line by line, and waiting for the line that says it is
// ready: meridian prints one JSON log line `{"event":"server.started","port":...}` once it
// listens. Shared by scripts/cluster.mjs, the integration tests' startServer and e2e's.
import { StringDecoder } from 'node:string_decoder';

// Calls onLine with each complete line `stream` writes (without the newline), from now on.
// Returns a function that stops listening (the stream keeps flowing: a process whose full
// pipe nobody drains would block).
export function eachLine(stream, onLine) {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  const onData = (chunk) => {
    buffer += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      onLine(line);
    }
  };
  stream.on('data', onData);
  return () => {
    stream.off('data', onData);
    stream.resume();
  };
}

// Resolves with the first value `accept` maps a stdout line of `child` to (anything but
// undefined). Rejects when the process fails to spawn, exits first, or after timeoutMs (if
// given); `what` names the process in the error.
export function waitForLine(child, accept, what, { timeoutMs } = {}) {
  return new Promise((resolveLine, reject) => {
    let timer;
    const settle = (fn, value) => {
      clearTimeout(timer);
      stop();
      child.off('exit', onExit);
      child.off('error', onError);
      fn(value);
    };
    const stop = eachLine(child.stdout, (line) => {
      const value = accept(line);
      if (value !== undefined) settle(resolveLine, value);
    });
    const onExit = (code, signal) => settle(reject, new Error(`${what} exited (${code ?? signal}) before it was ready`));
    const onError = (error) => settle(reject, error);
    child.once('exit', onExit);
    child.once('error', onError);
    if (timeoutMs) {
      timer = setTimeout(() => settle(reject, new Error(`${what} was not ready within ${timeoutMs} ms`)), timeoutMs);
      timer.unref?.();
    }
  });
}

// meridian's server.started event in a stdout line (parsed), or undefined for any other line.
export function serverStarted(line) {
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    return undefined; // not a JSON log line
  }
  return event?.event === 'server.started' && Number.isInteger(event.port) && event.port > 0 ? event : undefined;
}

// Waits for a spawned meridian to listen; resolves with its server.started event ({port, url, ...}).
export function waitForServerStarted(child, what = 'meridian', options = {}) {
  return waitForLine(child, serverStarted, what, options);
}
