// Remote support in Chromium with real display capture (issue 13): an agent starts a session
// and reads the code; the customer enters it on the public page (no account), allows chat,
// then viewing: getDisplayMedia captures another tab of the customer's browser for real
// (headless Chromium has no screen, but tab capture works: --auto-select-tab-capture-source-by-title
// picks the tab, no picker, no fake device), and the agent's page decodes its frames. The
// agent draws, the drawing appears on the customer's page; the customer withdraws viewing
// and the agent's picture stops; the session ends with a summary on both sides and an intact log.
// The agent's list of sessions shows the consent and the pause live.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { chatAllowed } from '../lib/remote-support.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, liveLink, request, signIn, watchProblems } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const SHOWN_TAB = 'Invoice 2026 - customer app';
const DEADLINE = 30_000;

describe('remote support in the browser', () => {
  let server;
  let agentBrowser;
  let customerBrowser;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const cleo = { email: `cleo.${tag}@example.test`, name: 'Cleo Customer', password: `pw-${randomBytes(8).toString('hex')}` };
  const cora = { email: `cora.${tag}@example.test`, name: 'Cora Other', password: `pw-${randomBytes(8).toString('hex')}` };
  const ada = { email: `ada.${tag}@example.test`, name: 'Ada Agent', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'agent' };

  before(async () => {
    server = await startServer();
    agentBrowser = await launchChromium();
    // The customer's browser: real tab capture, no fake media device.
    customerBrowser = await launchChromium([`--auto-select-tab-capture-source-by-title=${SHOWN_TAB}`]);
    await createPeople(server, [ada]);
    await createPeople(server, [cleo, cora], { kind: 'customer', country: 'DE', timeZone: 'Europe/Berlin' });
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ada.email, password: ada.password }),
    });
    ada.login = await res.json();
  });

  after(async () => {
    await agentBrowser?.close();
    await customerBrowser?.close();
    await server?.stop();
  });

  it('code, consent step by step, real screen frames, a drawing, revocation stops the picture, summary and log', async () => {
    // The agent, signed in.
    const agentContext = await agentBrowser.newContext({ viewport: { width: 1280, height: 800 } });
    await agentContext.addInitScript((session) => localStorage.setItem('meridian.session', JSON.stringify(session)), {
      token: ada.login.token,
      expiresAt: ada.login.expires_at,
    });
    const agent = await agentContext.newPage();
    watchProblems(agent, 'agent', problems);
    await agent.goto(`${server.url}/remote-support`);
    await liveLink(agent);
    await agent.getByTestId('rs-start').click();
    const codeEl = agent.getByTestId('rs-code');
    await codeEl.waitFor();
    const code = await codeEl.getAttribute('data-code');
    assert.match(code, /^[A-HJKMNP-Z2-9]{8}$/);

    // The customer: the tab to show is open, then the support page.
    const customerContext = await customerBrowser.newContext({ viewport: { width: 390, height: 844 } });
    const shown = await customerContext.newPage();
    await shown.setContent(`<title>${SHOWN_TAB}</title><body style="margin:0;background:#ffd43b;font:64px sans-serif"><h1>Invoice 2026</h1><p>Total 1,234.56</p></body>`);
    const customer = await customerContext.newPage();
    watchProblems(customer, 'customer', problems);
    await customer.goto(`${server.url}/remote-support/join`);
    await customer.getByTestId('rs-code-input').waitFor();
    await screenshot(customer, 'remote-support-customer-form-390');
    await customer.getByTestId('rs-code-input').fill(code.slice(0, 4).toLowerCase() + ' ' + code.slice(4));
    await customer.getByTestId('rs-name-input').fill('Carla Caller');
    await customer.getByTestId('rs-email-input').fill('carla@example.test');
    await customer.getByTestId('rs-topic-input').fill('My invoice total looks wrong');
    const redeemedAt = Date.now();
    await customer.getByTestId('rs-connect').click();
    await customer.getByTestId('rs-agent-sees').waitFor();
    assert.match(await customer.getByTestId('rs-agent-sees').innerText(), /Nothing/);

    // Nothing can be asked out of order: the agent's only ask button is chat.
    await chatAllowed(agent, customer);
    const ask = agent.getByTestId('rs-ask');

    // Viewing: asked on its own, allowed by the customer, captured for real.
    assert.equal(await until(() => ask.getAttribute('data-step').catch(() => null), (s) => s === 'view'), 'view');
    assert.equal(await agent.getByTestId('rs-video').getAttribute('data-live'), 'false');
    await ask.click();
    await customer.getByTestId('rs-ask-view').waitFor();
    const allowedAt = Date.now();
    await customer.getByTestId('rs-allow').click();
    const video = agent.getByTestId('rs-video');
    const frames = await until(async () => Number(await video.getAttribute('data-frames')), (n) => n > 0, { timeout: DEADLINE });
    const firstFrameMs = Date.now() - redeemedAt;
    const fromAllowMs = Date.now() - allowedAt;
    assert.ok(frames > 0, `the agent's page decoded no frame of the customer's tab (${frames})`);
    // Figures for BENCHMARKS.md (polled every 100 ms, so up to 100 ms late); not asserted.
    console.log(`remote support: code redeemed to first decoded frame ${firstFrameMs} ms (incl. the test's chat and view asks), viewing allowed to first decoded frame ${fromAllowMs} ms`);
    assert.match(await customer.getByTestId('rs-agent-sees').innerText(), /shared screen/);
    const track = await video.evaluate((v) => {
      const t = v.srcObject?.getVideoTracks()[0];
      return t ? { w: v.videoWidth, h: v.videoHeight, state: t.readyState } : null;
    });
    assert.equal(track?.state, 'live');
    assert.ok(track.w > 0 && track.h > 0, JSON.stringify(track));

    // Drawing: asked separately; the agent's stroke appears on the customer's page.
    assert.equal(await until(() => ask.getAttribute('data-step').catch(() => null), (s) => s === 'annotate'), 'annotate');
    await ask.click();
    await customer.getByTestId('rs-ask-annotate').waitFor();
    await customer.getByTestId('rs-allow').click();
    assert.equal(await until(() => agent.getByTestId('rs-consent-annotate').getAttribute('data-state'), (s) => s === 'granted'), 'granted');
    const box = await agent.getByTestId('rs-canvas').boundingBox();
    await agent.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.3);
    await agent.mouse.down();
    for (let i = 1; i <= 10; i++) await agent.mouse.move(box.x + box.width * (0.2 + i * 0.04), box.y + box.height * 0.3 + i * 3);
    await agent.mouse.up();
    const drawn = customer.locator('[data-testid="rs-drawings"] polyline');
    assert.equal(await until(() => drawn.count(), (n) => n >= 1, { timeout: DEADLINE }), 1);
    // The agent's list of sessions shows the consent live (no reload): all three steps, then paused.
    const listed = agent.getByTestId('rs-session-consent').first();
    assert.equal(await until(() => listed.getAttribute('data-granted'), (s) => s === 'chat,view,annotate'), 'chat,view,annotate');
    await customer.getByTestId('rs-pause').click();
    assert.equal(await until(() => listed.getAttribute('data-paused'), (s) => s === 'true'), 'true');
    assert.match(await listed.innerText(), /Chat, Screen, Drawing allowed · sharing paused/);
    await customer.getByTestId('rs-pause').click();
    assert.equal(await until(() => listed.getAttribute('data-paused'), (s) => s === 'false'), 'false');
    await screenshot(agent, 'remote-support-agent-viewing-1280');
    await screenshot(customer, 'remote-support-customer-sharing-390');
    assert.ok((await customer.evaluate(() => document.scrollingElement.scrollWidth)) <= 390, 'the customer page scrolls sideways at 390 px');

    // The customer withdraws viewing: the agent's picture stops, drawing goes with it.
    const revokedAt = Date.now();
    await customer.getByTestId('rs-stop-sharing').click();
    assert.equal(await until(() => video.getAttribute('data-live'), (s) => s === 'false', { timeout: DEADLINE }), 'false');
    console.log(`remote support: viewing withdrawn to the agent's picture stopped ${Date.now() - revokedAt} ms`);
    assert.equal(await until(() => agent.getByTestId('rs-consent-view').getAttribute('data-state'), (s) => s === 'revoked'), 'revoked');
    assert.equal(await agent.getByTestId('rs-consent-annotate').getAttribute('data-state'), 'revoked');
    assert.equal(await until(() => listed.getAttribute('data-granted'), (s) => s === 'chat'), 'chat');
    assert.equal(await video.evaluate((v) => v.srcObject), null);
    assert.match(await customer.getByTestId('rs-agent-sees').innerText(), /Nothing of your screen/);

    // The customer ends the session: both see the summary; the log's chain is intact.
    await customer.getByTestId('rs-end').click();
    await customer.getByTestId('rs-summary').waitFor();
    await agent.getByTestId('rs-agent-summary').waitFor();
    assert.match(await agent.getByTestId('rs-ended-by').innerText(), /customer|caller/);
    assert.equal(await agent.getByTestId('rs-summary-drawings').innerText(), '1');
    await agent.getByTestId('rs-show-log').click();
    assert.equal(await until(() => agent.getByTestId('rs-log-intact').getAttribute('data-intact').catch(() => null), (s) => s !== null), 'true');
    await screenshot(customer, 'remote-support-customer-summary-390');
    await screenshot(agent, 'remote-support-agent-ended-1280');
    // Both pages on the other size too, without sideways scrolling on the phone.
    await agent.setViewportSize({ width: 390, height: 844 });
    await customer.setViewportSize({ width: 1280, height: 800 });
    await screenshot(agent, 'remote-support-agent-ended-390');
    await screenshot(customer, 'remote-support-customer-summary-1280');
    assert.ok((await agent.evaluate(() => document.scrollingElement.scrollWidth)) <= 390, 'the agent page scrolls sideways at 390 px');

    assert.deepEqual(problems, []);
  });

  it('a customer account joins from its support view without a code; another customer sees no invitation', async () => {
    const started = await request(server.url, 'POST', '/api/v1/remote-support/sessions', ada.login.token, { customer_user_id: cleo.id });
    assert.equal(started.status, 201, JSON.stringify(started.json));
    const id = started.json.id;

    const coraPage = await (await customerBrowser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await signIn(coraPage, server.url, cora);
    await coraPage.goto(`${server.url}/support`);
    await coraPage.getByTestId('support-page').waitFor();

    const context = await customerBrowser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    watchProblems(page, 'cleo', problems);
    await signIn(page, server.url, cleo);
    await page.goto(`${server.url}/support`);
    await page.getByTestId(`rs-invite-${id}`).waitFor();
    await screenshot(page, 'remote-support-invite-390');
    await page.getByTestId('rs-invite-join').click();
    await page.getByTestId('rs-join-account').click();
    await page.getByTestId('rs-agent-sees').waitFor();
    const status = await until(async () => (await request(server.url, 'GET', `/api/v1/remote-support/sessions/${id}`, ada.login.token)).json?.status, (s) => s === 'active');
    assert.equal(status, 'active');
    // The invitation was Cleo's only: Cora's support view, loaded before Cleo joined, shows none.
    assert.equal(await coraPage.locator('[data-testid^="rs-invite-"]').count(), 0);
    assert.deepEqual(problems, []);
  });
});
