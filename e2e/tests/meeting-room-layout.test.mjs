// The meeting room looks like what Zoom, Meet and Jitsi users expect (issue 15, defect 2), measured
// with bounding boxes at 1280x800: the videos own the screen and the other person is the large
// tile, the side panel (people, chat, info) is narrow and closes, and the controls are one centred
// bar of buttons that each carry an icon and a label. At 390x844 nothing scrolls sideways.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, request } from '../lib/session.mjs';

const TIMEOUT = 30_000;

describe('meeting room layout', () => {
  let server;
  let browser;
  const contexts = [];
  const tag = randomBytes(3).toString('hex');
  const hana = { email: `hana.${tag}@example.test`, name: 'Hana Host', password: `pw-${randomBytes(8).toString('hex')}` };
  const paul = { email: `paul.${tag}@example.test`, name: 'Paul Part', password: `pw-${randomBytes(8).toString('hex')}` };
  const api = (method, path, token, body) => request(server.url, method, path, token, body);

  async function joined(login, url, viewport) {
    const context = await browser.newContext({ viewport, locale: 'en-GB' });
    contexts.push(context);
    await context.addInitScript((session) => localStorage.setItem('meridian.session', JSON.stringify(session)), {
      token: login.token,
      expiresAt: login.expires_at,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(url);
    await page.locator('[data-testid="preview-video"][data-ready="true"]').waitFor();
    await page.getByTestId('join-button').click();
    await page.getByTestId('meeting-room').waitFor();
    return page;
  }

  const box = async (locator) => {
    const b = await locator.boundingBox();
    assert.ok(b, 'element is visible');
    return b;
  };

  before(async () => {
    server = await startServer();
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    await createPeople(server, [hana, paul]);
    for (const who of [hana, paul]) {
      who.login = (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json;
    }
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('gives the videos the space at 1280x800: the other person large, a narrow closable panel, one centred bar of labelled icons', async () => {
    const created = await api('POST', '/api/v1/meetings', hana.login.token, { title: 'Layout check', user_ids: [paul.login.user.id] });
    assert.equal(created.status, 201);
    const url = `${server.url}/meet/${created.json.code}`;
    const host = await joined(hana.login, url, { width: 1280, height: 800 });
    await joined(paul.login, url, { width: 1280, height: 800 });
    await host.locator(`[data-testid="tile-remote"][data-name="${paul.name}"]`).waitFor();

    const room = host.getByTestId('meeting-room');
    const videos = room.locator('section[aria-label="Videos"]');
    const side = room.locator('aside');
    const v = await box(videos);
    const s = await box(side);
    assert.ok(v.width >= 0.6 * 1280, `the videos take most of the width (${v.width} px)`);
    assert.ok(s.width <= 360, `the side panel is narrow (${s.width} px)`);
    assert.ok(s.x > v.x, 'the side panel is on the right of the videos');

    // The other person is the large tile; my own view is a small one.
    const remote = await box(host.locator(`[data-testid="tile-remote"][data-name="${paul.name}"]`));
    const self = await box(host.getByTestId('tile-self'));
    assert.ok(remote.width * remote.height >= 4 * self.width * self.height, `the other person is large (${remote.width}x${remote.height} vs ${self.width}x${self.height})`);
    assert.ok(remote.width >= 0.5 * v.width, 'the large tile spans most of the video area');

    // One bar of controls, centred under the videos, each an icon with a label, all on screen.
    const buttons = host.locator('nav[aria-label="Meeting controls"] button');
    const count = await buttons.count();
    assert.ok(count >= 5, `${count} controls`);
    const boxes = [];
    for (let i = 0; i < count; i++) {
      const b = buttons.nth(i);
      boxes.push(await box(b));
      assert.equal(await b.locator('svg').count(), 1, `control ${i} has an icon`);
      assert.ok((await b.innerText()).trim().length > 0, `control ${i} has a visible label`);
    }
    const tops = boxes.map((b) => Math.round(b.y));
    assert.ok(Math.max(...tops) - Math.min(...tops) <= 2, `the controls are one row (tops ${tops.join(', ')})`);
    const left = Math.min(...boxes.map((b) => b.x));
    const right = Math.max(...boxes.map((b) => b.x + b.width));
    const middle = (left + right) / 2;
    assert.ok(Math.abs(middle - 640) <= 40, `the controls are centred in the window (middle at ${middle})`);
    assert.ok(right <= 1280 && Math.max(...boxes.map((b) => b.y + b.height)) <= 800, 'the controls are on screen');
    assert.ok(Math.min(...tops) > v.y + v.height - 2, 'the bar is below the videos');
    await screenshot(host, 'meeting-room-layout-1280');

    // The panel closes; the videos take the freed space; the People control opens it again.
    await host.getByTestId('close-panel').click();
    await side.waitFor({ state: 'detached' });
    assert.ok((await box(videos)).width >= 1200, 'without the panel the videos take the whole width');
    await host.getByTestId('toggle-people').click();
    await host.getByTestId('participants-panel').waitFor();
    await host.getByTestId('toggle-chat').click();
    await host.getByTestId('meeting-chat').waitFor();
  });

  it('fits a 390x844 phone: no sideways scrolling, the controls on screen', async () => {
    const created = await api('POST', '/api/v1/meetings', hana.login.token, { title: 'Phone check' });
    const page = await joined(hana.login, `${server.url}/meet/${created.json.code}`, { width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'no sideways scrolling');
    const bar = await box(page.locator('nav[aria-label="Meeting controls"]'));
    assert.ok(bar.y + bar.height <= 844, 'the controls are on screen without scrolling');
    await screenshot(page, 'meeting-room-layout-390');
  });
});
