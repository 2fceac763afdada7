#!/usr/bin/env node
// Scrolling a 100,000-message conversation in Chromium: frame times, long tasks, JS heap,
// DOM size, while the person wheels up through many pages, jumps to a message in the
// middle and wheels down again.
//
//   node bench/chat_scroll.mjs            (MERIDIAN_BIN, default build/server/src/app/meridian;
//                                          the web app built in web/dist/meridian/browser)
// Environment: SCROLL_DRIVE (wheel | scrolltop), MERIDIAN_WEB_ROOT, SCROLL_MESSAGES (100000), SCROLL_UP_PAGES (200: wheel steps up, each 1,600 px),
// SCROLL_DOWN_STEPS (100), SCROLL_JUMP_SEQ (50000), CHROMIUM (/usr/bin/chromium).
// The conversation is seeded straight into the SQLite file while the server is stopped
// (as bench/chat_load/chat_bench.sh does), with mixed line lengths, Markdown and code
// blocks so message heights vary. Prints a Markdown section and a JSON line.
// playwright-core comes from e2e/node_modules (the browser tests' copy).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(process.env.MERIDIAN_BIN ?? join(ROOT, 'build/server/src/app/meridian'));
const WEB_ROOT = resolve(process.env.MERIDIAN_WEB_ROOT ?? join(ROOT, 'web/dist/meridian/browser'));
const MESSAGES = Number(process.env.SCROLL_MESSAGES ?? 100_000);
const UP_STEPS = Number(process.env.SCROLL_UP_PAGES ?? 200);
const DOWN_STEPS = Number(process.env.SCROLL_DOWN_STEPS ?? 100);
const JUMP_SEQ = Number(process.env.SCROLL_JUMP_SEQ ?? Math.floor(MESSAGES / 2));
const WHEEL_PX = 1600;
// 'wheel' (default): real mouse-wheel input. 'scrolltop': sets scrollTop and dispatches a
// scroll event, as the e2e test does (works with builds that only load on scroll events).
const DRIVE = process.env.SCROLL_DRIVE ?? 'wheel';
const { chromium } = createRequire(join(ROOT, 'e2e/package.json'))('playwright-core');

const ADMIN = { email: 'admin@bench.test', password: 'bench-scroll-password-1' };
const dataDir = mkdtempSync(join(tmpdir(), 'meridian-scroll-'));
let child = null;

function log(text) {
  process.stderr.write(`[chat_scroll] ${text}\n`);
}

async function start() {
  if (!existsSync(BIN)) throw new Error(`no meridian at ${BIN}`);
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error(`no web app at ${WEB_ROOT} (cd web && npm run build)`);
  child = spawn(BIN, ['--port', '0', '--address', '127.0.0.1', '--data-dir', dataDir, '--web-root', WEB_ROOT, ], {
    env: { ...process.env, MERIDIAN_ADMIN_EMAIL: ADMIN.email, MERIDIAN_ADMIN_PASSWORD: ADMIN.password, MERIDIAN_PASSWORD_COST: 'minimum' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  const exited = new Promise((r) => child.once('exit', r));
  const port = await new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error('meridian did not start in 60 s')), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const event = JSON.parse(line);
        if (event.event === 'server.started') {
          clearTimeout(timer);
          resolveStart(event.port);
        }
      } catch {
        /* not JSON */
      }
    });
    exited.then(() => reject(new Error('meridian exited before it started')));
  });
  child.exited = exited;
  return `http://127.0.0.1:${port}`;
}

async function stop() {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await child.exited;
  child = null;
}

async function rest(base, method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => undefined);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function seed(conversationId) {
  const db = readdirSync(dataDir).filter((f) => f.endsWith('.db')).map((f) => join(dataDir, f))[0];
  if (!db) throw new Error(`no SQLite file in ${dataDir}`);
  // Five shapes of message, so heights differ: a short line, a long paragraph, a list,
  // a code block, a quote with a link. created_at 20 s apart (day separators every 4,320).
  const sql = `
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${MESSAGES})
INSERT INTO messages (conversation_id, seq, author_id, client_id, text, created_at, region, change_seq)
SELECT c.id, n.x, c.created_by, 'seed-' || n.x,
       CASE n.x % 5
         WHEN 0 THEN 'Message ' || n.x || ': short line.'
         WHEN 1 THEN 'Message ' || n.x || ': a longer paragraph that wraps over several lines in a narrow window, **bold** and _italic_ words, and enough text to make this item clearly taller than a one-line message in the list.'
         WHEN 2 THEN 'Message ' || n.x || ':' || char(10) || '- first point' || char(10) || '- second point' || char(10) || '- third point'
         WHEN 3 THEN 'Message ' || n.x || ':' || char(10) || '\`\`\`' || char(10) || 'for (let i = 0; i < ' || n.x || '; i++) {' || char(10) || '  total += i;' || char(10) || '}' || char(10) || '\`\`\`'
         ELSE '> quoted ' || n.x || char(10) || char(10) || 'see https://example.com/page/' || n.x
       END,
       c.created_at - (${MESSAGES} - n.x) * 20000, c.region, n.x
FROM n, conversations c WHERE c.id = ${conversationId};
UPDATE conversations SET last_seq = ${MESSAGES} WHERE id = ${conversationId};
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
`;
  execFileSync('sqlite3', [db], { input: sql, stdio: ['pipe', 'ignore', 'inherit'] });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarise(frames, longTasks) {
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    frames: frames.length,
    p50_ms: +percentile(sorted, 50).toFixed(1),
    p95_ms: +percentile(sorted, 95).toFixed(1),
    p99_ms: +percentile(sorted, 99).toFixed(1),
    max_ms: +(sorted.at(-1) ?? 0).toFixed(1),
    over_50ms: frames.filter((f) => f > 50).length,
    long_tasks: longTasks.length,
    long_task_ms: Math.round(longTasks.reduce((s, t) => s + t, 0)),
  };
}

// Runs in the page: rAF deltas and long tasks from now on.
function startRecording() {
  const w = window;
  w.__frames = [];
  w.__long = [];
  let last = performance.now();
  w.__recording = true;
  const tick = (t) => {
    w.__frames.push(t - last);
    last = t;
    if (w.__recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame((t) => {
    last = t;
    requestAnimationFrame(tick);
  });
  w.__observer?.disconnect();
  w.__observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__long.push(e.duration);
  });
  w.__observer.observe({ type: 'longtask', buffered: false });
}

function stopRecording() {
  const w = window;
  w.__recording = false;
  w.__observer?.disconnect();
  return { frames: w.__frames, longTasks: w.__long };
}

async function heapMb(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return +(usedSize / 1048576).toFixed(1);
}

async function domState(page) {
  return page.evaluate(() => {
    const items = [...document.querySelectorAll('[data-testid="message"][data-seq]')];
    const seqs = items.map((e) => Number(e.getAttribute('data-seq')));
    return { nodes: document.getElementsByTagName('*').length, messages: items.length, first: Math.min(...seqs), last: Math.max(...seqs) };
  });
}

async function main() {
  let base = await start();
  const login = await rest(base, 'POST', '/api/v1/auth/login', null, ADMIN);
  const channel = await rest(base, 'POST', '/api/v1/conversations', login.token, { kind: 'channel', name: 'scroll-bench', visibility: 'public' });
  await stop();
  const seedStart = Date.now();
  seed(channel.id);
  log(`seeded ${MESSAGES} messages in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  base = await start();

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  const result = { messages: MESSAGES, load_average: (await import('node:os')).loadavg().map((x) => +x.toFixed(2)) };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${base}/login`);
    await page.locator('input[name="email"]').fill(ADMIN.email);
    await page.locator('input[name="password"]').fill(ADMIN.password);
    await page.locator('input[name="password"]').press('Enter');
    await page.getByTestId('user-menu').waitFor();

    // 1. Open the conversation (newest page).
    let t0 = Date.now();
    await page.goto(`${base}/chat/${channel.id}`);
    await page.locator(`[data-testid="message"][data-seq="${MESSAGES}"]`).waitFor({ timeout: 30_000 });
    result.open_ms = Date.now() - t0;
    await page.waitForTimeout(500);
    result.heap_open_mb = await heapMb(cdp);
    const list = page.getByTestId('message-list');
    const box = await list.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);

    // 2. Wheel up: pages load from the server as the top is reached.
    if (process.env.SCROLL_PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await page.evaluate(startRecording);
    t0 = Date.now();
    let maxMessages = 0;
    const step = async (dy) => {
      if (DRIVE === 'scrolltop') await list.evaluate((el, d) => { el.scrollTop = Math.max(0, el.scrollTop + d); el.dispatchEvent(new Event('scroll')); }, dy);
      else await page.mouse.wheel(0, dy);
    };
    for (let i = 0; i < UP_STEPS; i++) {
      await step(-WHEEL_PX);
      await page.waitForTimeout(60);
      if (i % 20 === 19) maxMessages = Math.max(maxMessages, (await domState(page)).messages);
      if (process.env.SCROLL_DEBUG) log(JSON.stringify({ i, ...(await domState(page)), top: await list.evaluate((el) => [el.scrollTop, el.scrollHeight, el.clientHeight]) }));
    }
    await page.waitForTimeout(500);
    const up = await page.evaluate(stopRecording);
    if (process.env.SCROLL_PROFILE) {
      const { profile } = await cdp.send('Profiler.stop');
      const self = new Map();
      const dt = profile.timeDeltas;
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const n = byId.get(id);
        const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
      });
      log('top self time (ms): ' + JSON.stringify([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => [k, Math.round(v)])));
    }
    const upState = await domState(page);
    result.scroll_up = { ...summarise(up.frames, up.longTasks), seconds: +((Date.now() - t0) / 1000).toFixed(1), messages_passed: MESSAGES - upState.first, dom_messages_max: Math.max(maxMessages, upState.messages), dom_nodes: upState.nodes };
    result.heap_after_up_mb = await heapMb(cdp);

    result.heap_after_up_messages = await page.evaluate(() => document.querySelectorAll('[data-testid="message"]').length);
    // 3. Jump to a message in the middle (as a search hit does: /chat/<id>?seq=).
    await page.evaluate(startRecording);
    t0 = Date.now();
    await page.goto(`${base}/chat/${channel.id}?seq=${JUMP_SEQ}`);
    await page.locator(`[data-seq="${JUMP_SEQ}"].highlighted`).waitFor({ timeout: 30_000 });
    result.jump_ms = Date.now() - t0;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(300);

    // 4. Wheel down from there (newer pages load) and back up a little.
    await page.evaluate(startRecording);
    t0 = Date.now();
    for (let i = 0; i < DOWN_STEPS; i++) {
      await step(WHEEL_PX);
      await page.waitForTimeout(60);
    }
    for (let i = 0; i < DOWN_STEPS / 2; i++) {
      await step(-WHEEL_PX);
      await page.waitForTimeout(60);
    }
    await page.waitForTimeout(500);
    const down = await page.evaluate(stopRecording);
    const downState = await domState(page);
    result.after_jump = { ...summarise(down.frames, down.longTasks), seconds: +((Date.now() - t0) / 1000).toFixed(1), range: [downState.first, downState.last], dom_messages: downState.messages, dom_nodes: downState.nodes };
    result.heap_end_mb = await heapMb(cdp);
    result.page_errors = problems;
    await page.screenshot({ path: join(tmpdir(), 'chat_scroll.png') });
  } finally {
    await browser.close();
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const r = result;
  const row = (name, s) => `| ${name} | ${s.frames} | ${s.p50_ms} | ${s.p95_ms} | ${s.p99_ms} | ${s.max_ms} | ${s.over_50ms} | ${s.long_tasks} (${s.long_task_ms} ms) |`;
  console.log(`### Chat: scrolling ${MESSAGES.toLocaleString('en')} messages in Chromium (bench/chat_scroll.mjs, drive: ${DRIVE})

Load average at start: ${r.load_average.join(', ')}. Open: ${r.open_ms} ms. Jump to seq ${JUMP_SEQ} (page load + one page around it): ${r.jump_ms} ms.

| Phase | frames | p50 ms | p95 ms | p99 ms | max ms | frames > 50 ms | long tasks |
| --- | --- | --- | --- | --- | --- | --- | --- |
${row(`wheel up ${UP_STEPS} × ${WHEEL_PX} px (${r.scroll_up.messages_passed} messages passed, ${r.scroll_up.seconds} s)`, r.scroll_up)}
${row(`after the jump: down ${DOWN_STEPS}, up ${DOWN_STEPS / 2} (${r.after_jump.seconds} s)`, r.after_jump)}

JS heap after GC: ${r.heap_open_mb} MB open, ${r.heap_after_up_mb} MB after wheeling up, ${r.heap_end_mb} MB at the end.
DOM: at most ${r.scroll_up.dom_messages_max} message elements while wheeling up (${r.scroll_up.dom_nodes} elements in the document); ${r.after_jump.dom_messages} at the end.
Page errors: ${r.page_errors.length}.
`);
  console.log(JSON.stringify(result));
}

main().catch(async (error) => {
  console.error(error);
  await stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
});
