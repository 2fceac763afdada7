// Meetings beyond the call, in Chromium: the host invites a colleague and a customer with
// the picker (directories /users, /customers, /teams), reschedules and takes the customer
// off, then cancels — the colleague's /meetings page follows each step live, with the
// start in his own time zone. Then an instant meeting: a message in the meeting chat is
// seen by the other participant and afterwards in the Chat app. And device switching on
// the pre-join screen (Chromium's fake devices offer several microphones).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, newPage, request, signIn, watchErrors } from '../lib/session.mjs';

const TIMEOUT = 30_000;

/** "2031-05-06 10:00" for UTC ms in an IANA zone (what the page should show). */
function localIn(ms, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

describe('meeting invitations, meeting chat in the Chat app, pre-join devices', () => {
  let server;
  let browser;
  const pages = [];
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const pw = () => `pw-${randomBytes(8).toString('hex')}`;
  const hana = { email: `hana.inv.${tag}@example.test`, name: `Hana ${tag}`, password: pw() };
  const ivo = { email: `ivo.inv.${tag}@example.test`, name: `Ivo ${tag}`, password: pw() };
  const cora = { email: `cora.inv.${tag}@example.test`, name: `Cora ${tag}`, password: pw(), kind: 'customer' };
  const api = (method, path, token, body) => request(server.url, method, path, token, body);

  async function page(who, options = {}) {
    const p = await newPage(browser, { timeout: TIMEOUT, ...options });
    pages.push(p);
    watchErrors(p, who?.name ?? 'guest', problems);
    return p;
  }

  before(async () => {
    server = await startServer();
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    await createPeople(server, [hana], { country: 'PT', timeZone: 'Europe/Lisbon' });
    await createPeople(server, [ivo], { country: 'US', timeZone: 'America/New_York' });
    await createPeople(server, [cora], { country: 'DE', timeZone: 'Europe/Berlin' });
    for (const who of [hana, ivo, cora]) who.login = (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json;
  });

  after(async () => {
    for (const p of pages) await p.context().close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('invites with the picker, reschedules, uninvites and cancels; the invitee sees each step live in his zone', async () => {
    const host = await page(hana, { timezoneId: 'Europe/Lisbon' });
    await signIn(host, server.url, hana);
    await host.goto(`${server.url}/meetings`);
    const invitee = await page(ivo, { timezoneId: 'America/New_York' });
    await signIn(invitee, server.url, ivo);
    await invitee.goto(`${server.url}/meetings`);
    await invitee.locator('[data-testid="realtime-status"].connected').waitFor();

    const title = `Tax planning ${tag}`;
    await host.getByTestId('schedule-title').fill(title);
    await host.getByTestId('schedule-start').fill('2031-05-06T15:00'); // Lisbon (WEST, UTC+1)
    for (const name of [ivo.name, cora.name]) {
      await host.getByTestId('invite-search').fill(name);
      await host.locator(`[data-testid="invite-suggestion"][data-name="${name}"]`).click();
      // The chip is drawn after the click's change detection: wait for it, don't count at once.
      await host.getByTestId('invitee-chip').filter({ hasText: name }).waitFor();
    }
    assert.equal(await host.getByTestId('invitee-chip').count(), 2);
    await host.getByRole('button', { name: 'Schedule' }).click();

    const starts = Date.UTC(2031, 4, 6, 14, 0);
    const item = invitee.locator('[data-testid="meetings-list"] li', { hasText: title });
    await invitee.getByTestId('meetings-notice').filter({ hasText: `invited to “${title}”` }).waitFor();
    // The list shows the start in the browser's locale; its datetime attribute is the local
    // wall-clock time in the invitee's zone, which the test can name exactly.
    const startsAt = (local) =>
      item.filter({ hasText: '(America/New_York)' }).locator(`[data-testid="meeting-start"][datetime="${local}"]`);
    await startsAt(localIn(starts, 'America/New_York').replace(' ', 'T')).waitFor();
    assert.equal(localIn(starts, 'America/New_York'), '2031-05-06 10:00');
    const mine = (await api('GET', '/api/v1/meetings', cora.login.token)).json.items.find((m) => m.title === title);
    assert.equal(mine.my_start.local, '2031-05-06T16:00', 'the customer sees Berlin time');

    // Edit: an hour later, and Cora off the list.
    const hostItem = host.locator('[data-testid="meetings-list"] li', { hasText: title });
    await hostItem.getByTestId('meeting-reschedule').click();
    const form = host.getByTestId('meeting-edit');
    await form.getByTestId('edit-start').fill('2031-05-06T16:00');
    await form.getByRole('button', { name: `Remove ${cora.name}` }).click();
    await form.getByTestId('edit-save').click();
    await invitee.getByTestId('meetings-notice').filter({ hasText: `“${title}” was changed` }).waitFor();
    await startsAt('2031-05-06T11:00').waitFor();
    assert.equal((await api('GET', `/api/v1/meetings/${mine.id}`, cora.login.token)).status, 404);

    // Cancel (the host confirms in the dialog): the invitee's list says so.
    await hostItem.getByTestId('meeting-cancel').click();
    await host.getByRole('alertdialog').getByRole('button', { name: 'Cancel meeting' }).click();
    await invitee.getByTestId('meetings-notice').filter({ hasText: `“${title}” was cancelled` }).waitFor();
    await item.getByTestId('meeting-cancelled').waitFor();
    await screenshot(invitee, 'meetings-invitee');
    assert.deepEqual(problems, []);
  });

  it('a meeting chat message reaches the other participant and stays in the Chat app', async () => {
    const created = await api('POST', '/api/v1/meetings', hana.login.token, { title: `Call ${tag}`, user_ids: [ivo.login.user.id] });
    assert.equal(created.status, 201);
    const url = `${server.url}/meet/${created.json.code}`;
    const join = async (who) => {
      const p = await page(who);
      await signIn(p, server.url, who);
      await p.goto(url);
      await p.locator('[data-testid="preview-video"][data-ready="true"]').waitFor();
      await p.getByTestId('join-button').click();
      await p.getByTestId('meeting-room').waitFor();
      return p;
    };
    const host = await join(hana);
    const other = await join(ivo);
    await other.getByTestId('chat-tab').click();
    await other.getByTestId('meeting-chat-input').fill(`Notes for the file ${tag}`);
    await other.getByTestId('meeting-chat-send').click();
    await host.getByTestId('chat-tab').click();
    await host.locator(`[data-testid="meeting-chat-message"][data-author="${ivo.name}"]`, { hasText: `Notes for the file ${tag}` }).waitFor();

    // Later, in the Chat app: the meeting's conversation with the message.
    await host.goto(`${server.url}/chat`);
    const entry = host.locator('[data-testid="conversation-item"]', { hasText: `Meeting: Call ${tag}` });
    await entry.click();
    await host.locator('[data-testid="message-text"]', { hasText: `Notes for the file ${tag}` }).waitFor();
    await screenshot(host, 'meeting-chat-in-chat-app');
    assert.deepEqual(problems, []);
  });

  it('switches the microphone on the pre-join screen', async () => {
    const created = await api('POST', '/api/v1/meetings', hana.login.token, { title: `Devices ${tag}` });
    const p = await page(hana);
    await signIn(p, server.url, hana);
    await p.goto(`${server.url}/meet/${created.json.code}`);
    await p.locator('[data-testid="preview-video"][data-ready="true"]').waitFor();
    const options = await p.getByTestId('microphone-select').locator('option').evaluateAll((os) => os.map((o) => o.value));
    const inUse = () => p.evaluate(() => document.querySelector('[data-testid="preview-video"]').srcObject?.getAudioTracks()[0]?.getSettings().deviceId);
    if (options.length < 2) {
      console.log(`only ${options.length} fake microphone(s): pre-join switching not exercised`);
      return;
    }
    const current = await inUse();
    const next = options.find((o) => o !== current);
    await p.getByTestId('microphone-select').selectOption(next);
    await p.waitForFunction((id) => document.querySelector('[data-testid="preview-video"]').srcObject?.getAudioTracks()[0]?.getSettings().deviceId === id, next);
    await p.locator('[data-testid="preview-video"][data-ready="true"]').waitFor();
    assert.equal(await inUse(), next);
    assert.deepEqual(problems, []);
  });
});
