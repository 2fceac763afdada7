// A fake OpenAI-compatible server, written to the public Chat Completions API: POST
// /v1/chat/completions with {model, messages, max_tokens, stream}; a JSON answer
// ({choices: [{message: {content}, finish_reason}], usage}) or, with stream: true,
// server-sent events (data: {choices: [{delta: {content}}]} ... data: [DONE]); errors as
// {error: {message, type, code}} with their HTTP status and Retry-After on 429. Each test
// queues what the next requests get; every request is kept for assertions. Loopback only.
import { createServer } from 'node:http';

export async function startFakeOpenAi() {
  const requests = [];
  const plan = [];
  const sockets = new Set();
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
        for (const p of pieces)
          res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        res.end('data: [DONE]\n\n');
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
    /** What the next requests get, in order: {reply: (body) => ({content})} | {status, retryAfter?, code?} | {hang: true}. */
    queue: (...steps) => plan.push(...steps),
    otherwise: (reply) => (fallback = reply),
    pending: () => plan.length,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
