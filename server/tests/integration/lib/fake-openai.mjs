// A fake OpenAI-compatible server, written to the public Chat Completions API: POST
// /v1/chat/completions with {model, messages, max_tokens, stream}; a JSON answer
// ({choices: [{message: {content}, finish_reason}], usage}) or, with stream: true,
// server-sent events (data: {choices: [{delta: {content}}]} ... data: [DONE]); errors as
// {error: {message, type, code}} with their HTTP status and Retry-After on 429. Each test
// queues what the next requests get; every request is kept for assertions. Loopback only.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The folders openAiConfig made, removed when the test process exits (passed or failed;
// node's runner ends each test file's process normally, also after a failure or a timeout).
const configDirs = new Set();
const removeConfigDirs = () => {
  for (const dir of configDirs) rmSync(dir, { recursive: true, force: true });
  configDirs.clear();
};

/**
 * A configuration file making `openai` (this fake at `url`) the provider of every feature,
 * allowed for every region; the server reads the key from MERIDIAN_AI_OPENAI_API_KEY. Its
 * folder goes when the test process exits.
 */
export function openAiConfig(url, { contextTokens = 4096, outputTokens = 256, timeoutMs = 60000, retries = 0, backoffMs, budgets } = {}) {
  if (!process.listeners('exit').includes(removeConfigDirs)) process.on('exit', removeConfigDirs);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-openai-'));
  configDirs.add(dir);
  const config = join(dir, 'meridian.toml');
  const lines = ['[ai]', 'provider = "openai"', '[ai.providers.openai]', `base_url = "${url}"`, 'model = "fake-model"', 'regions = ["*"]',
    `context_tokens = ${contextTokens}`, `output_tokens = ${outputTokens}`, `timeout_ms = ${timeoutMs}`, `retries = ${retries}`];
  if (backoffMs !== undefined) lines.push(`backoff_ms = ${backoffMs}`);
  // [ai.budgets]: {person_day_tokens, organisation_month_tokens}
  if (budgets) lines.push('[ai.budgets]', ...Object.entries(budgets).map(([k, v]) => `${k} = ${v}`));
  writeFileSync(config, lines.join('\n') + '\n');
  return config;
}

/**
 * The model's side of a question answered `answer` (first, so that it streams) citing
 * `quote` from the first fenced passage that contains it.
 */
export function citingReply(answer, quote) {
  return (body) => {
    const user = body.messages.find((m) => m.role === 'user').content;
    const passage = [...user.matchAll(/<<<passage chunk_id=(\d+)[^\n]*>>>\n([\s\S]*?)\n<<<end passage>>>/g)].find((m) => m[2].includes(quote));
    return { content: JSON.stringify({ answer, citations: passage ? [{ chunk_id: Number(passage[1]), quote }] : [] }) };
  };
}

export async function startFakeOpenAi() {
  const requests = [];
  const plan = [];
  const sockets = new Set();
  const gates = [];
  let fallback = (body) => ({ content: JSON.stringify({ answer: 'nothing planned', citations: [] }), body });
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      let body = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions' || !body) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Unknown request URL', type: 'invalid_request_error', code: 'unknown_url' } }));
        return;
      }
      const step = plan.length ? plan.shift() : { reply: fallback };
      if (step.hang) return; // never answers: the client's timeout ends it
      if (step.status) {
        const headers = { 'content-type': 'application/json' };
        if (step.retryAfter !== undefined) headers['retry-after'] = String(step.retryAfter);
        res.writeHead(step.status, headers);
        res.end(JSON.stringify({ error: { message: step.message ?? 'fake failure', type: step.type ?? 'server_error', code: step.code ?? null } }));
        return;
      }
      const content = step.reply(body).content;
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const pieces = content.match(/[\s\S]{1,7}/g) ?? [];
        res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant' } }] })}\n\n`);
        const rest = async () => {
          for (let i = 0; i < pieces.length; i++) {
            // A held stream: the first pieces go out, then it waits until the test opens the gate.
            if (step.gate && i === step.gate.after) {
              step.gate.reached();
              await step.gate.opened;
            }
            if (res.destroyed) return;
            res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: pieces[i] }, finish_reason: null }] })}\n\n`);
          }
          res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
          res.end('data: [DONE]\n\n');
        };
        void rest();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          id: 'c1', object: 'chat.completion', model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    /**
     * What the next requests get, in order: {reply: (body) => ({content}), gate?} | {status, retryAfter?, code?} |
     * {hang: true}. A `gate` (from gate(after)) holds a streamed reply after that many pieces until opened.
     */
    queue: (...steps) => plan.push(...steps),
    otherwise: (reply) => (fallback = reply),
    /** A gate for a streamed reply: `reachedP` resolves when the stream waits; open() lets it go on. */
    gate(after) {
      const g = { after };
      g.reachedP = new Promise((r) => (g.reached = r));
      g.opened = new Promise((r) => (g.open = r));
      gates.push(g);
      return g;
    },
    pending: () => plan.length,
    async stop() {
      for (const g of gates) g.open();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
