// Availability in Chromium (issue 14): Bea in Berlin sets her working hours per weekday and a
// day off in the settings page and finds them saved after a reload; the overlap page for Bea,
// Ned (New York) and Tomo (Tokyo) shows each one's band in Bea's zone, their local time now
// and the common window ("3 h overlap: 14:00–17:00 your time"); the next day shows her day
// off; the week the US has switched to summer time and the EU not yet shows a longer window,
// and Berlin's own 23-hour day says so; Ned's public holiday shows on his band; the meeting
// composer's "Suggest times" fills the start with a slot that is then booked and seen by each
// invitee at their local time. A customer is refused staff hours. Then both pages on a phone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { clockDistance, localDateTime as localIn, minutesNowIn, parseHhMm } from '../lib/local-time.mjs';
import { startServer } from '../lib/server.mjs';
import { adminLogin, browserSession, createPeople, newPage, request, signIn, watchProblems } from '../lib/session.mjs';
import { until } from '../lib/wait.mjs';

const TIMEOUT = 20_000;

const weekdays = (start, end, days = [1, 2, 3, 4, 5]) => days.map((weekday) => ({ weekday, start, end }));

describe('availability: working hours, overlap across Berlin, New York and Tokyo, suggested times', () => {
  const tag = randomBytes(3).toString('hex');
  const pw = (who) => `pw-${who}-${tag}-x1`;
  const bea = { email: `bea.${tag}@example.test`, name: `Bea Berlin ${tag}`, password: pw('bea') };
  const ned = { email: `ned.${tag}@example.test`, name: `Ned NewYork ${tag}`, password: pw('ned') };
  const tomo = { email: `tomo.${tag}@example.test`, name: `Tomo Tokyo ${tag}`, password: pw('tomo') };
  const cora = { email: `cora.${tag}@example.test`, name: `Cora Customer ${tag}`, password: pw('cora'), kind: 'customer' };
  const problems = [];
  let server, session, browser, page;
  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const tokenOf = async (who) => (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json.token;
  const overlapUrl = (people, from) => `${server.url}/availability?user_ids=${people.map((p) => p.id).join(',')}${from ? `&from=${from}` : ''}`;
  const row = (who) => page.locator(`[data-testid="overlap-person"][data-name="${who.name}"]`);
  const bandOf = (who) => row(who).getByRole('cell');
  const summary = () => page.getByTestId('overlap-summary');
  const summaryIs = async (text) => {
    const seen = await until(() => summary().textContent(), (t) => t?.trim() === text);
    assert.equal(seen?.trim(), text);
  };

  before(async () => {
    server = await startServer();
    await createPeople(server, [bea], { country: 'DE', timeZone: 'Europe/Berlin' });
    await createPeople(server, [ned], { country: 'US', timeZone: 'America/New_York' });
    await createPeople(server, [tomo], { country: 'JP', timeZone: 'Asia/Tokyo' });
    await createPeople(server, [cora], { country: 'DE', timeZone: 'Europe/Berlin' });
    // Ned works 08:00-16:00 in New York; Tomo a late shift 22:00-06:00 in Tokyo (both on weekdays).
    for (const [who, weekly] of [[ned, weekdays('08:00', '16:00')], [tomo, weekdays('22:00', '06:00')]]) {
      const saved = await api('PUT', '/api/v1/me/availability', await tokenOf(who), { weekly, days_off: [], travel: null, holiday_subdivision: '' });
      assert.equal(saved.status, 200, JSON.stringify(saved.json));
    }
    // The admins' US calendar has Martin Luther King Jr. Day on Monday 18 January 2027.
    const admin = (await adminLogin(server)).token;
    const calendar = await api('POST', '/api/v1/admin/holiday-calendars', admin, { country: 'US', name: `US federal ${tag}`, source: 'typed in by the e2e test' });
    assert.equal(calendar.status, 201, JSON.stringify(calendar.json));
    const holiday = await api('POST', `/api/v1/admin/holiday-calendars/${calendar.json.id}/holidays`, admin, { date: '2027-01-18', name: 'Martin Luther King Jr. Day' });
    assert.ok([200, 201].includes(holiday.status), JSON.stringify(holiday.json));

    session = await browserSession(server, bea, { problems, name: 'bea', timeout: TIMEOUT, timezoneId: 'Europe/Berlin' });
    ({ browser, page } = session);
  });

  after(async () => {
    await session?.close();
    await server?.stop();
  });

  it('Bea sets hours per weekday and a day off in her settings; a reload shows them saved', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-working-hours').click();
    await page.waitForURL(/\/availability\/settings$/);
    await page.getByTestId('hours-day').first().waitFor();
    for (const weekday of [1, 2, 3, 4]) {
      await page.getByTestId(`hours-on-${weekday}`).check();
      await page.getByTestId(`hours-start-${weekday}`).fill('08:00');
      await page.getByTestId(`hours-end-${weekday}`).fill('17:00');
    }
    await page.getByTestId('hours-on-5').check();
    await page.getByTestId('hours-start-5').fill('08:00');
    await page.getByTestId('hours-end-5').fill('12:30');
    for (const weekday of [6, 7]) await page.getByTestId(`hours-on-${weekday}`).uncheck();
    await page.getByTestId('hours-total').getByText('40.5 hours a week').waitFor();
    await page.getByTestId('hours-off-date').fill('2027-01-12');
    await page.getByTestId('hours-off-note').fill('Dentist');
    await page.getByTestId('hours-off-add').click();
    await page.getByTestId('hours-day-off').filter({ hasText: '2027-01-12 · Dentist' }).waitFor();
    await page.getByTestId('hours-save').click();
    await page.getByText('Working hours saved').waitFor();

    await page.reload();
    await page.getByTestId('hours-day').first().waitFor();
    await page.getByTestId('hours-day-off').filter({ hasText: '2027-01-12 · Dentist' }).waitFor();
    assert.equal(await page.getByTestId('hours-start-1').inputValue(), '08:00');
    assert.equal(await page.getByTestId('hours-end-1').inputValue(), '17:00');
    assert.equal(await page.getByTestId('hours-end-5').inputValue(), '12:30');
    assert.equal(await page.getByTestId('hours-on-6').isChecked(), false);
    assert.equal(await page.getByTestId('hours-start-6').count(), 0, 'a day off work has no time fields');
    assert.equal((await page.getByTestId('hours-total').textContent()).trim(), '40.5 hours a week');
    await screenshot(page, 'availability-settings-1280');

    const mine = (await api('GET', '/api/v1/me/availability', await tokenOf(bea))).json;
    assert.deepEqual(mine.weekly, [...weekdays('08:00', '17:00', [1, 2, 3, 4]), { weekday: 5, start: '08:00', end: '12:30' }]);
    assert.deepEqual(mine.days_off, [{ date: '2027-01-12', note: 'Dentist' }]);
  });

  it('the overlap page shows each band in Bea’s zone, local time now and the common window', async () => {
    await page.goto(overlapUrl([bea, ned, tomo], '2027-01-11'));
    await row(tomo).waitFor();
    assert.equal(await page.getByTestId('overlap-person').count(), 3);
    await page.getByTestId('overlap-date').getByText(/Monday,? 11 January 2027/).waitFor();
    // Winter: New York is 6 h behind Berlin, Tokyo 8 h ahead.
    await summaryIs('3 h overlap: 14:00–17:00 your time');
    assert.equal(await bandOf(bea).getAttribute('aria-label'), `${bea.name} works 08:00–17:00 your time`);
    assert.equal(await bandOf(ned).getAttribute('aria-label'), `${ned.name} works 14:00–22:00 your time`);
    // Tomo's Monday night shift starts 14:00 Berlin time; his Sunday had none.
    assert.equal(await bandOf(tomo).getAttribute('aria-label'), `${tomo.name} works 14:00–22:00 your time`);
    for (const [who, zone] of [[bea, 'Europe/Berlin'], [ned, 'America/New_York'], [tomo, 'Asia/Tokyo']]) {
      const local = await row(who).getByTestId('overlap-local').textContent();
      assert.ok(local.includes(zone), local);
      assert.ok(clockDistance(parseHhMm(local), minutesNowIn(zone)) <= 2, `${who.name}'s local time now: ${local}`);
    }
    // The common window is drawn in every band.
    assert.equal(await page.locator('[data-testid="overlap-person"] .common').count(), 3);
    await screenshot(page, 'availability-overlap-1280');

    // The next day: Bea has her day off.
    await page.getByTestId('overlap-next').click();
    await page.waitForURL(/from=2027-01-12/);
    await page.getByTestId('overlap-date').getByText(/Tuesday,? 12 January 2027/).waitFor();
    await row(bea).getByTestId('overlap-absence').getByText('Day off').waitFor();
    await summaryIs('No common working hours this day');
    assert.equal(await bandOf(bea).getAttribute('aria-label'), `${bea.name}: day off`);
    await page.getByTestId('overlap-prev').click();
    await page.getByTestId('overlap-date').getByText(/Monday,? 11 January 2027/).waitFor();
  });

  it('DST: the week New York has moved its clocks and Berlin not yet, and Berlin’s 23-hour day', async () => {
    // 15 March 2027: New York is on summer time since the 14th (4 h behind UTC), Berlin not until the 28th.
    await page.goto(overlapUrl([bea, ned], '2027-03-15'));
    await page.getByTestId('overlap-date').getByText(/Monday,? 15 March 2027/).waitFor();
    await summaryIs('4 h overlap: 13:00–17:00 your time');
    assert.equal(await bandOf(ned).getAttribute('aria-label'), `${ned.name} works 13:00–21:00 your time`);
    assert.equal(await page.getByTestId('overlap-dst').count(), 0, 'a 24-hour day says nothing about clocks');

    // Sunday 28 March 2027 in Berlin has 23 hours: 03:00 comes 2 hours after midnight, at 2/23 of the band.
    await page.goto(overlapUrl([bea, ned], '2027-03-28'));
    await page.getByTestId('overlap-dst').getByText('23-hour day (clocks change)').waitFor();
    const tick = page.locator('.ticks .tick', { hasText: '03:00' });
    const left = Number(/left:\s*([\d.]+)%/.exec(await tick.getAttribute('style'))?.[1]);
    assert.ok(Math.abs(left - (2 / 23) * 100) < 0.01, `03:00 at ${left}% of the 23-hour day`);
    await summaryIs('No common working hours this day');
    // The Monday after: one hour less between Berlin and New York again, the window as in winter.
    await page.getByTestId('overlap-next').click();
    await page.getByTestId('overlap-date').getByText(/Monday,? 29 March 2027/).waitFor();
    await summaryIs('3 h overlap: 14:00–17:00 your time');
  });

  it('a public holiday shows on the person’s band and leaves no common window', async () => {
    await page.goto(overlapUrl([bea, ned, tomo], '2027-01-18'));
    await row(ned).getByTestId('overlap-absence').getByText('Martin Luther King Jr. Day').waitFor();
    assert.equal(await bandOf(ned).getAttribute('aria-label'), `${ned.name}: Martin Luther King Jr. Day`);
    await summaryIs('No common working hours this day');
    assert.equal(await row(bea).getByTestId('overlap-absence').count(), 0);
    await screenshot(page, 'availability-overlap-holiday-1280');
  });

  it('the meeting composer’s “Suggest times” fills the start; the booked meeting is at each invitee’s local time', async () => {
    await page.goto(`${server.url}/meetings`);
    const title = `Three zones ${tag}`;
    await page.getByTestId('schedule-title').fill(title);
    for (const who of [ned, tomo]) {
      await page.getByTestId('invite-search').fill(who.name);
      await page.locator(`[data-testid="invite-suggestion"][data-name="${who.name}"]`).click();
      await page.getByTestId('invitee-chip').filter({ hasText: who.name }).waitFor();
    }
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/scheduling/suggestions') && r.request().method() === 'POST');
    await page.getByTestId('suggest-times').click();
    const response = await answered;
    assert.equal(response.status(), 200);
    const { items } = await response.json();
    assert.ok(items.length > 0, 'some slot in the next 7 days suits all three');
    const first = page.getByTestId('suggested-slot').first();
    await first.waitFor();
    const label = await first.textContent();
    const slot = items[0];
    const nedLocal = slot.local.find((l) => l.user_id === ned.id);
    const tomoLocal = slot.local.find((l) => l.user_id === tomo.id);
    assert.ok(label.includes(`${ned.name} ${nedLocal.local_start.slice(11, 16)} (America/New_York)`), label);
    assert.ok(label.includes(`${tomo.name} ${tomoLocal.local_start.slice(11, 16)} (Asia/Tokyo)`), label);
    // Inside everyone's hours: Ned 08:00-16:00, Tomo 22:00-06:00.
    const nedStart = parseHhMm(nedLocal.local_start.slice(11, 16));
    assert.ok(nedStart >= 8 * 60 && nedStart < 16 * 60, nedLocal.local_start);

    await first.click();
    const start = await until(() => page.getByTestId('schedule-start').inputValue(), (v) => v === localIn(slot.start, 'Europe/Berlin'));
    assert.equal(start, localIn(slot.start, 'Europe/Berlin'), 'the start field is the slot in Bea’s time');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.locator('[data-testid="meetings-list"] li', { hasText: title }).waitFor();

    for (const [who, local] of [[ned, nedLocal], [tomo, tomoLocal]]) {
      const theirs = (await api('GET', '/api/v1/meetings', await tokenOf(who))).json.items.find((m) => m.title === title);
      assert.ok(theirs, `${who.name} is invited`);
      assert.equal(theirs.starts_at, slot.start);
      assert.equal(theirs.my_start.local, local.local_start.slice(0, 16), `${who.name} sees it at his local time`);
    }
  });

  it('a person’s local time in a direct message and in the members panel opens overlap hours with them', async () => {
    const dm = await api('POST', '/api/v1/conversations', await tokenOf(bea), { kind: 'direct', member_ids: [tomo.id] });
    assert.equal(dm.status, 201, JSON.stringify(dm.json));
    await page.goto(`${server.url}/chat/${dm.json.id}`);
    const peer = page.getByTestId('peer-local-time');
    await until(() => peer.textContent(), (t) => /in Tokyo/.test(t ?? ''));
    assert.match(await peer.textContent(), /\d{2}:\d{2} in Tokyo, (inside|outside) working hours/);
    await peer.click();
    await page.waitForURL(/\/availability\?user_ids=/);
    await row(tomo).waitFor();
    assert.equal(await page.getByTestId('overlap-person').count(), 2, 'Bea and Tomo');
    await row(bea).waitFor();

    await page.goto(`${server.url}/chat/${dm.json.id}`);
    await page.getByTestId('member-count').click();
    const member = page.getByTestId('member').filter({ hasText: tomo.name });
    await member.getByTestId('member-local-time').click();
    await page.waitForURL(/\/availability\?user_ids=/);
    await row(tomo).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('user_ids'), `${bea.id},${tomo.id}`);
  });

  it('a customer is refused staff hours: the page says so and the server answers 404', async () => {
    const customer = await newPage(browser, { timeout: TIMEOUT, timezoneId: 'Europe/Berlin' });
    // The refusal is a 404 the browser logs; anything else going wrong still counts.
    const hers = [];
    watchProblems(customer, 'cora', hers);
    try {
      await signIn(customer, server.url, cora);
      await customer.goto(overlapUrl([cora, bea], '2027-01-11'));
      await customer.getByTestId('overlap-error').waitFor();
      const text = await customer.getByTestId('overlap-error').textContent();
      assert.match(text, /not shared with you|do not exist/, text);
      assert.equal(await customer.getByTestId('overlap-person').count(), 0);
      const refused = await api('GET', `/api/v1/overlap?user_ids=${cora.id},${bea.id}&from=2027-01-11`, await tokenOf(cora));
      assert.equal(refused.status, 404);
      // Her own hours she may see.
      const own = await api('GET', `/api/v1/overlap?user_ids=${cora.id}&from=2027-01-11`, await tokenOf(cora));
      assert.equal(own.status, 200, JSON.stringify(own.json));
      assert.equal(own.json.days[0].date, '2027-01-11');
    } finally {
      await customer.context().close();
    }
    assert.deepEqual(hers.filter((p) => !/status of 404/.test(p)), []);
  });

  it('the home page’s “Right now” is availability’s answer: a day off today is outside working hours', async () => {
    const token = await tokenOf(bea);
    const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
    const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const save = async (days_off) => {
      const r = await api('PUT', '/api/v1/me/availability', token, { weekly: everyDay, days_off, travel: null, holiday_subdivision: '' });
      assert.equal(r.status, 200, JSON.stringify(r.json));
    };
    // Today, and the days either side so that Berlin's date is one of them.
    await save([-1, 0, 1].map((o) => ({ date: day(o), note: 'Off' })));
    await page.goto(`${server.url}/`);
    await page.getByTestId('working-now').getByText('Outside your working hours').waitFor();
    await save([]);
    await page.reload();
    await page.getByTestId('working-now').getByText('Inside your working hours').waitFor();
    await page.getByTestId('home-working-hours').click();
    await page.waitForURL(/\/availability\/settings$/);
  });

  it('on a phone both pages fit without sideways scrolling', async () => {
    const phone = await newPage(browser, { timeout: TIMEOUT, viewport: { width: 390, height: 844 }, timezoneId: 'Europe/Berlin' });
    watchProblems(phone, 'bea phone', problems);
    try {
      await signIn(phone, server.url, bea);
      const fits = async () => phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      await phone.goto(overlapUrl([bea, ned, tomo], '2027-01-11'));
      await phone.locator(`[data-testid="overlap-person"][data-name="${tomo.name}"]`).waitFor();
      assert.equal(await fits(), true, 'the overlap page fits 390 px');
      await screenshot(phone, 'availability-overlap-390');
      await phone.goto(`${server.url}/availability/settings`);
      await phone.getByTestId('hours-day').first().waitFor();
      assert.equal(await fits(), true, 'the settings page fits 390 px');
      await screenshot(phone, 'availability-settings-390');
      await phone.goto(`${server.url}/availability`);
      await phone.getByText('Nobody to compare').waitFor();
      await screenshot(phone, 'availability-overlap-empty-390');
      // Its one button shows her own day.
      await phone.getByTestId('overlap-empty').getByRole('button', { name: 'See my day' }).click();
      await phone.locator(`[data-testid="overlap-person"][data-name="${bea.name}"]`).waitFor();
      assert.equal(await phone.getByTestId('overlap-person').count(), 1);
    } finally {
      await phone.context().close();
    }
    assert.deepEqual(problems, []);
  });
});
