// The assistant over files: Alice asks her handbook (a PDF indexed in the background after
// its upload) and the citation opens the file in the app's own PDF view at the cited page;
// Carla, a customer, asks over all her files and never gets an internal file cited.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { makePdf } from '../../server/tests/integration/lib/pdf.mjs';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, openFilesPage, request } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 30_000;

describe('the assistant answers over files with citations that open the file', () => {
  let server, browser;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const person = (name, kind = 'employee') => ({
    email: `${name.split(' ')[0].toLowerCase()}.ask.${tag}@example.test`,
    name,
    password: `pw-${randomBytes(8).toString('hex')}`,
    kind,
  });
  const alice = person('Alice Almeida');
  const carla = person('Carla Cardoso', 'customer');
  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const tokenOf = async (who) => (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json.token;

  async function upload(token, spaceId, name, bytes) {
    const res = await fetch(`${server.url}/api/v1/spaces/${spaceId}/files?${new URLSearchParams({ name, parent_id: '0' })}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const json = await res.json();
    assert.equal(res.status, 201, JSON.stringify(json));
    return json;
  }

  /** Indexing runs in the background after the upload: wait for it (a generous deadline). */
  async function indexed(token, id) {
    const status = await until(
      async () => (await api('GET', `/api/v1/ai/index/files/${id}`, token)).json?.status,
      (s) => s === 'ready',
      { timeout: 60_000 },
    );
    assert.equal(status, 'ready', `file ${id} indexed`);
  }

  const pageFor = (who) => openFilesPage(browser, server.url, who, problems, { timeout: TIMEOUT });

  before(async () => {
    server = await startServer();
    await createPeople(server, [alice, carla], { country: 'PT', timeZone: 'Europe/Lisbon' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('answers a question about a PDF with a citation that opens the file at its page', async () => {
    const token = await tokenOf(alice);
    const space = (await api('GET', '/api/v1/spaces', token)).json.items.find((s) => s.kind === 'personal');
    const handbook = await upload(token, space.id, 'handbook.pdf', makePdf([
      ['Employee handbook.', 'Welcome aboard, we are glad you are here.'],
      ['Refunds are accepted within 30 days of purchase.', 'Keep the receipt.'],
      ['Holidays are booked in the team calendar.'],
    ]));
    await indexed(token, handbook.id);

    const page = await pageFor(alice);
    await page.getByTestId('more-handbook.pdf').click();
    await page.getByTestId('ask-handbook.pdf').click();
    await page.getByTestId('ask-panel').waitFor();
    await page.getByTestId('ask-question').fill('How many days do I have for a refund?');
    await page.getByTestId('ask-submit').click();
    const citation = page.getByTestId('ask-citation');
    await citation.first().waitFor();
    assert.equal(await citation.count(), 1);
    assert.equal((await citation.getByTestId('ask-citation-open').innerText()).trim(), 'handbook.pdf, page 2');
    assert.match(await citation.locator('blockquote').innerText(), /Refunds are accepted within 30 days of purchase\./);
    assert.match(await page.getByTestId('ask-answer').innerText(), /Built-in/);
    await screenshot(page, 'ai-file-ask');

    // The citation opens the file in the app's PDF view (pdf.js), at page 2 of 3.
    await citation.getByTestId('ask-citation-open').click();
    await page.locator('[data-testid="preview-pdf"][data-page="2"]').waitFor();
    assert.equal((await page.getByTestId('pdf-page-label').innerText()).trim(), 'Page 2 of 3');
    await screenshot(page, 'ai-file-ask-pdf-page');
    await page.getByTestId('pdf-next').click();
    await page.locator('[data-testid="preview-pdf"][data-page="3"]').waitFor();
    await page.getByRole('button', { name: 'Close preview' }).click();
    await page.getByTestId('file-preview').waitFor({ state: 'detached' });

    // At phone width the panel still fits, without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('ask-panel').scrollIntoViewIfNeeded();
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(sideways, false, 'no sideways scroll');
    await screenshot(page, 'ai-file-ask-phone');
    await page.close();
  });

  it("never cites an internal file to a customer's assistant", async () => {
    const token = await tokenOf(alice);
    const customerSpace = await api('POST', '/api/v1/spaces', token, { kind: 'customer', name: `Carla ${tag}`, customer_user_id: carla.id });
    assert.equal(customerSpace.status, 201, JSON.stringify(customerSpace.json));
    const personal = (await api('GET', '/api/v1/spaces', token)).json.items.find((s) => s.kind === 'personal');
    const contract = await upload(token, customerSpace.json.id, 'contract.txt', Buffer.from('Your refunds are processed within 14 days.'));
    const internal = await upload(token, personal.id, 'pricing.txt', Buffer.from('Internal: the refund discount floor is 40 percent.'));
    await indexed(token, contract.id);
    await indexed(token, internal.id);

    const page = await pageFor(carla);
    await page.getByTestId('ask-all').click();
    await page.getByTestId('ask-panel').waitFor();
    await page.getByTestId('ask-question').fill('refund discount floor days');
    await page.getByTestId('ask-submit').click();
    await page.getByTestId('ask-citation').first().waitFor();
    const places = await page.getByTestId('ask-citation-open').allInnerTexts();
    assert.ok(places.length > 0 && places.every((p) => p.startsWith('contract.txt')), JSON.stringify(places));
    const answer = await page.getByTestId('ask-answer').innerText();
    assert.doesNotMatch(answer, /40 percent|pricing/);
    assert.match(answer, /14 days/);
    await page.close();
  });

  it('no dialog fired and no page logged an error', () => {
    assert.deepEqual(problems, []);
  });
});
