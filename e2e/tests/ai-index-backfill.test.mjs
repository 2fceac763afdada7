// The admins' page for the AI file index backfill (Admin, "AI file index";
// GET /ai/index/backfill): files stored while indexing was off are read after a restart,
// paced at one a second; the page follows the run live (no reload) to done, with the files
// of a person who restricted processing and a broken Word file counted apart, the last
// error named, and fits a phone. A non-admin has no link to it and is turned away.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, newPage, request, signIn, watchErrors } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 30_000;

describe('admins follow the AI file index backfill', () => {
  let dir, server, browser, broken;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const person = (name) => ({
    email: `${name.split(' ')[0].toLowerCase()}.backfill.${tag}@example.test`,
    name,
    password: `pw-${randomBytes(8).toString('hex')}`,
  });
  const alice = person('Alice Almeida');
  const cleo = person('Cleo Costa');
  let admin; // the first server's admin, kept over the restart

  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const tokenOf = async (who) => (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json.token;
  async function upload(token, name, text) {
    const spaces = (await api('GET', '/api/v1/spaces', token)).json.items;
    const space = spaces.find((s) => s.kind === 'personal');
    const res = await fetch(`${server.url}/api/v1/spaces/${space.id}/files?${new URLSearchParams({ name, parent_id: '0' })}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: Buffer.from(text, 'latin1'),
    });
    const json = await res.json();
    assert.equal(res.status, 201, JSON.stringify(json));
    return json;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-e2e-backfill-'));
    const args = ['--data-dir', join(dir, 'data')];
    // Indexing off: what is stored now is not read.
    server = await startServer({ args, env: { MERIDIAN_AI_INDEX_FILES: 'false' } });
    admin = { email: server.adminEmail, password: server.adminPassword };
    await createPeople(server, [alice, cleo]);
    const a = await tokenOf(alice);
    for (const t of ['refunds', 'travel', 'payroll', 'security', 'onboarding', 'parking', 'canteen', 'laptops', 'holidays', 'salaries'])
      await upload(a, `${t}.md`, `# ${t}\nThe ${t} policy changed in March.\n`);
    broken = await upload(a, 'minutes.docx', 'PK\x03\x04 not really a Word file');
    const c = await tokenOf(cleo);
    for (const t of ['falcon', 'osprey']) await upload(c, `${t}.md`, `# ${t}\nThe ${t} launch is in May.\n`);
    const restricted = await api('PUT', '/api/v1/me/restriction', c, { restricted: true });
    assert.equal(restricted.status, 200, JSON.stringify(restricted.json));
    await server.stop();
    // On again, paced at a file a second: the backfill reads the 13 files in the background.
    server = await startServer({ args, env: { MERIDIAN_AI_BACKFILL_FILES_PER_SECOND: '1' } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the run live to the end, skipped files counted apart and the last error named', async () => {
    const page = await newPage(browser, { timeout: TIMEOUT });
    watchErrors(page, 'admin', problems);
    await signIn(page, server.url, admin);
    await page.goto(`${server.url}/admin`);
    await page.getByTestId('admin-ai-index').click();
    await page.waitForURL(/\/admin\/ai-index$/);
    const run = page.getByTestId('backfill-run');
    const handledText = () => page.getByTestId('backfill-handled').innerText();
    const handled = async () => Number((await handledText()).match(/^(\d+) of/)?.[1] ?? -1);
    await run.waitFor();
    // Running, part done: shown without a reload, then more of it.
    const first = await until(handled, (n) => n >= 1 && n < 13, { timeout: TIMEOUT });
    assert.ok(first >= 1 && first < 13, `midway: ${await handledText()}`);
    assert.equal(await run.getAttribute('data-state'), 'running');
    assert.match(await handledText(), / of 13 files handled/);
    await screenshot(page, 'ai-index-backfill-running-1280');
    const later = await until(handled, (n) => n > first, { timeout: TIMEOUT });
    assert.ok(later > first, 'the page followed the run without a reload');

    await until(() => run.getAttribute('data-state'), (s) => s === 'done', { timeout: 60_000 });
    assert.equal(await handledText(), '13 of 13 files handled (100%) · 0 to go');
    const count = async (id) => (await page.getByTestId(id).innerText()).replace(/\s+/g, ' ');
    assert.match(await count('count-indexed'), /Read now 10$/);
    assert.match(await count('count-restricted'), /Skipped: restricted 2$/);
    assert.match(await count('count-unsupported'), /Skipped: kind or size 0$/);
    assert.match(await count('count-failed'), /Failed 1$/);
    const lastError = await page.getByTestId('backfill-last-error').innerText();
    assert.match(lastError, new RegExp(`file ${broken.id}`));
    assert.match(lastError, /not a readable Office file/);
    assert.equal(await page.getByTestId('backfill-documents').locator('tr[data-status="restricted"] td.num').innerText(), '2');
    assert.equal(await page.locator('.page button').count(), 0, 'nothing to press: the server runs it by itself');
    await screenshot(page, 'ai-index-backfill-done-1280');

    // A phone: everything fits, no sideways scroll.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('count-failed').waitFor();
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(scroll <= client + 1, `the page is ${scroll} px wide on a ${client} px screen`);
    await screenshot(page, 'ai-index-backfill-done-390');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('gives a non-admin no link to it and turns them away', async () => {
    const page = await newPage(browser, { timeout: TIMEOUT });
    await signIn(page, server.url, alice);
    assert.equal(await page.getByTestId('nav-admin').count(), 0);
    await page.goto(`${server.url}/admin/ai-index`);
    await page.waitForURL(/\/not-allowed/);
    assert.equal(await page.getByTestId('backfill-run').count(), 0);
    assert.equal((await api('GET', '/api/v1/ai/index/backfill', await tokenOf(alice))).status, 403);
    await page.context().close();
  });
});
