// Overlap hours and scheduling against the real server: a team in Lisbon, New York and Tokyo,
// the overlap in the viewer's zone across a DST change, suggestions that avoid a booked
// meeting and a holiday, holiday calendars with an iCalendar import, the iCalendar export,
// and the refusals (a customer, a non-admin, bad input).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';

const H = 3600_000;
const utc = (y, m, d, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

describe('availability and scheduling', () => {
  let server, admin, ana, bob, kei, carl;
  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.avail@example.test', display_name: 'Ana', country: 'PT', time_zone: 'Europe/Lisbon' });
    bob = await createUser(server, admin, { email: 'bob.avail@example.test', display_name: 'Bob', country: 'US', time_zone: 'America/New_York' });
    kei = await createUser(server, admin, { email: 'kei.avail@example.test', display_name: 'Kei', country: 'JP', time_zone: 'Asia/Tokyo' });
    carl = await createUser(server, admin, { email: 'carl.avail@example.test', display_name: 'Carl', kind: 'customer', country: 'DE', time_zone: 'Europe/Berlin' });
  });
  after(async () => server?.stop());

  it('shows the overlap in the viewer zone, across the weeks where only the US has changed clocks', async () => {
    const ids = [ana.user.id, bob.user.id].join(',');
    // 2031: the US springs forward on 9 March, Portugal on 30 March.
    const r = await api(server, 'GET', `/api/v1/overlap?user_ids=${ids}&from=2031-03-07&days=4`, { token: ana.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.time_zone, 'Europe/Lisbon');
    assert.deepEqual(r.json.days.map((d) => d.date), ['2031-03-07', '2031-03-08', '2031-03-09', '2031-03-10']);
    assert.deepEqual(r.json.days[0].windows, [{ start: utc(2031, 3, 7, 14), end: utc(2031, 3, 7, 17) }]);
    assert.deepEqual(r.json.days[1].windows, []);  // Saturday
    assert.deepEqual(r.json.days[3].windows, [{ start: utc(2031, 3, 10, 13), end: utc(2031, 3, 10, 17) }]);
    assert.equal(r.json.days[3].overlap_minutes, 240);
    assert.equal(r.json.people.length, 2);
    assert.equal(r.json.people[1].time_zone, 'America/New_York');
    // The same from Tokyo: the dates are Tokyo's, and Kei's hours never meet Bob's.
    const t = await api(server, 'GET', `/api/v1/overlap?user_ids=${ids},${kei.user.id}&from=2031-03-10&days=1&tz=Asia/Tokyo`, { token: ana.token });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.json.days[0].start, utc(2031, 3, 9, 15));
    assert.deepEqual(t.json.days[0].windows, []);
  });

  it('refuses what it must: a customer, unknown people, bad parameters', async () => {
    const other = await api(server, 'GET', `/api/v1/overlap?user_ids=${carl.user.id},${ana.user.id}&from=2031-03-10`, { token: carl.token });
    assert.equal(other.status, 404, other.text);
    const own = await api(server, 'GET', `/api/v1/overlap?user_ids=${carl.user.id}&from=2031-03-10`, { token: carl.token });
    assert.equal(own.status, 200, own.text);
    assert.equal((await api(server, 'GET', `/api/v1/overlap?user_ids=${ana.user.id},999999`, { token: ana.token })).status, 404);
    for (const q of ['user_ids=abc', 'user_ids=1&from=2031-02-30', 'user_ids=1&days=99', 'user_ids=1&tz=Mars/Base', '']) {
      const r = await api(server, 'GET', `/api/v1/overlap?${q}`, { token: ana.token });
      assert.equal(r.status, 400, `${q}: ${r.text}`);
      assert.ok(r.json.error.message);
    }
    assert.equal((await api(server, 'GET', `/api/v1/overlap?user_ids=${ana.user.id}`)).status, 401);
    const s = await api(server, 'POST', '/api/v1/scheduling/suggestions', { token: carl.token, body: { user_ids: [ana.user.id], duration_minutes: 30, from: '2031-03-10', days: 1 } });
    assert.equal(s.status, 404, s.text);
    const typo = await api(server, 'POST', '/api/v1/scheduling/suggestions', { token: ana.token, body: { user_ids: [ana.user.id], duration: 30 } });
    assert.equal(typo.status, 400, typo.text);
  });

  it('suggests slots in everyone\'s hours with their local times, and a booked meeting takes its slot away', async () => {
    const body = { user_ids: [ana.user.id, bob.user.id], duration_minutes: 60, from: '2031-03-03', days: 1 };
    const first = await api(server, 'POST', '/api/v1/scheduling/suggestions', { token: ana.token, body });
    assert.equal(first.status, 200, first.text);
    const best = first.json.items[0];
    assert.equal(best.score, 1);
    assert.equal(best.start, utc(2031, 3, 3, 14));
    assert.equal(best.end, utc(2031, 3, 3, 15));
    assert.deepEqual(best.local.map((l) => [l.user_id, l.local_start]), [[ana.user.id, '2031-03-03T14:00'], [bob.user.id, '2031-03-03T09:00']]);
    assert.equal(first.json.items.filter((i) => i.score === 1).length, 3);  // 14-15, 15-16, 16-17 UTC

    // Book it: each invitee sees it at their local time, and it is no longer suggested.
    const m = await api(server, 'POST', '/api/v1/meetings', { token: ana.token, body: { title: 'Sync', kind: 'scheduled', starts_at: best.start, duration_minutes: 60, user_ids: [bob.user.id] } });
    assert.equal(m.status, 201, m.text);
    const seen = await api(server, 'GET', `/api/v1/meetings/${m.json.id}`, { token: bob.token });
    assert.equal(seen.json.my_start.local, '2031-03-03T09:00');
    const again = await api(server, 'POST', '/api/v1/scheduling/suggestions', { token: ana.token, body });
    assert.equal(again.status, 200, again.text);
    for (const i of again.json.items) assert.ok(i.end <= best.start || i.start >= best.end, `slot ${i.start} clashes with the meeting`);
    assert.equal(again.json.items.filter((i) => i.score === 1).length, 2);
  });

  it('keeps per-weekday hours, days off and a travel zone, and the overlap follows them', async () => {
    const put = await api(server, 'PUT', '/api/v1/me/availability', {
      token: bob.token,
      body: {
        weekly: [1, 2, 3, 4].map((weekday) => ({ weekday, start: '08:00', end: '16:00' })).concat([{ weekday: 5, start: '08:00', end: '12:00' }]),
        days_off: [{ date: '2031-03-04', note: 'moving' }],
        travel: { time_zone: 'Europe/London', from: '2031-03-12', until: '2031-03-13' },
      },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.weekly.length, 5);
    assert.deepEqual(put.json.days_off, [{ date: '2031-03-04', note: 'moving' }]);
    const r = await api(server, 'GET', `/api/v1/overlap?user_ids=${ana.user.id},${bob.user.id}&from=2031-03-03&days=10`, { token: ana.token });
    const by = Object.fromEntries(r.json.days.map((d) => [d.date, d]));
    // Monday: New York 08:00-16:00 EST is 13:00-21:00 UTC: with Lisbon 13:00-17:00.
    assert.deepEqual(by['2031-03-03'].windows, [{ start: utc(2031, 3, 3, 13), end: utc(2031, 3, 3, 17) }]);
    assert.deepEqual(by['2031-03-04'].windows, []);
    assert.equal(by['2031-03-04'].people[1].absences[0].kind, 'day_off');
    // Wednesday 12 March in London: 08:00-16:00 UTC.
    assert.deepEqual(by['2031-03-12'].windows, [{ start: utc(2031, 3, 12, 9), end: utc(2031, 3, 12, 16) }]);
    const bad = await api(server, 'PUT', '/api/v1/me/availability', { token: bob.token, body: { weekly: [{ weekday: 8, start: '09:00', end: '17:00' }] } });
    assert.equal(bad.status, 400, bad.text);
    const badTime = await api(server, 'PUT', '/api/v1/me/availability', { token: bob.token, body: { weekly: [{ weekday: 1, start: '9am', end: '17:00' }] } });
    assert.equal(badTime.status, 400, badTime.text);
    assert.match(badTime.json.error.message, /start/);
    const badNote = await api(server, 'PUT', '/api/v1/me/availability', { token: bob.token, body: { weekly: [], days_off: [{ date: '2031-03-05', note: 'line\rbreak' }] } });
    assert.equal(badNote.status, 400, badNote.text);
    assert.match(badNote.json.error.message, /control characters/);
  });

  it('lets admins keep holiday calendars, imported from iCalendar, and holidays block slots', async () => {
    assert.equal((await api(server, 'POST', '/api/v1/admin/holiday-calendars/defaults', { token: ana.token, body: { country: 'PT' } })).status, 403);
    const pt = await api(server, 'POST', '/api/v1/admin/holiday-calendars/defaults', { token: admin, body: { country: 'PT', from_year: 2031, years: 1 } });
    assert.equal(pt.status, 201, pt.text);
    assert.equal(pt.json.added, 13);
    const jp = await api(server, 'POST', '/api/v1/admin/holiday-calendars', { token: admin, body: { country: 'JP', name: 'Japan (imported)', source: 'test file' } });
    assert.equal(jp.status, 201, jp.text);
    const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1@t\r\nDTSTAMP:20300101T000000Z\r\n' +
      'DTSTART;VALUE=DATE:20310320\r\nSUMMARY:Vernal Equinox Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const imp = await api(server, 'POST', `/api/v1/admin/holiday-calendars/${jp.json.id}/import`, { token: admin, raw: ics, headers: { 'content-type': 'text/calendar' } });
    assert.equal(imp.status, 200, imp.text);
    assert.equal(imp.json.added, 1);
    const notIcs = await api(server, 'POST', `/api/v1/admin/holiday-calendars/${jp.json.id}/import`, { token: admin, raw: 'hello', headers: { 'content-type': 'text/calendar' } });
    assert.equal(notIcs.status, 400, notIcs.text);
    assert.equal((await api(server, 'POST', '/api/v1/admin/holiday-calendars/9999/import', { token: admin, raw: ics })).status, 404);
    // Typed text keeps the house rules (core/text_rules.hpp): no bidi overrides, no line breaks in a name.
    const bidi = await api(server, 'POST', `/api/v1/admin/holiday-calendars/${jp.json.id}/holidays`, { token: admin, body: { date: '2031-05-03', name: 'Constitution \u202eDay' } });
    assert.equal(bidi.status, 400, bidi.text);
    assert.match(bidi.json.error.message, /bidirectional/);
    const badName = await api(server, 'POST', '/api/v1/admin/holiday-calendars', { token: admin, body: { country: 'JP', name: 'Japan\r' } });
    assert.equal(badName.status, 400, badName.text);
    const twoLines = ics.replace('SUMMARY:Vernal Equinox Day', 'SUMMARY:Vernal\\nEquinox Day').replace('20310320', '20310321');
    const refused = await api(server, 'POST', `/api/v1/admin/holiday-calendars/${jp.json.id}/import`, { token: admin, raw: twoLines, headers: { 'content-type': 'text/calendar' } });
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.json.error.message, /2031-03-21/);
    const list = await api(server, 'GET', '/api/v1/admin/holiday-calendars', { token: admin });
    assert.deepEqual(list.json.items.map((c) => [c.country, c.holiday_count]), [['JP', 1], ['PT', 13]]);
    const days = await api(server, 'GET', `/api/v1/admin/holiday-calendars/${jp.json.id}/holidays?year=2031`, { token: admin });
    assert.deepEqual(days.json.items, [{ date: '2031-03-20', name: 'Vernal Equinox Day' }]);

    // 10 June 2031 (a Tuesday) is Portugal's day: no slot with Ana that day.
    const s = await api(server, 'POST', '/api/v1/scheduling/suggestions', { token: bob.token, body: { user_ids: [ana.user.id, bob.user.id], duration_minutes: 30, from: '2031-06-10', days: 1, time_zone: 'Europe/Lisbon' } });
    assert.equal(s.status, 200, s.text);
    assert.deepEqual(s.json.items, []);
    const o = await api(server, 'GET', `/api/v1/overlap?user_ids=${ana.user.id}&from=2031-06-10`, { token: bob.token });
    assert.equal(o.json.days[0].people[0].absences[0].name, 'Dia de Portugal');
  });

  it('exports availability as iCalendar with a VAVAILABILITY', async () => {
    const r = await api(server, 'GET', `/api/v1/users/${bob.user.id}/availability.ics`, { token: ana.token });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/calendar/);
    assert.match(r.text, /BEGIN:VAVAILABILITY\r\n/);
    assert.match(r.text, /DTSTART;TZID=America\/New_York:\d{8}T080000\r\n/);
    assert.match(r.text, /BEGIN:VTIMEZONE\r\n/);
    assert.equal((await api(server, 'GET', `/api/v1/users/${bob.user.id}/availability.ics`, { token: carl.token })).status, 404);
    const rot = await api(server, 'POST', '/api/v1/scheduling/rotation', { token: ana.token, body: { user_ids: [ana.user.id, bob.user.id, kei.user.id], duration_minutes: 30, from: '2031-04-07', weeks: 6 } });
    assert.equal(rot.status, 200, rot.text);
    assert.equal(rot.json.items.length, 6);
    // No hour suits all three; only Ana and Bob share hours, so Kei is outside more often,
    // but the early or late slot reaches everyone and never falls on one person every week.
    const counts = rot.json.inconvenienced.map((c) => c.count);
    assert.equal(counts.length, 3);
    assert.ok(Math.min(...counts) >= 1 && Math.max(...counts) < 6, JSON.stringify(rot.json.inconvenienced));
  });

  it('presence and /me say whether someone is working from availability (per weekday, days off), not identity\'s one band', async () => {
    // Identity's band says "always" (every day 00:00-24:00); availability's hours decide.
    const allDay = { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] };
    const wen = await createUser(server, admin, { email: 'wen.avail@example.test', display_name: 'Wen', country: 'GB', time_zone: 'UTC', working_hours: allDay });
    const say = async () => {
      const me = await api(server, 'GET', '/api/v1/me', { token: wen.token });
      assert.equal(me.status, 200, me.text);
      const p = await api(server, 'GET', `/api/v1/presence?user_ids=${wen.user.id}`, { token: ana.token });
      assert.equal(p.status, 200, p.text);
      assert.equal(p.json.items.length, 1, p.text);
      return [me.json.within_working_hours, p.json.items[0].working_now];
    };
    const put = async (settings) => {
      const r = await api(server, 'PUT', '/api/v1/me/availability', { token: wen.token, body: { days_off: [], travel: null, holiday_subdivision: '', ...settings } });
      assert.equal(r.status, 200, r.text);
    };
    assert.deepEqual(await say(), [true, true], 'no hours of her own yet: identity\'s band');
    await put({ weekly: [] });
    assert.deepEqual(await say(), [false, false], 'no working day at all');
    const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
    await put({ weekly: everyDay });
    assert.deepEqual(await say(), [true, true]);
    // A day off today (and the days either side, so that the date the server reads is one of them).
    const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await put({ weekly: everyDay, days_off: [-1, 0, 1].map((o) => ({ date: day(o), note: '' })) });
    assert.deepEqual(await say(), [false, false], 'on a day off');
  });
  it('presence answers working_now for many people in one request', async () => {
    const allDay = { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] };
    const yan = await createUser(server, admin, { email: 'yan.avail@example.test', display_name: 'Yan', country: 'GB', time_zone: 'UTC', working_hours: allDay });
    const zoe = await createUser(server, admin, { email: 'zoe.avail@example.test', display_name: 'Zoe', country: 'GB', time_zone: 'UTC', working_hours: allDay });
    const r = await api(server, 'PUT', '/api/v1/me/availability', { token: zoe.token, body: { weekly: [], days_off: [], travel: null, holiday_subdivision: '' } });
    assert.equal(r.status, 200, r.text);
    const ids = [yan.user.id, zoe.user.id, ana.user.id, bob.user.id, kei.user.id];
    const all = await api(server, 'GET', `/api/v1/presence?user_ids=${ids.join(',')},987654`, { token: ana.token });
    assert.equal(all.status, 200, all.text);
    const working = Object.fromEntries(all.json.items.map((i) => [i.user_id, i.working_now]));
    assert.equal(working[yan.user.id], true, 'identity\'s band: every hour of every day');
    assert.equal(working[zoe.user.id], false, 'no working day at all');
    assert.ok(!(987654 in working), 'nobody by that id');
    // The others' answers depend on the hour the test runs; each one is there.
    for (const id of ids) assert.equal(typeof working[id], 'boolean', `user ${id}`);
  });
});
