#!/usr/bin/env node
// The customer's remote support page (issue 13): JavaScript it loads (bytes as sent and
// gzipped) and the time until it is usable (the code field can be typed in) on loopback,
// in Debian's headless Chromium, with a fresh browser context (empty cache) each run.
//
//   node bench/remote_support_page.mjs    (MERIDIAN_BIN, default build/server/src/app/meridian;
//                                          the web app built in web/dist/meridian/browser)
// Environment: RUNS (10), CHROMIUM (/usr/bin/chromium). Prints a Markdown section and a JSON line.
// playwright-core comes from e2e/node_modules (the browser tests' copy); the server from e2e/lib.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'e2e/package.json'));
const { chromium } = require('playwright-core');
const { startServer } = await import(join(ROOT, 'e2e/lib/server.mjs'));
const RUNS = Number(process.env.RUNS ?? 10);

const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const times = [];
  let js = null;
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const scripts = [];
    page.on('response', async (res) => {
      if (res.request().resourceType() === 'script') scripts.push(res.body().then((b) => ({ url: res.url(), raw: b.length, gz: gzipSync(b, { level: 9 }).length })));
    });
    await page.goto(`${server.url}/remote-support/join`);
    await page.locator('[data-testid="rs-code-input"]').waitFor();
    // Usable: typing into the code field enables nothing yet, but is taken (zoneless: read after a task).
    await page.locator('[data-testid="rs-code-input"]').fill('ABCD2345');
    times.push(await page.evaluate(() => performance.now()));
    await page.waitForLoadState('networkidle');
    const loaded = await Promise.all(scripts);
    js ??= loaded;
    await context.close();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const raw = js.reduce((n, s) => n + s.raw, 0);
  const gz = js.reduce((n, s) => n + s.gz, 0);
  console.log(`## Remote support: the customer page\n`);
  console.log(`| measure | value |\n| --- | --- |`);
  console.log(`| JavaScript loaded (${js.length} files) | ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped (level 9) |`);
  console.log(`| usable (code field typed in), median of ${RUNS} cold loads | ${median.toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)}) |`);
  console.log(JSON.stringify({ bench: 'remote_support_page', js_files: js.length, js_bytes: raw, js_gzip_bytes: gz, usable_ms_median: Math.round(median), runs: RUNS }));
} finally {
  await browser.close();
  await server.stop();
}
