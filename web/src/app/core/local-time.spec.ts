import {
  countryFlag,
  describeDays,
  formatLocalDayTime,
  formatLocalTime,
  formatUtcOffset,
  isWithinWorkingHours,
  parseClock,
  zonedParts,
} from './local-time';

// 2025-01-15 is a Wednesday; Lisbon is on UTC in winter, Tokyo is UTC+9, New York UTC-5.
const WED_1405_UTC = Date.UTC(2025, 0, 15, 14, 5);
// 2025-07-15 (Tuesday): Lisbon is on summer time (UTC+1).
const JUL_1405_UTC = Date.UTC(2025, 6, 15, 14, 5);

describe('formatLocalTime', () => {
  it('shows the wall clock of the zone, 24-hour', () => {
    expect(formatLocalTime(WED_1405_UTC, 'Europe/Lisbon')).toBe('14:05');
    expect(formatLocalTime(JUL_1405_UTC, 'Europe/Lisbon')).toBe('15:05');
    expect(formatLocalTime(WED_1405_UTC, 'Asia/Tokyo')).toBe('23:05');
    expect(formatLocalTime(WED_1405_UTC, 'America/New_York')).toBe('09:05');
    expect(formatLocalTime(WED_1405_UTC, 'Asia/Kolkata')).toBe('19:35');
  });

  it('falls back to UTC for an unknown zone instead of throwing', () => {
    expect(formatLocalTime(WED_1405_UTC, 'Mars/Olympus')).toBe('14:05');
  });

  it('includes the weekday when asked, which may differ from UTC', () => {
    expect(formatLocalDayTime(Date.UTC(2025, 0, 15, 23, 30), 'Asia/Tokyo')).toBe('Thu 08:30');
  });

  it('names the UTC offset', () => {
    expect(formatUtcOffset(JUL_1405_UTC, 'Europe/Lisbon')).toBe('GMT+1');
    expect(formatUtcOffset(WED_1405_UTC, 'Asia/Tokyo')).toBe('GMT+9');
  });
});

describe('zonedParts', () => {
  it('gives ISO weekday and minutes of the day', () => {
    expect(zonedParts(WED_1405_UTC, 'Europe/Lisbon')).toEqual({ weekday: 3, minutes: 14 * 60 + 5 });
    expect(zonedParts(Date.UTC(2025, 0, 19, 12, 0), 'UTC').weekday).toBe(7); // Sunday
    expect(zonedParts(Date.UTC(2025, 0, 15, 0, 0), 'UTC').minutes).toBe(0); // midnight is 00, not 24
  });
});

describe('isWithinWorkingHours', () => {
  const office = { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] as (1 | 2 | 3 | 4 | 5)[] };

  it('is true inside the hours on a working day', () => {
    expect(isWithinWorkingHours(WED_1405_UTC, office, 'Europe/Lisbon')).toBe(true);
  });

  it('uses the person’s zone, not the browser’s', () => {
    expect(isWithinWorkingHours(WED_1405_UTC, office, 'Asia/Tokyo')).toBe(false); // 23:05 there
  });

  it('is false at the end minute and on days off', () => {
    expect(isWithinWorkingHours(Date.UTC(2025, 0, 15, 17, 0), office, 'UTC')).toBe(false);
    expect(isWithinWorkingHours(Date.UTC(2025, 0, 18, 10, 0), office, 'UTC')).toBe(false); // Saturday
  });

  it('handles a night shift that crosses midnight', () => {
    const night = { start: '22:00', end: '06:00', days: [5] as 5[] }; // Friday night
    expect(isWithinWorkingHours(Date.UTC(2025, 0, 17, 23, 0), night, 'UTC')).toBe(true);
    expect(isWithinWorkingHours(Date.UTC(2025, 0, 18, 5, 59), night, 'UTC')).toBe(true); // Saturday morning
    expect(isWithinWorkingHours(Date.UTC(2025, 0, 18, 23, 0), night, 'UTC')).toBe(false);
  });

  it('is false for malformed hours', () => {
    expect(isWithinWorkingHours(WED_1405_UTC, { start: 'nine', end: '17:00', days: [3] }, 'UTC')).toBe(false);
  });
});

describe('helpers', () => {
  it('parseClock', () => {
    expect(parseClock('09:30')).toBe(570);
    expect(parseClock('24:00')).toBe(1440);
    expect(parseClock('25:00')).toBeNull();
    expect(parseClock('9.30')).toBeNull();
  });

  it('describeDays', () => {
    expect(describeDays([1, 2, 3, 4, 5])).toBe('Mon–Fri');
    expect(describeDays([1, 3, 6])).toBe('Mon, Wed, Sat');
    expect(describeDays([1, 2, 3, 4, 5, 6, 7])).toBe('every day');
    expect(describeDays([])).toBe('no days');
  });

  it('countryFlag', () => {
    expect(countryFlag('PT')).toBe('🇵🇹');
    expect(countryFlag('de')).toBe('🇩🇪');
    expect(countryFlag('')).toBe('');
    expect(countryFlag('EUR')).toBe('');
  });
});
