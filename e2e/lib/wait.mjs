// Waiting for the state a page (or the server) settles on instead of reading it at once.
// The app uses zoneless change detection: what a click or a server event changes is drawn
// in a later task, and a REST call from the page may still be on its way when the test
// looks. These helpers poll until the expected state or a deadline, and return what they
// saw last, so the caller still asserts (and a broken feature still fails, with the value).

/** Polls `locator.count()` until it is `expected` or `timeout` ms passed; returns the last count. */
export async function untilCount(locator, expected, { timeout = 10_000, every = 50 } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    const count = await locator.count();
    if (count === expected || Date.now() > until) return count;
    await new Promise((r) => setTimeout(r, every));
  }
}

/**
 * Polls `read` (sync or async) until `accept(value)` holds or `timeout` ms passed; returns the
 * last value read either way (the caller asserts on it).
 */
export async function until(read, accept, { timeout = 10_000, every = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, every));
  }
}
