// AI copilot (issue 12) with the built-in provider, on the real server (SQLite):
//  1. indexing: DOCS documents (one in five a PDF of several pages, read by poppler; the rest
//     plain text), about KB kilobytes each, of generated public-domain-style prose, uploaded
//     one after another; the clock runs from the first upload until every document's index
//     state is `ready`; the server's CPU time (utime + stime from /proc) over that span;
//  2. questions: QUESTIONS questions over everything the person may read (scope all), one at a
//     time; latency p50 / p99 at the client;
//  3. retrieval quality: FACTS documents each hold one planted fact ("The code name of
//     project Kestrel-17 is amber harbour."); the question names the project in other words
//     ("Which code name was given to project Kestrel-17?"); a hit when that document is
//     among the answer's citations (at most 5 passages): recall@5 over the FACTS questions;
//  4. catch-up: MESSAGES messages in one conversation, then one summary of all of it.
//   MERIDIAN_BIN=build/server/src/app/meridian node bench/ai_index.mjs [--docs 1000] [--kb 50] [--questions 200] [--messages 10000]
// Prints `AI_RESULT {json}`. One server on a free loopback port in a temp folder, stopped
// however the run ends.
import { readFileSync } from 'node:fs';
import { startServer, api, login, createUser } from '../server/tests/integration/lib/server.mjs';
import { makePdf } from '../server/tests/integration/lib/pdf.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, v, i, a) => (v.startsWith('--') ? [...acc, [v.slice(2), a[i + 1]]] : acc), []),
);
const docs = Number(args.docs ?? 1000);
const kb = Number(args.kb ?? 50);
const questions = Number(args.questions ?? 200);
const messages = Number(args.messages ?? 10000);
const facts = Math.min(50, docs);

// A seeded generator: the same run makes the same documents.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rand() * a.length)];
const words = ('river market harbour lantern orchard meadow council winter letter garden bridge station mill ' +
  'ledger carriage granary village merchant shipment weather harvest chapel bakery tannery schooner ' +
  'quarry pasture warden tavern almanac cooper weaver smith surveyor ferry beacon parish estate').split(' ');
const verbs = 'kept sent counted measured repaired carried recorded sold mended painted opened closed'.split(' ');
const sentence = () => {
  const n = 6 + Math.floor(rand() * 8);
  const w = [pick(words), pick(verbs)];
  while (w.length < n) w.push(pick(words));
  const s = w.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
};
const prose = (bytes) => {
  let out = '';
  while (out.length < bytes) out += sentence() + (rand() < 0.15 ? '\n\n' : ' ');
  return out;
};
const project = (i) => `Kestrel-${i}`;
const codeName = (i) => `${words[i % words.length]} ${words[(i * 7 + 3) % words.length]}`;

const ticks = 100;
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / ticks;
};
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = await startServer({ webRoot: false });
try {
  const admin = await login(server, server.adminEmail, server.adminPassword);
  const ana = await createUser(server, admin, { email: 'ana.aibench@example.test', display_name: 'Ana' });
  const ben = await createUser(server, admin, { email: 'ben.aibench@example.test', display_name: 'Ben' });
  const space = (await api(server, 'GET', '/api/v1/spaces', { token: ana.token })).json.items.find((s) => s.kind === 'personal');

  // 1. Indexing.
  const ids = [];
  const factFile = new Map();
  let bytes = 0;
  let pdfs = 0;
  const cpu0 = cpuSeconds(server.child.pid);
  const t0 = performance.now();
  for (let i = 0; i < docs; i++) {
    let text = prose(kb * 1024);
    if (i < facts) {
      const at = Math.floor(text.length / 2);
      text = text.slice(0, at) + ` The code name of project ${project(i)} is ${codeName(i)}. ` + text.slice(at);
    }
    let body, name;
    if (i % 5 === 0) {
      // Pages of 60 lines of at most 90 characters.
      const lines = text.replace(/\n+/g, ' ').match(/.{1,90}(\s|$)/g).map((l) => l.trim());
      const pages = [];
      for (let p = 0; p < lines.length; p += 60) pages.push(lines.slice(p, p + 60));
      body = makePdf(pages);
      name = `doc-${i}.pdf`;
      pdfs++;
    } else {
      body = Buffer.from(text);
      name = `doc-${i}.txt`;
    }
    bytes += body.length;
    const q = new URLSearchParams({ name, parent_id: '0' });
    const r = await api(server, 'POST', `/api/v1/spaces/${space.id}/files?${q}`, {
      token: ana.token, raw: body, headers: { 'content-type': 'application/octet-stream' },
    });
    if (r.status !== 201) throw new Error(`upload ${name}: ${r.status} ${r.text}`);
    ids.push(r.json.id);
    if (i < facts) factFile.set(i, r.json.id);
  }
  const uploaded = performance.now();
  let waiting = [...ids];
  while (waiting.length) {
    const still = [];
    for (const id of waiting) {
      const r = await api(server, 'GET', `/api/v1/ai/index/files/${id}`, { token: ana.token });
      if (r.json?.status === 'failed' || r.json?.status === 'too_large') throw new Error(`file ${id}: ${r.text}`);
      if (r.json?.status !== 'ready') still.push(id);
    }
    waiting = still;
    if (waiting.length) await sleep(200);
  }
  const indexedMs = performance.now() - t0;
  const indexCpu = cpuSeconds(server.child.pid) - cpu0;

  // 2. Question latency.
  const latencies = [];
  for (let i = 0; i < questions; i++) {
    const question = `Which ${pick(words)} ${pick(verbs)} the ${pick(words)} near the ${pick(words)}?`;
    const s = performance.now();
    const r = await api(server, 'POST', '/api/v1/ai/ask', { token: ana.token, body: { question, scope: { all: true } } });
    latencies.push(performance.now() - s);
    if (r.status !== 200) throw new Error(`ask: ${r.status} ${r.text}`);
  }
  latencies.sort((a, b) => a - b);

  // 3. Recall@5 on the planted facts.
  let hits = 0;
  for (const [i, fileId] of factFile) {
    const r = await api(server, 'POST', '/api/v1/ai/ask', { token: ana.token, body: { question: `Which code name was given to project ${project(i)}?`, scope: { all: true } } });
    if (r.json.citations.slice(0, 5).some((c) => c.file_id === fileId)) hits++;
  }

  // 4. Catch-up over MESSAGES messages.
  const c = await api(server, 'POST', '/api/v1/conversations', { token: ana.token, body: { kind: 'group', name: 'Bench', member_ids: [ben.user.id] } });
  for (let i = 0; i < messages; i++) {
    let text = sentence();
    if (i % 997 === 5) text = `We decided to move the ${pick(words)} to the ${pick(words)} on Friday.`;
    if (i % 1499 === 7) text = `@ben can you check the ${pick(words)} ledger?`;
    const r = await api(server, 'POST', `/api/v1/conversations/${c.json.id}/messages`, { token: i % 2 ? ana.token : ben.token, body: { text, client_id: `b-${i}` } });
    if (r.status !== 201) throw new Error(`message: ${r.status} ${r.text}`);
  }
  const catchUps = [];
  for (let k = 0; k < 5; k++) {
    const s = performance.now();
    const r = await api(server, 'POST', '/api/v1/ai/summaries', { token: ben.token, body: { conversation_id: c.json.id } });
    catchUps.push(performance.now() - s);
    if (r.status !== 200) throw new Error(`summary: ${r.status} ${r.text}`);
    if (k === 0) console.error(`summary of ${r.json.message_count} messages: ${r.json.points.length} points`);
  }
  catchUps.sort((a, b) => a - b);

  const result = {
    docs, pdfs, megabytes: +(bytes / 1e6).toFixed(1),
    upload_seconds: +((uploaded - t0) / 1000).toFixed(1),
    indexed_seconds: +(indexedMs / 1000).toFixed(1),
    docs_per_second: +(docs / (indexedMs / 1000)).toFixed(1),
    server_cpu_seconds: +indexCpu.toFixed(1),
    ask_p50_ms: +pct(latencies, 50).toFixed(1), ask_p99_ms: +pct(latencies, 99).toFixed(1),
    recall_at_5: `${hits}/${facts}`,
    catch_up_messages: messages, catch_up_median_ms: +pct(catchUps, 50).toFixed(0), catch_up_max_ms: +catchUps.at(-1).toFixed(0),
  };
  console.log(`AI_RESULT ${JSON.stringify(result)}`);
} finally {
  await server.stop();
}
