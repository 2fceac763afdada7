// Background work exactly once across nodes (issue 16): two meridian processes on one
// PostgreSQL race for the retention job every second. Only the holder of the store lease
// "retention.purge" runs it; when that node dies (SIGKILL, so it never gives the lease up)
// the other takes over once the lease has run out. Each run logs `retention.run` (and
// audits it), which is what is counted here. Needs MERIDIAN_TEST_DATABASE_URL; skipped
// otherwise.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshPostgresDatabase } from './lib/server.mjs';
import { eventually } from './lib/live.mjs';

const pg = process.env.MERIDIAN_TEST_DATABASE_URL;
const runs = (node) => node.lines.filter((l) => l.event === 'retention.run').length;

describe('the retention job on two nodes', { skip: !pg ? 'needs MERIDIAN_TEST_DATABASE_URL' : false }, () => {
  let a, b;
  before(async () => {
    const env = { MERIDIAN_DATABASE_URL: await freshPostgresDatabase(pg), MERIDIAN_RETENTION_INTERVAL_SECONDS: '1' };
    // Both at once on an empty store: both race to create the first administrator too
    // (the loser used to exit with "a user with email ... already exists").
    [a, b] = await Promise.all([startServer({ webRoot: false, env }), startServer({ webRoot: false, env })]);
  });
  after(async () => {
    await Promise.all([a, b].map((n) => n?.stop()));
  });

  it('runs on one node at a time, and moves to the other when that node dies', async (t) => {
    await eventually(() => runs(a) + runs(b) >= 4, { ms: 20_000, what: 'four retention runs' });
    const [holder, other] = runs(a) > 0 ? [a, b] : [b, a];
    assert.equal(runs(other), 0, 'while the holder lives, the other node never runs the job');
    const before = runs(holder);

    holder.child.kill('SIGKILL');
    await holder.exited;
    // The lease (2 intervals + 5 s) runs out, then the other node claims it.
    await eventually(() => runs(other) >= 2, { ms: 30_000, every: 200, what: 'the other node runs the job' });
    t.diagnostic(`${before} runs on the first node, then ${runs(other)} on the other after its death`);
  });
});
