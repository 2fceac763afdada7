// Profile cards in Chromium (issue 14): Bea in Berlin clicks a person's name — a message's
// author, a member in the members panel, a direct message's header, a person in the
// directory of "New direct message" — and a card opens with who they are (kind, team,
// country and region), their local time now, whether they are working, their hours today in
// Bea's time, and "Overlap with me". Focus moves into the card; Escape closes it and gives
// focus back to the name; all by keyboard too. Then the card on a phone (390x844).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { minutesNowIn } from '../lib/local-time.mjs';
import { startServer } from '../lib/server.mjs';
import { adminLogin, browserSession, createPeople, newPage, request, signIn, watchProblems } from '../lib/session.mjs';
import { until, untilCount } from '../lib/wait.mjs';

const TIMEOUT = 20_000;
const everyDay = (start, end) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));
const hhmm = (minutes) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

describe('profile card: who someone is, their time and hours, from their name', () => {
  const tag = randomBytes(3).toString('hex');
  const pw = (who) => `pw-${who}-${tag}-x1`;
  const bea = { email: `bea.card.${tag}@example.test`, name: `Bea Berlin ${tag}`, password: pw('bea') };
  const ned = { email: `ned.card.${tag}@example.test`, name: `Ned NewYork ${tag}`, password: pw('ned') };
  const tomo = { email: `tomo.card.${tag}@example.test`, name: `Tomo Tokyo ${tag}`, password: pw('tomo') };
  const problems = [];
  let server, session, browser, page, group, direct;
  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const tokenOf = async (who) => (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json.token;
  const card = () => page.getByTestId('profile-card');
  const textOf = async (id) => (await card().getByTestId(id).textContent())?.replace(/\s+/g, ' ').trim();
  const focusInCard = () => page.evaluate(() => !!document.activeElement?.closest('[data-testid="profile-card"]'));
  const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  // Ned works 08:00-16:00 in New York every day: in Berlin that is 14:00-22:00 (13:00-21:00
  // in the weeks only the US has changed clocks), whatever the date.
  const nedInBerlin = () => {
    const ahead = (minutesNowIn('Europe/Berlin') - minutesNowIn('America/New_York') + 1440) % 1440;
    return `${hhmm(8 * 60 + ahead)}–${hhmm(16 * 60 + ahead)}`;
  };
  const closeWithEscape = async (openerTestId) => {
    await page.keyboard.press('Escape');
    await card().waitFor({ state: 'detached' });
    assert.equal(await until(focusedTestId, (id) => id === openerTestId), openerTestId, 'focus is back on the name');
  };

  before(async () => {
    server = await startServer();
    await createPeople(server, [bea], { country: 'DE', timeZone: 'Europe/Berlin' });
    await createPeople(server, [ned], { country: 'US', timeZone: 'America/New_York' });
    await createPeople(server, [tomo], { country: 'JP', timeZone: 'Asia/Tokyo' });
    const admin = (await adminLogin(server)).token;
    const team = await api('POST', '/api/v1/admin/teams', admin, { name: `Support ${tag}` });
    assert.equal(team.status, 201, JSON.stringify(team.json));
    const lead = await api('PUT', `/api/v1/admin/teams/${team.json.id}/members/${ned.id}`, admin, { role: 'lead' });
    assert.ok([200, 204].includes(lead.status), JSON.stringify(lead.json));
    // Ned works every day; Tomo around the clock but is off today (and the days either side,
    // so that whichever date the server reads for him is a day off).
    const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const hours = [
      [ned, { weekly: everyDay('08:00', '16:00'), days_off: [] }],
      [tomo, { weekly: everyDay('00:00', '24:00'), days_off: [-1, 0, 1].map((o) => ({ date: day(o), note: 'travelling' })) }],
    ];
    for (const [who, settings] of hours) {
      const saved = await api('PUT', '/api/v1/me/availability', await tokenOf(who), { travel: null, holiday_subdivision: '', ...settings });
      assert.equal(saved.status, 200, JSON.stringify(saved.json));
    }
    const beaToken = await tokenOf(bea);
    group = (await api('POST', '/api/v1/conversations', beaToken, { kind: 'group', name: `Crew ${tag}`, member_ids: [ned.id, tomo.id] })).json;
    direct = (await api('POST', '/api/v1/conversations', beaToken, { kind: 'direct', member_ids: [ned.id] })).json;
    assert.ok(group?.id && direct?.id, 'conversations created');
    const posted = await api('POST', `/api/v1/conversations/${group.id}/messages`, await tokenOf(ned), { text: 'Morning from New York', client_id: `c-${tag}` });
    assert.equal(posted.status, 201, JSON.stringify(posted.json));

    session = await browserSession(server, bea, { problems, name: 'bea', timeout: TIMEOUT, timezoneId: 'Europe/Berlin' });
    ({ browser, page } = session);
  });

  after(async () => {
    await session?.close();
    await server?.stop();
  });

  it('a message author\'s name opens their card: team, country, local time, hours in my time, overlap with me', async () => {
    await page.goto(`${server.url}/chat/${group.id}`);
    const author = page.getByTestId('message-author').filter({ hasText: ned.name });
    await author.click();
    await card().waitFor();
    assert.equal(await textOf('profile-card-name'), ned.name);
    assert.equal(await until(() => textOf('profile-card-role'), (t) => !!t?.includes('Support')), `Employee · Support ${tag} (lead)`);
    assert.equal(await textOf('profile-card-country'), 'United States');
    assert.equal(await textOf('profile-card-region'), 'AMER');
    assert.match(await textOf('profile-card-local-time'), /^\d\d:\d\d in New York$/);
    assert.match(await textOf('profile-card-working'), /^(Working now|Outside working hours)$/);
    assert.equal(await textOf('profile-card-hours'), nedInBerlin());
    assert.ok(await until(focusInCard, Boolean), 'focus moved into the card');
    await screenshot(page, 'profile-card-1280');
    await closeWithEscape('message-author');
    assert.equal(problems.length, 0, problems.join('\n'));
  });

  it('by keyboard from the members panel: Enter opens, Tab stays inside, "Overlap with me" opens our overlap', async () => {
    await page.getByTestId('member-count').click();
    const tomoName = page.getByTestId('member-name').filter({ hasText: tomo.name });
    await tomoName.focus();
    await page.keyboard.press('Enter');
    await card().waitFor();
    assert.equal(await until(() => textOf('profile-card-hours').catch(() => ''), (t) => t?.startsWith('Day off')), 'Day off: travelling');
    assert.equal(await textOf('profile-card-working'), 'Outside working hours');
    assert.ok(await until(focusInCard, Boolean));
    for (let i = 0; i < 4; i += 1) {
      await page.keyboard.press('Tab');
      assert.ok(await focusInCard(), 'Tab keeps focus in the card');
    }
    await closeWithEscape('member-name');
    await tomoName.click();
    await card().getByTestId('profile-card-overlap').click();
    await page.waitForURL((url) => url.pathname === '/availability' && url.searchParams.get('user_ids') === `${bea.id},${tomo.id}`);
    assert.equal(await card().count(), 0, 'the card closed on the way');
  });

  it('a direct message\'s header and the directory of "New direct message" open the card too', async () => {
    await page.goto(`${server.url}/chat/${direct.id}`);
    await page.getByTestId('conversation-title').filter({ hasText: ned.name }).click();
    await card().waitFor();
    assert.equal(await textOf('profile-card-name'), ned.name);
    await closeWithEscape('conversation-title');

    await page.getByTestId('chat-new-direct').click();
    const dialog = page.getByTestId('new-conversation-dialog');
    await dialog.getByTestId('people-search').fill('Tomo');
    // Once the search has answered: the row of Tomo's (a row that goes takes its card with it).
    await untilCount(dialog.getByTestId('person-option'), 1);
    await dialog.locator('li', { has: page.getByTestId('person-option').filter({ hasText: tomo.name }) }).getByTestId('person-about').click();
    await card().waitFor();
    assert.equal(await textOf('profile-card-name'), tomo.name);
    // Escape closes the card only; the dialog stays open.
    await closeWithEscape('person-about');
    assert.ok(await dialog.isVisible(), 'the dialog is still open');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('on a phone the card fits the screen', async () => {
    const phone = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'Europe/Berlin', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    watchProblems(phone, 'bea-phone', problems);
    await signIn(phone, server.url, bea);
    await phone.goto(`${server.url}/chat/${direct.id}`);
    await phone.getByTestId('conversation-title').filter({ hasText: ned.name }).tap();
    const shown = phone.getByTestId('profile-card');
    await shown.waitFor();
    await until(() => shown.getByTestId('profile-card-hours').count(), (n) => n === 1);
    const box = await shown.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390 && box.y >= 0 && box.y + box.height <= 844, JSON.stringify(box));
    const overlap = await shown.getByTestId('profile-card-overlap').boundingBox();
    assert.ok(overlap && overlap.height >= 32, 'the link is big enough to tap');
    await screenshot(phone, 'profile-card-390');
    await phone.context().close();
    assert.equal(problems.length, 0, problems.join('\n'));
  });
});
