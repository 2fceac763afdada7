#!/usr/bin/env node
// Screenshots of every page at desktop and phone size, to look at the design as a whole.
// Starts the real server on a free port with a throwaway data dir (lib/server.mjs), seeds an
// employee, a customer, a channel, a meeting and a support request through the REST API, and
// saves <page>-<width>x<height>.png for each page and role into the folder given.
//
//   node tools/screenshots.mjs OUT_DIR            (MERIDIAN_BIN, MERIDIAN_WEB_ROOT as for the tests)
//
// Also reports pages that scroll sideways and console errors, since those are what to fix.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { launchChromium } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, request } from '../lib/session.mjs';

const out = resolve(process.argv[2] ?? 'screenshots');
mkdirSync(out, { recursive: true });
const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

const server = await startServer(process.env.MERIDIAN_WEB_ROOT ? { webRoot: resolve(process.env.MERIDIAN_WEB_ROOT) } : {});
const browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
const report = [];
try {
  const tag = randomBytes(3).toString('hex');
  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const erin = { email: `erin.${tag}@example.test`, name: 'Erin Employee', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'employee' };
  const cleo = { email: `cleo.${tag}@example.test`, name: 'Cleo Customer', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'customer' };
  const abel = { email: `abel.${tag}@example.test`, name: 'Abel Agent', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'agent' };
  const admin = await createPeople(server, [erin, cleo, abel], { country: 'PT', timeZone: 'Europe/Lisbon' });
  const login = async (who) => (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json;
  const erinLogin = await login(erin);
  const cleoLogin = await login(cleo);
  const abelLogin = await login(abel);

  // Something to look at on each page; a failing seed step only makes a page emptier.
  const team = await api('POST', '/api/v1/admin/teams', admin.token, { name: `Support ${tag}` });
  if (team.json?.id) {
    await api('PUT', `/api/v1/admin/teams/${team.json.id}/members/${abel.id}`, admin.token);
    await api('PUT', '/api/v1/admin/support/routes/default', admin.token, { team_id: team.json.id });
  }
  const channel = await api('POST', '/api/v1/conversations', admin.token, { kind: 'channel', name: `general-${tag}`, visibility: 'public' });
  if (channel.json?.id) {
    await api('POST', `/api/v1/conversations/${channel.json.id}/messages`, admin.token, { text: 'Welcome to **Meridian**. The release notes are out.', client_id: `s-${tag}` });
  }
  await api('POST', '/api/v1/meetings', admin.token, {
    title: 'Quarterly planning', kind: 'scheduled', starts_at: Date.now() + 86_400_000, duration_minutes: 45,
    time_zone: 'Europe/Lisbon', user_ids: [erin.id],
  });
  const room = await api('POST', '/api/v1/meetings', admin.token, { title: 'Design review' });
  await api('POST', '/api/v1/support/conversations', cleoLogin.token, { subject: 'Invoice 42', text: 'The total is wrong twice.', client_id: `c-${tag}` });

  const pages = [
    { name: 'login', path: '/login' },
    { name: 'home', path: '/', who: admin },
    { name: 'chat', path: '/chat', who: admin },
    ...(channel.json?.id ? [{ name: 'chat-channel', path: `/chat/${channel.json.id}`, who: admin }] : []),
    { name: 'files', path: '/files', who: admin },
    { name: 'meetings', path: '/meetings', who: admin },
    { name: 'meetings-keyboard-focus', path: '/meetings', who: admin, tabs: 12 },
    ...(room.json?.code
      ? [
          { name: 'meeting-prejoin', path: `/meet/${room.json.code}`, who: admin, ready: '[data-testid="preview-video"][data-ready="true"]' },
          { name: 'meeting-room', path: `/meet/${room.json.code}`, who: admin, join: true },
        ]
      : []),
    { name: 'support-agent', path: '/support', who: abelLogin },
    { name: 'home-employee', path: '/', who: erinLogin },
    { name: 'support-customer', path: '/support', who: cleoLogin },
    { name: 'home-customer', path: '/', who: cleoLogin },
    { name: 'availability-overlap', path: `/availability?user_ids=${admin.user.id},${erinLogin.user.id}`, who: admin },
    { name: 'availability-settings', path: '/availability/settings', who: erinLogin },
    { name: 'admin-users', path: '/admin/users', who: admin },
    { name: 'admin-teams', path: '/admin/teams', who: admin },
    { name: 'admin-feature-toggles', path: '/admin/feature-toggles', who: admin },
    { name: 'admin-chat-operations', path: '/admin/chat-operations', who: admin },
    { name: 'admin-audit', path: '/admin/audit', who: admin },
    { name: 'not-found', path: '/nowhere', who: admin },
  ];

  for (const size of SIZES) {
    for (const p of pages) {
      const context = await browser.newContext({ viewport: size, locale: 'en-GB', timezoneId: 'Europe/Lisbon' });
      if (p.who) {
        await context.addInitScript((session) => localStorage.setItem('meridian.session', JSON.stringify(session)), {
          token: p.who.token,
          expiresAt: p.who.expires_at,
        });
      }
      const page = await context.newPage();
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      const file = `${p.name}-${size.width}x${size.height}.png`;
      try {
        await page.goto(`${server.url}${p.path}`, { waitUntil: 'networkidle' });
        if (p.ready || p.join) await page.locator(p.ready ?? '[data-testid="preview-video"][data-ready="true"]').waitFor({ timeout: 15_000 });
        if (p.join) {
          await page.getByTestId('join-button').click();
          await page.getByTestId('meeting-room').waitFor({ timeout: 15_000 });
        }
        for (let i = 0; i < (p.tabs ?? 0); i++) await page.keyboard.press('Tab'); // where is the focus ring?
        await page.waitForTimeout(600); // fonts, late signals: a picture, not a test
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await page.screenshot({ path: join(out, file), fullPage: true });
        report.push(`${file}${overflow > 0 ? `  SCROLLS SIDEWAYS by ${overflow}px` : ''}${errors.length ? `  errors: ${errors.join(' | ')}` : ''}`);
      } catch (e) {
        report.push(`${file}  FAILED: ${e.message.split('\n')[0]}`);
      } finally {
        await context.close();
      }
    }
  }
} finally {
  await browser.close().catch(() => undefined);
  await server.stop();
}
writeFileSync(join(out, 'report.txt'), `${report.join('\n')}\n`);
console.log(report.join('\n'));
