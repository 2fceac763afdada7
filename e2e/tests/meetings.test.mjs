// Meetings in Chromium with fake camera and microphone: two signed-in people meet through
// Meridian's signaling and decode each other's video; a guest waits in the lobby until
// the host admits them; a shared screen arrives; the host removes a participant.
//
// Screen sharing: the page calls getDisplayMedia (Chromium runs with
// --auto-select-desktop-capture-source); when that fails, as it may headless, the page
// falls back to a canvas captureStream. Either way the track is added to every peer
// connection and goes through the same renegotiation (see meeting-session.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, request } from '../lib/session.mjs';

const TIMEOUT = 30_000;

describe('video meeting in the browser', () => {
  let server;
  let browser;
  const contexts = [];
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const hana = { email: `hana.${tag}@example.test`, name: 'Hana Host', password: `pw-${randomBytes(8).toString('hex')}` };
  const paul = { email: `paul.${tag}@example.test`, name: 'Paul Part', password: `pw-${randomBytes(8).toString('hex')}` };

  const api = (method, path, token, body) => request(server.url, method, path, token, body);

  async function pageFor(login) {
    const context = await browser.newContext();
    contexts.push(context);
    if (login) {
      await context.addInitScript((session) => {
        localStorage.setItem('meridian.session', JSON.stringify(session));
      }, { token: login.token, expiresAt: login.expires_at });
    }
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    return page;
  }

  const remoteTile = (page, name) => page.locator(`[data-testid="tile-remote"][data-name="${name}"]`);

  async function decoding(page, name) {
    const tile = remoteTile(page, name);
    await tile.waitFor({ timeout: TIMEOUT });
    await page
      .waitForFunction(
      (n) => {
        const t = document.querySelector(`[data-testid="tile-remote"][data-name="${n}"]`);
        return t && t.getAttribute('data-connection-state') === 'connected' && Number(t.getAttribute('data-frames-decoded')) > 0;
      },
      name,
      { timeout: TIMEOUT },
      )
      .catch(async (e) => {
        const state = await page.evaluate(() => {
          const s = globalThis.__meridianMeeting;
          return JSON.stringify({ state: s?.state(), notice: s?.notice(), stats: s?.stats(), me: s?.me()?.peer_id, remote: Object.keys(s?.remote() ?? {}) });
        });
        throw new Error(`${name} not decoding on this page: ${state}\n${e.message}`);
      });
  }

  before(async () => {
    server = await startServer();
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--auto-select-desktop-capture-source=Entire screen',
    ]);
    await createPeople(server, [hana, paul], { kind: 'employee', country: 'PT', timeZone: 'Europe/Lisbon' });
    for (const who of [hana, paul]) {
      who.login = (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json;
    }
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('connects two people, admits a guest from the lobby, shares a screen, removes a participant', async () => {
    const created = await api('POST', '/api/v1/meetings', hana.login.token, { title: 'Quarterly tax review', user_ids: [paul.login.user.id] });
    assert.equal(created.status, 201);
    const url = `${server.url}/meet/${created.json.code}`;

    const host = await pageFor(hana.login);
    await host.goto(url);
    await host.locator('[data-testid="preview-video"][data-ready="true"]').waitFor({ timeout: TIMEOUT });
    await host.getByTestId('join-button').click();
    await host.getByTestId('meeting-room').waitFor({ timeout: TIMEOUT });

    const part = await pageFor(paul.login);
    await part.goto(url);
    await part.locator('[data-testid="preview-video"][data-ready="true"]').waitFor({ timeout: TIMEOUT });
    const clicked = Date.now();
    await part.getByTestId('join-button').click();
    await decoding(part, hana.name);
    const firstFrameMs = Date.now() - clicked;
    await decoding(host, paul.name);
    console.log(`join-to-first-decoded-frame: ${firstFrameMs} ms`);

    // A guest without an account waits in the lobby until the host admits them.
    const guest = await pageFor(null);
    await guest.goto(url);
    await guest.locator('[data-testid="preview-video"][data-ready="true"]').waitFor({ timeout: TIMEOUT });
    await guest.getByTestId('guest-name').fill('Gina Guest');
    await guest.getByTestId('join-button').click();
    await guest.getByTestId('lobby-waiting').waitFor({ timeout: TIMEOUT });
    assert.equal(await remoteTile(host, 'Gina Guest').count(), 0);
    const entry = host.locator('[data-testid="lobby-entry"][data-name="Gina Guest"]');
    await entry.waitFor({ timeout: TIMEOUT });
    await entry.getByTestId('admit').click();
    await guest.getByTestId('meeting-room').waitFor({ timeout: TIMEOUT });
    await decoding(guest, hana.name);
    await decoding(host, 'Gina Guest');
    assert.ok(!(await guest.content()).includes('@example.test'), 'a guest never sees e-mail addresses');

    // In-meeting chat: the guest writes in the Chat tab, the host reads it there.
    await guest.getByTestId('chat-tab').click();
    await guest.getByTestId('meeting-chat-input').fill('Hello from the guest');
    await guest.getByTestId('meeting-chat-send').click();
    await host.getByTestId('chat-tab').click();
    await host.locator('[data-testid="meeting-chat-message"][data-author="Gina Guest"]', { hasText: 'Hello from the guest' }).waitFor({ timeout: TIMEOUT });
    await host.getByRole('tab', { name: /People/ }).click();

    // Paul shares his screen: a renegotiation; the host decodes the screen track.
    await part.getByTestId('toggle-screen').click();
    await host.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="screen-tile"]')].some((t) => Number(t.getAttribute('data-frames-decoded')) > 0),
      null,
      { timeout: TIMEOUT },
    );

    // The host removes Paul: he is out, the others no longer see him.
    await host.locator(`[data-testid="participant"][data-name="${paul.name}"]`).getByTestId('remove').click();
    await part.locator('[data-testid="meeting-over"][data-state="removed"]').waitFor({ timeout: TIMEOUT });
    await remoteTile(guest, paul.name).waitFor({ state: 'detached', timeout: TIMEOUT });
    await remoteTile(host, paul.name).waitFor({ state: 'detached', timeout: TIMEOUT });
    await screenshot(host, 'meeting-host');
    assert.deepEqual(problems, []);
  });
});
