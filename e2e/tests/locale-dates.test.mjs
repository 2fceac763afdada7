// Dates in the browser's locale (issue 15, defect 11): an en-GB browser reads a meeting's start
// and a file's date day-first ("7 Dec 2027, 00:31", "07/12/2027, 00:31"), not Angular's en-US
// "12/7/27, 12:31 AM" nor a raw "2027-12-07 00:31"; an en-US browser gets its own order.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, newPage, request, signIn, watchErrors } from '../lib/session.mjs';

describe('dates in the browser locale', () => {
  let server;
  let browser;
  let admin;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const ella = { email: `ella.${tag}@example.test`, name: 'Ella Employee', password: `pw-${randomBytes(8).toString('hex')}` };
  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  // 7 December next year, 00:31 in Lisbon (UTC in winter).
  const year = new Date().getUTCFullYear() + 1;
  const startsAt = Date.UTC(year, 11, 7, 0, 31);

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    admin = await createPeople(server, [ella], { timeZone: 'Europe/Lisbon' });
    const meeting = await api('POST', '/api/v1/meetings', admin.token, {
      title: 'Planning', kind: 'scheduled', starts_at: startsAt, duration_minutes: 30, time_zone: 'Europe/Lisbon', user_ids: [ella.id],
    });
    assert.equal(meeting.status, 201, JSON.stringify(meeting.json));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a meeting start day-first in an en-GB browser', async () => {
    const page = await newPage(browser, { timeout: 20_000, locale: 'en-GB' });
    watchErrors(page, 'ella', problems);
    await signIn(page, server.url, ella);
    await page.getByTestId('nav-meetings').click();
    const item = page.getByTestId('meetings-list').locator('li', { hasText: 'Planning' });
    await item.waitFor();
    const text = await item.innerText();
    assert.ok(text.includes(`7 Dec ${year}, 00:31 (Europe/Lisbon)`), text);
    assert.ok(!text.includes(`${year}-12-07`), `no raw ISO date: ${text}`);
    await screenshot(page, 'locale-en-gb-meetings');
    assert.deepEqual(problems, []);
  });

  it('shows a file date day-first in an en-GB browser, month-first in an en-US one', async () => {
    const gb = await newPage(browser, { timeout: 20_000, locale: 'en-GB' });
    watchErrors(gb, 'ella', problems);
    await signIn(gb, server.url, ella);
    await gb.getByTestId('nav-files').click();
    await gb.getByTestId('files-empty').waitFor();
    await gb.getByTestId('file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    const cell = gb.getByTestId('node-notes.txt').locator('td').nth(2);
    await cell.waitFor();
    const now = new Date();
    const dd = String(now.getUTCDate()).padStart(2, '0');
    const mm = String(now.getUTCMonth() + 1).padStart(2, '0');
    assert.match((await cell.innerText()).trim(), new RegExp(`^${dd}/${mm}/${now.getUTCFullYear()}, \\d{2}:\\d{2}$`));
    await screenshot(gb, 'locale-en-gb-files');

    const us = await newPage(browser, { timeout: 20_000, locale: 'en-US' });
    await signIn(us, server.url, ella);
    await us.getByTestId('nav-files').click();
    const usCell = us.getByTestId('node-notes.txt').locator('td').nth(2);
    await usCell.waitFor();
    const yy = String(now.getUTCFullYear()).slice(2);
    assert.match((await usCell.innerText()).trim(), new RegExp(`^${now.getUTCMonth() + 1}/${now.getUTCDate()}/${yy}, \\d{1,2}:\\d{2}\\s?[AP]M$`));
    assert.deepEqual(problems, []);
  });
});
