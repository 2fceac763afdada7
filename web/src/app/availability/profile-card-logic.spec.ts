import { hoursToday, localLine, roleLine, teamLine, workingLine } from './profile-card-logic';
import { Overlap } from './availability-api';

const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

function overlap(timeZone: string, people: Overlap['days'][number]['people']): Overlap {
  return { time_zone: timeZone, people: [], days: [{ date: '2031-03-10', start: 0, end: 0, windows: [], overlap_minutes: 0, people }] };
}

describe('profile card logic', () => {
  it('says who someone is: kind, admin role, teams with leads marked', () => {
    expect(roleLine({ kind: 'employee', roles: ['employee'] })).toBe('Employee');
    expect(roleLine({ kind: 'agent', roles: ['agent', 'admin'] })).toBe('Support agent · Admin');
    expect(teamLine({ teams: [{ id: 1, name: 'Platform', role: 'lead' }, { id: 2, name: 'Support' }] })).toBe('Platform (lead), Support');
    expect(teamLine({ teams: [] })).toBe('');
  });

  it('gives their local time in the zone they are in, nothing for an unknown zone', () => {
    expect(localLine('Asia/Tokyo', utc(2031, 3, 10, 13, 5))).toBe('22:05 in Tokyo');
    expect(localLine('America/Argentina/Buenos_Aires', utc(2031, 3, 10, 13))).toBe('10:00 in Buenos Aires');
    expect(localLine('Mars/Olympus', utc(2031, 3, 10, 13))).toBe('');
    expect(localLine('', utc(2031, 3, 10, 13))).toBe('');
  });

  it('writes today\'s hours in the viewer\'s zone, across the weeks only the US has changed clocks', () => {
    // Bob works 09:00-17:00 in New York (EDT since 9 March 2031); Ana looks from Lisbon (WET).
    const o = overlap('Europe/Lisbon', [{ user_id: 2, working: [{ start: utc(2031, 3, 10, 13), end: utc(2031, 3, 10, 21) }], absences: [] }]);
    expect(hoursToday(o, 2)).toBe('13:00–21:00');
    // Someone working around the clock.
    const day = { ...o.days[0]!, start: utc(2031, 3, 10, 0), end: utc(2031, 3, 11, 0) };
    expect(hoursToday({ ...o, days: [{ ...day, people: [{ user_id: 2, working: [{ start: day.start, end: day.end }], absences: [] }] }] }, 2)).toBe('All day');
    // The same hours seen from Tokyo.
    expect(hoursToday({ ...o, time_zone: 'Asia/Tokyo' }, 2)).toBe('22:00–06:00');
  });

  it('says why there are no hours today: a holiday, a day off, or no working day', () => {
    const absence = (kind: 'holiday' | 'day_off', name: string) =>
      overlap('UTC', [{ user_id: 3, working: [], absences: [{ kind, name, date: '2031-06-10', start: 0, end: 0 }] }]);
    expect(hoursToday(absence('holiday', 'Dia de Portugal'), 3)).toBe('Public holiday: Dia de Portugal');
    expect(hoursToday(absence('day_off', 'dentist'), 3)).toBe('Day off: dentist');
    expect(hoursToday(absence('day_off', ''), 3)).toBe('Day off');
    expect(hoursToday(overlap('UTC', [{ user_id: 3, working: [], absences: [] }]), 3)).toBe('Not working today');
    expect(hoursToday(overlap('UTC', []), 3)).toBe('');
  });

  it('says whether they are working now only when the server said so', () => {
    expect(workingLine(true)).toBe('Working now');
    expect(workingLine(false)).toBe('Outside working hours');
    expect(workingLine(undefined)).toBe('');
  });
});
