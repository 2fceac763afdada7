// Budgets of tokens on external providers ([ai.budgets]): a person whose day is spent is
// refused with 429, the budget named, what was used and when it renews (Retry-After), on
// /ai/ask and on streamed answers alike, and nothing more reaches the provider; someone
// else's day is their own; the status shows each what is left.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { eventually } from './lib/live.mjs';
import { citingReply, openAiConfig, startFakeOpenAi } from './lib/fake-openai.mjs';

const QUOTE = 'Refunds are accepted within 30 days of purchase.';

describe('ai budgets', () => {
  let server, fake, admin, ana, ben;
  const ask = (who) => api(server, 'POST', '/api/v1/ai/ask', { token: who.token, body: { question: 'How many days for a refund?', scope: { all: true } } });

  before(async () => {
    fake = await startFakeOpenAi();
    fake.otherwise(citingReply('Within 30 days [1].', QUOTE));
    // 1 token a day: the first question is within budget and spends it.
    const config = openAiConfig(fake.url, { budgets: { person_day_tokens: 1 } });
    server = await startServer({ webRoot: false, args: ['--config', config], env: { MERIDIAN_AI_OPENAI_API_KEY: 'k' } });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.budget@example.test', display_name: 'Ana Lima' });
    ben = await createUser(server, admin, { email: 'ben.budget@example.test', display_name: 'Ben Stone' });
    assert.equal((await api(server, 'PUT', '/api/v1/admin/feature-toggles/ai.external', { token: admin, body: { countries: { PT: true } } })).status, 200);
    for (const who of [ana, ben]) {
      const space = (await api(server, 'GET', '/api/v1/spaces', { token: who.token })).json.items.find((s) => s.kind === 'personal');
      const q = new URLSearchParams({ name: 'handbook.txt', parent_id: '0' });
      const up = await api(server, 'POST', `/api/v1/spaces/${space.id}/files?${q}`, {
        token: who.token, raw: Buffer.from(`${QUOTE} Keep the receipt.\n`), headers: { 'content-type': 'application/octet-stream' },
      });
      assert.equal(up.status, 201, up.text);
      await eventually(async () => (await api(server, 'GET', `/api/v1/ai/index/files/${up.json.id}`, { token: who.token })).json?.status === 'ready',
        { ms: 60000, what: 'indexed' });
    }
  });
  after(async () => {
    await server?.stop();
    await fake?.stop();
  });

  it('shows the budget, answers within it, then refuses precisely and sends nothing more', async () => {
    let st = await api(server, 'GET', '/api/v1/ai/status', { token: ana.token });
    assert.deepEqual({ ...st.json.budget.person_day, resets_at: 0 }, { limit: 1, used: 0, left: 1, resets_at: 0 });
    assert.equal(st.json.budget.organisation_month, null);
    const first = await ask(ana);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.provider, 'openai');
    const calls = fake.requests.length;

    st = await api(server, 'GET', '/api/v1/ai/status', { token: ana.token });
    const used = st.json.budget.person_day.used;
    assert.ok(used > 1, JSON.stringify(st.json.budget));
    assert.equal(st.json.budget.person_day.left, 0);
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    assert.equal(st.json.budget.person_day.resets_at, midnight.getTime());

    const refused = await ask(ana);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.json.error.code, 'rate_limited');
    assert.equal(refused.json.error.message, `Your AI budget for today is spent: ${used} of 1 tokens used; it renews at 00:00 UTC`);
    const retry = Number(refused.headers.get('retry-after'));
    assert.ok(retry > 0 && retry <= 86400, String(retry));
    const streamed = await api(server, 'POST', '/api/v1/ai/answers', { token: ana.token, body: { question: 'refund days', scope: { all: true } } });
    assert.equal(streamed.status, 429, streamed.text);
    assert.match(streamed.json.error.message, /budget for today is spent/);
    assert.equal(fake.requests.length, calls, 'nothing more reached the provider');

    // Ben's day is his own.
    const bens = await ask(ben);
    assert.equal(bens.status, 200, bens.text);
    assert.equal(bens.json.provider, 'openai');
  });
});
