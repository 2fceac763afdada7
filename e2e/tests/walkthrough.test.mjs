// The walk-through of issue 15: every page each kind of person reaches (admin, employee, agent,
// customer, guest), at 1280x800 and at 390x844. On each: no sideways scrolling, no console or
// page errors, and every module the navigation offers is one the server serves this person
// (its list answers 200, never 403). Screenshots land in test-results/walk-<who>-<size>-<page>.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { adminLogin, createPeople, request, watchErrors } from '../lib/session.mjs';

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

/** What each navigation entry shows, and the API call whose answer it is built on. */
const MODULES = {
  'nav-chat': { path: '/chat', api: '/api/v1/conversations' },
  'nav-meetings': { path: '/meetings', api: '/api/v1/meetings' },
  'nav-files': { path: '/files', api: '/api/v1/spaces' },
  'nav-support': { path: '/support', api: '/api/v1/support/conversations' },
  'nav-admin': { path: '/admin/users', api: '/api/v1/admin/users' },
};
/** The navigation each kind of person gets (beside Home). */
const EXPECTED_NAV = {
  admin: ['nav-chat', 'nav-meetings', 'nav-files', 'nav-support', 'nav-admin'],
  employee: ['nav-chat', 'nav-meetings', 'nav-files'],
  agent: ['nav-chat', 'nav-meetings', 'nav-files', 'nav-support'],
  customer: ['nav-meetings', 'nav-files', 'nav-support'],
  guest: ['nav-chat', 'nav-files'],
};
/** Pages reached from inside a module (not from the top navigation). */
const INNER = {
  'nav-chat': ['/chat/search'],
  'nav-admin': ['/admin/teams', '/admin/feature-toggles', '/admin/chat-operations', '/admin/audit', '/alerts', '/alerts/new'],
};

describe('walk-through: every page, every kind of person, desktop and phone', () => {
  const tag = randomBytes(3).toString('hex');
  const people = {
    employee: { email: `emma.${tag}@example.test`, name: 'Emma Employee', kind: 'employee' },
    agent: { email: `arjun.${tag}@example.test`, name: 'Arjun Agent', kind: 'agent' },
    customer: { email: `carmen.${tag}@client.example`, name: 'Carmen Customer', kind: 'customer' },
    guest: { email: `gustav.${tag}@partner.example`, name: 'Gustav Guest', kind: 'guest' },
  };
  const problems = [];
  const sessions = {};
  let server, browser;
  const api = (method, path, token, body) => request(server.url, method, path, token, body);

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    for (const p of Object.values(people)) p.password = `pw-${randomBytes(8).toString('hex')}`;
    await createPeople(server, Object.values(people), { country: 'PT', timeZone: 'Europe/Lisbon' });
    const admin = await adminLogin(server);
    sessions.admin = { token: admin.token, expiresAt: admin.expires_at };
    for (const [who, p] of Object.entries(people)) {
      const login = await api('POST', '/api/v1/auth/login', null, { email: p.email, password: p.password });
      assert.equal(login.status, 200, JSON.stringify(login.json));
      sessions[who] = { token: login.json.token, expiresAt: login.json.expires_at };
    }
    // Something on the pages: a support team, a channel with the guest in it, a customer's case.
    const team = await api('POST', '/api/v1/admin/teams', admin.token, { name: `Support ${tag}` });
    assert.equal((await api('PUT', `/api/v1/admin/teams/${team.json.id}/members/${people.agent.id}`, admin.token)).status, 204);
    assert.equal((await api('PUT', '/api/v1/admin/support/routes/default', admin.token, { team_id: team.json.id })).status, 200);
    const channel = await api('POST', '/api/v1/conversations', sessions.employee.token, { kind: 'channel', name: `walk-${tag}`, visibility: 'private' });
    assert.equal(channel.status, 201, JSON.stringify(channel.json));
    assert.equal((await api('PUT', `/api/v1/conversations/${channel.json.id}/members/${people.guest.id}`, sessions.employee.token)).status, 204);
    const support = await api('POST', '/api/v1/support/conversations', sessions.customer.token, { subject: 'My invoice is wrong', text: 'Please look at invoice 42.', client_id: `walk-${tag}` });
    assert.equal(support.status, 201, JSON.stringify(support.json));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function pageFor(who, size) {
    const context = await browser.newContext({ viewport: SIZES[size], locale: 'en-GB', timezoneId: 'Europe/Lisbon', isMobile: size === 'phone', hasTouch: size === 'phone' });
    await context.addInitScript((session) => localStorage.setItem('meridian.session', JSON.stringify(session)), sessions[who]);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    watchErrors(page, `${who} ${size}`, problems);
    return page;
  }

  for (const who of ['admin', 'employee', 'agent', 'customer', 'guest']) {
    it(`${who}: each page fits and offers only modules the server serves`, async () => {
      const offered = new Set();
      const wide = [];
      for (const size of Object.keys(SIZES)) {
        const page = await pageFor(who, size);
        await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
        await page.locator('[data-testid="user-menu"]').waitFor();
        const nav = await page.$$eval('a[data-testid^="nav-"]', (links) => links.map((a) => a.getAttribute('data-testid')).filter((id) => !id.endsWith('-unread')));
        assert.deepEqual(nav, EXPECTED_NAV[who], `${who}'s navigation at ${size}`);
        for (const id of nav) offered.add(id);
        const paths = ['/', ...nav.flatMap((id) => [MODULES[id]?.path, ...(INNER[id] ?? [])]).filter(Boolean)];
        for (const path of paths) {
          await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
          await page.waitForTimeout(200); // late layout (fonts, lazy panels)
          assert.equal(new URL(page.url()).pathname.startsWith('/not-allowed'), false, `${who} was sent away from ${path}`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 0) wide.push(`${path} at ${size} scrolls sideways by ${overflow} px`);
          await screenshot(page, `walk-${who}-${size}-${path === '/' ? 'home' : path.slice(1).replaceAll('/', '-')}`);
        }
        await page.context().close();
      }
      assert.deepEqual(wide, [], `${who}: no page scrolls sideways`);
      for (const id of offered) {
        const module = MODULES[id];
        assert.ok(module, `unknown navigation entry ${id}`);
        const answer = await api('GET', module.api, sessions[who].token);
        assert.equal(answer.status, 200, `${who} is offered ${id} but GET ${module.api} answers ${answer.status}: ${JSON.stringify(answer.json)}`);
      }
      assert.deepEqual(problems, []);
    });
  }
});
