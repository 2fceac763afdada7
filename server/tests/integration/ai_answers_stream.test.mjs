// Streamed answers over /ws that survive a reload (mattermost-plugin-agents #450): the
// fake OpenAI-compatible server streams an answer and holds it half-way; the asker's
// socket sees the words so far, goes away (a reload), and a new socket gets the text so
// far and then the rest, up to the finished answer with its verified citations. Nobody
// else reads or subscribes (404); a bad subscribe is a precise error and the server stays
// up; a stopped answer keeps what was written.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { connected, eventually } from './lib/live.mjs';
import { citingReply, openAiConfig, startFakeOpenAi } from './lib/fake-openai.mjs';

const FINAL = 'Refunds are accepted within 30 days of purchase, as long as the receipt is kept [1].';

const refundAnswer = citingReply(FINAL, 'Refunds are accepted within 30 days of purchase.');

/**
 * What a socket has seen of one answer: the text of its snapshot (`from`: the one its
 * subscribe request was answered with) or a later one, and every delta after it.
 */
function seen(ws, answerId, from = null) {
  let text = from;
  let done = null;
  for (const m of ws.inbox) {
    if (m.type === 'ai.answer.snapshot' && m.answer.id === answerId) text = m.answer.text;
    if (m.type === 'ai.answer.delta' && m.answer_id === answerId) {
      assert.equal(m.offset, Buffer.byteLength(text ?? ''), 'each delta starts where the text so far ends');
      text = (text ?? '') + m.text;
    }
    if (m.type === 'ai.answer.done' && m.answer_id === answerId) done = m.answer;
  }
  return { text, done };
}

describe('streamed answers over /ws', () => {
  let server, fake, admin, ana, ben, handbook;
  const sockets = [];

  before(async () => {
    fake = await startFakeOpenAi();
    server = await startServer({ webRoot: false, args: ['--config', openAiConfig(fake.url)], env: { MERIDIAN_AI_OPENAI_API_KEY: 'k' } });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.stream@example.test', display_name: 'Ana Lima' });
    ben = await createUser(server, admin, { email: 'ben.stream@example.test', display_name: 'Ben Stone' });
    const on = await api(server, 'PUT', '/api/v1/admin/feature-toggles/ai.external', { token: admin, body: { countries: { PT: true } } });
    assert.equal(on.status, 200, on.text);
    const space = (await api(server, 'GET', '/api/v1/spaces', { token: ana.token })).json.items.find((s) => s.kind === 'personal');
    const q = new URLSearchParams({ name: 'handbook.txt', parent_id: '0' });
    const up = await api(server, 'POST', `/api/v1/spaces/${space.id}/files?${q}`, {
      token: ana.token,
      raw: Buffer.from('Refunds are accepted within 30 days of purchase. Keep the receipt.\n\nTrains are preferred for short trips.\n'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(up.status, 201, up.text);
    handbook = up.json;
    await eventually(async () => (await api(server, 'GET', `/api/v1/ai/index/files/${handbook.id}`, { token: ana.token })).json?.status === 'ready',
      { ms: 60000, what: 'handbook indexed' });
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await server?.stop();
    await fake?.stop();
  });

  it('keeps streaming to a new socket after the first went away mid-answer, then shows the finished answer', async () => {
    const gate = fake.gate(12); // 12 pieces of 7 characters: the JSON's start and some words of the answer
    fake.queue({ reply: refundAnswer, gate });
    const first = await connected(server, ana.token, sockets);
    const start = await api(server, 'POST', '/api/v1/ai/answers', {
      token: ana.token,
      body: { question: 'How many days for a refund?', scope: { file_id: handbook.id } },
    });
    assert.equal(start.status, 202, start.text);
    const id = start.json.id;
    assert.equal(start.json.status, 'streaming');
    const snap = await first.request({ type: 'ai.answer.subscribe', id: 's1', answer_id: id });
    assert.equal(snap.type, 'ai.answer.snapshot', JSON.stringify(snap));
    await gate.reachedP;
    const partial = await eventually(() => {
      const { text } = seen(first, id, snap.answer.text);
      return text && text.length > 0 && FINAL.startsWith(text) ? text : null;
    }, { what: 'the first words on the first socket' });
    assert.ok(partial.length < FINAL.length, partial);
    assert.doesNotMatch(partial, /[{}"]/, 'the words, not the JSON around them');

    // The reload: the first socket goes, a new one finds the answer and subscribes.
    first.close();
    const listed = await api(server, 'GET', `/api/v1/ai/answers?scope=file:${handbook.id}`, { token: ana.token });
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.json.items[0].id, id);
    assert.equal(listed.json.items[0].status, 'streaming');
    assert.equal(listed.json.items[0].text, partial);
    const second = await connected(server, ana.token, sockets);
    const again = await second.request({ type: 'ai.answer.subscribe', id: 's2', answer_id: id });
    assert.equal(again.answer.status, 'streaming');
    assert.equal(again.answer.text, partial);

    // Nobody else reads it, over REST or /ws.
    assert.equal((await api(server, 'GET', `/api/v1/ai/answers/${id}`, { token: ben.token })).status, 404);
    assert.equal((await api(server, 'POST', `/api/v1/ai/answers/${id}/stop`, { token: ben.token })).status, 404);
    assert.deepEqual((await api(server, 'GET', '/api/v1/ai/answers', { token: ben.token })).json.items, []);
    const bens = await connected(server, ben.token, sockets);
    const refused = await bens.request({ type: 'ai.answer.subscribe', id: 'b1', answer_id: id });
    assert.equal(refused.type, 'error');
    assert.equal(refused.error.code, 'not_found');

    gate.open();
    const done = await second.next((m) => m.type === 'ai.answer.done' && m.answer_id === id, 30000);
    assert.equal(done.answer.status, 'done');
    assert.equal(done.answer.text, FINAL);
    assert.equal(done.answer.provider, 'openai');
    assert.deepEqual(done.answer.result.citations.map((c) => [c.file_id, c.quote]), [[handbook.id, 'Refunds are accepted within 30 days of purchase.']]);
    assert.equal(seen(second, id, again.answer.text).text, FINAL);
    assert.equal(bens.inbox.filter((m) => String(m.type).startsWith('ai.answer')).length, 0);

    // A later reload: the finished answer, from the store.
    const third = await connected(server, ana.token, sockets);
    const stored = await third.request({ type: 'ai.answer.subscribe', id: 's3', answer_id: id });
    assert.equal(stored.answer.status, 'done');
    assert.equal(stored.answer.text, FINAL);
    assert.equal(stored.answer.result.citations.length, 1);
  });

  it('answers a bad subscribe precisely and stays up', async () => {
    const ws = await connected(server, ana.token, sockets);
    const missing = await ws.request({ type: 'ai.answer.subscribe', id: 'm1' });
    assert.equal(missing.type, 'error');
    assert.equal(missing.error.code, 'invalid_argument');
    assert.match(missing.error.message, /answer_id/);
    const unknown = await ws.request({ type: 'ai.answer.subscribe', id: 'm2', answer_id: 999999 });
    assert.equal(unknown.error.code, 'not_found');
    const bad = await api(server, 'POST', '/api/v1/ai/answers', { token: ana.token, body: { question: 'refunds', scope: {} } });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.json.error.message, /scope needs exactly one/);
    const notMine = await api(server, 'POST', '/api/v1/ai/answers', { token: ben.token, body: { question: 'refunds', scope: { file_id: handbook.id } } });
    assert.equal(notMine.status, 404, notMine.text);
    assert.equal((await api(server, 'GET', '/api/v1/ai/status', { token: ana.token })).status, 200);
  });

  it('stops an answer at the asker\'s word, keeping what was written', async () => {
    const gate = fake.gate(12);
    fake.queue({ reply: refundAnswer, gate });
    const ws = await connected(server, ana.token, sockets);
    const start = await api(server, 'POST', '/api/v1/ai/answers', {
      token: ana.token,
      body: { question: 'refund days', scope: { file_id: handbook.id } },
    });
    assert.equal(start.status, 202, start.text);
    const id = start.json.id;
    const snap = await ws.request({ type: 'ai.answer.subscribe', id: 't1', answer_id: id });
    await gate.reachedP;
    const partial = await eventually(() => seen(ws, id, snap.answer.text).text || null, { what: 'the first words' });
    const stop = await api(server, 'POST', `/api/v1/ai/answers/${id}/stop`, { token: ana.token });
    assert.equal(stop.status, 200, stop.text);
    gate.open();
    const done = await ws.next((m) => m.type === 'ai.answer.done' && m.answer_id === id, 30000);
    assert.equal(done.answer.status, 'stopped');
    assert.ok(done.answer.text.startsWith(partial) && FINAL.startsWith(done.answer.text), done.answer.text);
    const got = await api(server, 'GET', `/api/v1/ai/answers/${id}`, { token: ana.token });
    assert.equal(got.json.status, 'stopped');
    assert.equal(got.json.text, done.answer.text);
  });
});
