// A streamed answer survives a reload (mattermost-plugin-agents #450): Alice asks her
// handbook, the answer comes from an OpenAI-compatible endpoint (a fake written to the
// public Chat Completions API) that streams it and holds it half-way; she reloads the
// page, the panel comes back with the words so far, and the rest streams in up to the
// finished answer and its citation.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { citingReply, openAiConfig, startFakeOpenAi } from '../../server/tests/integration/lib/fake-openai.mjs';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, newPage, request, submitLogin, watchErrors } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 30_000;
const FINAL = 'Refunds are accepted within 30 days of purchase, as long as the receipt is kept [1].';

const refundAnswer = citingReply(FINAL, 'Refunds are accepted within 30 days of purchase.');

describe('a streamed answer survives a reload', () => {
  let server, browser, fake;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const alice = { email: `alice.reload.${tag}@example.test`, name: 'Alice Almeida', password: `pw-${randomBytes(8).toString('hex')}` };
  const api = (method, path, token, body) => request(server.url, method, path, token, body);

  before(async () => {
    fake = await startFakeOpenAi();
    server = await startServer({ args: ['--config', openAiConfig(fake.url, { timeoutMs: 120000 })], env: { MERIDIAN_AI_OPENAI_API_KEY: 'k' } });
    const admin = await createPeople(server, [alice], { country: 'PT', timeZone: 'Europe/Lisbon' });
    const on = await api('PUT', '/api/v1/admin/feature-toggles/ai.external', admin.token, { countries: { PT: true } });
    assert.equal(on.status, 200, JSON.stringify(on.json));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await fake?.stop();
  });

  it('shows the words so far after a reload and keeps streaming to the finished answer', async () => {
    const token = (await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password })).json.token;
    const space = (await api('GET', '/api/v1/spaces', token)).json.items.find((s) => s.kind === 'personal');
    const res = await fetch(`${server.url}/api/v1/spaces/${space.id}/files?${new URLSearchParams({ name: 'handbook.txt', parent_id: '0' })}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: Buffer.from('Refunds are accepted within 30 days of purchase. Keep the receipt.\n\nTrains are preferred for short trips.\n'),
    });
    const handbook = await res.json();
    assert.equal(res.status, 201, JSON.stringify(handbook));
    const status = await until(async () => (await api('GET', `/api/v1/ai/index/files/${handbook.id}`, token)).json?.status, (s) => s === 'ready', { timeout: 60_000 });
    assert.equal(status, 'ready');

    const gate = fake.gate(12); // the JSON's start and the first words of the answer, then it waits
    fake.queue({ reply: refundAnswer, gate });
    const page = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'UTC' });
    watchErrors(page, alice.name, problems);
    await submitLogin(page, server.url, alice);
    await page.getByTestId('user-menu').waitFor();
    await page.getByTestId('nav-files').click();
    await page.getByTestId('files-page').waitFor();
    await page.getByTestId('more-handbook.txt').click();
    await page.getByTestId('ask-handbook.txt').click();
    await page.getByTestId('ask-panel').waitFor();
    await page.getByTestId('ask-question').fill('How many days for a refund?');
    await page.getByTestId('ask-submit').click();
    await gate.reachedP;
    const answer = page.getByTestId('ask-answer');
    await page.locator('[data-testid="ask-answer"][data-status="streaming"]').waitFor();
    const before = await until(async () => (await answer.locator('.answer').innerText()).replace('▍', '').trim(), (t) => t.length > 0);
    assert.ok(FINAL.startsWith(before) && before.length < FINAL.length, before);
    await page.getByTestId('ask-stop').waitFor();
    await screenshot(page, 'ai-answer-streaming');

    // The reload: the panel comes back with the words so far, still being written.
    await page.reload();
    await page.getByTestId('ask-panel').waitFor();
    await page.locator('[data-testid="ask-answer"][data-status="streaming"]').waitFor();
    const after = (await answer.locator('.answer').innerText()).replace('▍', '').trim();
    assert.equal(after, before);
    assert.match(await answer.innerText(), /You asked: How many days for a refund\?/);
    await screenshot(page, 'ai-answer-after-reload');

    gate.open();
    await page.locator('[data-testid="ask-answer"][data-status="done"]').waitFor();
    assert.equal((await answer.locator('.answer').innerText()).trim(), FINAL);
    const citation = page.getByTestId('ask-citation');
    assert.equal(await citation.count(), 1);
    assert.equal((await citation.getByTestId('ask-citation-open').innerText()).trim(), 'handbook.txt');
    assert.match(await answer.innerText(), /Made by: openai/);
    await screenshot(page, 'ai-answer-finished');

    // Once more after it ended: the finished answer, from the store.
    await page.reload();
    await page.locator('[data-testid="ask-answer"][data-status="done"]').waitFor();
    assert.equal((await answer.locator('.answer').innerText()).trim(), FINAL);
    await page.close();
  });

  it('no dialog fired and no page logged an error', () => {
    assert.deepEqual(problems, []);
  });
});
