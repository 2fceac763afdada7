import { addDays, canSeeHours, clockIn, hourTicks, overlapFailure, pairIds, overlapSentence, parseIds, segment, slotSentence, todayIn } from './overlap-logic';
import { OverlapDay } from './availability-api';
import { ApiError } from '../core/api-error';

const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

function day(date: string, start: number, end: number, windows: { start: number; end: number }[]): OverlapDay {
  const minutes = windows.reduce((n, w) => n + (w.end - w.start) / 60_000, 0);
  return { date, start, end, windows, overlap_minutes: minutes, people: [] };
}

describe('overlap band logic', () => {
  it('places an interval by the day\'s own length, also on a 23-hour DST day', () => {
    // Lisbon, 30 March 2031: clocks jump 01:00 -> 02:00, the day is 23 h (00:00 UTC .. 23:00 UTC).
    const d = { start: utc(2031, 3, 30, 0), end: utc(2031, 3, 30, 23) };
    const s = segment(d, { start: utc(2031, 3, 30, 8), end: utc(2031, 3, 30, 16) })!;
    expect(s.left).toBeCloseTo((8 / 23) * 100, 6);
    expect(s.width).toBeCloseTo((8 / 23) * 100, 6);
    // Clipped to the day; nothing when outside.
    expect(segment(d, { start: utc(2031, 3, 29, 20), end: utc(2031, 3, 30, 2) })).toEqual({ left: 0, width: (2 / 23) * 100 });
    expect(segment(d, { start: utc(2031, 3, 31, 1), end: utc(2031, 3, 31, 2) })).toBeNull();
  });

  it('writes hour ticks in the viewer zone, skipping the hour that does not exist', () => {
    const d = { start: utc(2031, 3, 30, 0), end: utc(2031, 3, 30, 23) };
    const labels = hourTicks(d, 'Europe/Lisbon', 1).map((t) => t.label);
    expect(labels).toHaveLength(23);
    expect(labels.slice(0, 3)).toEqual(['00:00', '02:00', '03:00']);
    expect(hourTicks({ start: utc(2031, 3, 10, 0), end: utc(2031, 3, 11, 0) }, 'UTC', 6).map((t) => t.label)).toEqual(['00:00', '06:00', '12:00', '18:00']);
  });

  it('says the common window in the viewer\'s words', () => {
    const d = day('2031-03-07', utc(2031, 3, 7), utc(2031, 3, 8), [{ start: utc(2031, 3, 7, 14), end: utc(2031, 3, 7, 17) }]);
    expect(overlapSentence(d, 'Europe/Lisbon')).toBe('3 h overlap: 14:00–17:00 your time');
    const tokyo = day('2031-03-07', utc(2031, 3, 6, 15), utc(2031, 3, 7, 15), [{ start: utc(2031, 3, 7, 0), end: utc(2031, 3, 7, 0, 30) }]);
    expect(overlapSentence(tokyo, 'Asia/Tokyo')).toBe('30 min overlap: 09:00–09:30 your time');
    expect(overlapSentence(day('2031-03-08', 0, 1, []), 'UTC')).toBe('No common working hours this day');
    const late = day('2031-03-07', utc(2031, 3, 7), utc(2031, 3, 8), [{ start: utc(2031, 3, 7, 22, 30), end: utc(2031, 3, 8) }]);
    expect(overlapSentence(late, 'UTC')).toBe('1 h 30 min overlap: 22:30–24:00 your time');
  });

  it('handles dates, clocks and id lists', () => {
    expect(addDays('2031-03-31', 1)).toBe('2031-04-01');
    expect(addDays('2031-03-01', -1)).toBe('2031-02-28');
    expect(clockIn(utc(2031, 7, 1, 12), 'Asia/Kolkata')).toBe('17:30');
    expect(todayIn('Pacific/Auckland', utc(2031, 3, 7, 12))).toBe('2031-03-08');
    expect(parseIds('3, 1,abc,3,-2,0,7')).toEqual([3, 1, 7]);
    expect(parseIds(null)).toEqual([]);
  });

  it('gives a suggested slot in my time and each other person\'s local time', () => {
    const s = { start: utc(2031, 3, 3, 14), local: [
      { user_id: 1, time_zone: 'Europe/Lisbon', local_start: '2031-03-03T14:00' },
      { user_id: 2, time_zone: 'America/New_York', local_start: '2031-03-03T09:00' },
    ] };
    expect(slotSentence(s, 1, (id) => (id === 2 ? 'Bob' : '?'), 'Europe/Lisbon')).toBe('Mon 3 Mar, 14:00 · Bob 09:00 (America/New_York)');
  });

  it('says why the hours cannot be shown: a refusal (404) names both causes and what to do', () => {
    expect(overlapFailure(new ApiError(404, 'not_found', 'no such user'))).toContain('not shared with you');
    expect(overlapFailure(new ApiError(400, 'invalid_argument', 'user_ids names at most 100 people'))).toBe('user_ids names at most 100 people');
    expect(overlapFailure(new Error('boom'))).toContain('could not be loaded');
  });

  it('offers overlap hours to staff only, and pairs me with the person', () => {
    expect(canSeeHours({ kind: 'employee' })).toBe(true);
    expect(canSeeHours({ kind: 'agent' })).toBe(true);
    expect(canSeeHours({ kind: 'customer' })).toBe(false);
    expect(canSeeHours({ kind: 'guest' })).toBe(false);
    expect(canSeeHours(null)).toBe(false);
    expect(pairIds(3, 8)).toBe('3,8');
    expect(pairIds(8, 8)).toBe('8');
    expect(pairIds(undefined, 8)).toBe('8');
  });
});
