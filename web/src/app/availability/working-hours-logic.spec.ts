import { formFrom, settingsFrom, weeklyHours } from './working-hours-logic';
import { PersonAvailability } from './availability-api';

const me: PersonAvailability = {
  user_id: 4, display_name: 'Bob', country: 'US', time_zone: 'America/New_York', current_time_zone: 'America/New_York',
  local_time: '2031-03-03T09:00', working_now: true,
  weekly: [{ weekday: 1, start: '08:00', end: '16:00' }, { weekday: 5, start: '22:00', end: '06:00' }],
  days_off: [{ date: '2031-03-04', note: 'moving' }], travel: null, holiday_subdivision: 'us-ny', holidays: [],
};

describe('working hours form', () => {
  it('has a row per weekday, on where the person works', () => {
    const f = formFrom(me);
    expect(f.days.map((d) => d.on)).toEqual([true, false, false, false, true, false, false]);
    expect(f.days[4]).toMatchObject({ name: 'Friday', start: '22:00', end: '06:00' });
    expect(f.days[1]).toMatchObject({ start: '09:00', end: '17:00' });
  });

  it('turns back into what PUT /me/availability takes', () => {
    const f = formFrom(me);
    f.days[2].on = true;
    f.daysOff.push({ date: '2031-01-02', note: '' });
    f.travelOn = true;
    f.travelZone = ' Asia/Tokyo ';
    f.travelFrom = '2031-04-01';
    f.travelUntil = '2031-04-10';
    expect(settingsFrom(f)).toEqual({
      weekly: [{ weekday: 1, start: '08:00', end: '16:00' }, { weekday: 3, start: '09:00', end: '17:00' }, { weekday: 5, start: '22:00', end: '06:00' }],
      days_off: [{ date: '2031-01-02', note: '' }, { date: '2031-03-04', note: 'moving' }],
      travel: { time_zone: 'Asia/Tokyo', from: '2031-04-01', until: '2031-04-10' },
      holiday_subdivision: 'US-NY',
    });
    f.travelOn = false;
    expect(settingsFrom(f).travel).toBeNull();
  });

  it('counts the hours of a week, a night shift included', () => {
    expect(weeklyHours(formFrom(me).days)).toBe(16);
  });
});
