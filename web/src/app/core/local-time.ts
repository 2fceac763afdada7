// Time-zone arithmetic for "what time is it for this person" — Intl only, no library.
import { IsoWeekday, WorkingHours } from './api-types';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let cached = formatters.get(key);
  if (!cached) {
    cached = make();
    formatters.set(key, cached);
  }
  return cached;
}

/** True when the runtime knows the IANA zone. */
// Building an Intl.DateTimeFormat costs ~0.1-1 ms; the answer per zone never changes.
// (The chat timeline asks for every message it draws: this was the top cost of scrolling.)
const validZones = new Map<string, boolean>();

export function isValidTimeZone(timeZone: string): boolean {
  let valid = validZones.get(timeZone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      valid = true;
    } catch {
      valid = false;
    }
    if (validZones.size > 1_000) validZones.clear();
    validZones.set(timeZone, valid);
  }
  return valid;
}

/** The IANA zones this runtime knows (empty where it cannot list them). */
export function knownTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    return intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  } catch {
    return [];
  }
}

/** "14:05" — the wall-clock time in `timeZone`, 24-hour. Unknown zones fall back to UTC. */
export function formatLocalTime(at: Date | number, timeZone: string): string {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const f = formatter(`time|${zone}`, () =>
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  );
  return f.format(at);
}

/** "Tue 14:05" — as formatLocalTime with the weekday. */
export function formatLocalDayTime(at: Date | number, timeZone: string): string {
  const { weekday } = zonedParts(at, timeZone);
  return `${WEEKDAY_SHORT[weekday]} ${formatLocalTime(at, timeZone)}`;
}

/** "GMT+1" — the zone's current UTC offset. */
export function formatUtcOffset(at: Date | number, timeZone: string): string {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const f = formatter(`offset|${zone}`, () =>
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }),
  );
  return f.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'UTC';
}

const WEEKDAY_INDEX: Record<string, IsoWeekday> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
export const WEEKDAY_SHORT: Record<IsoWeekday, string> = { 1: 'Mon', 2: 'Tue', 3: 'Wed', 4: 'Thu', 5: 'Fri', 6: 'Sat', 7: 'Sun' };

export interface ZonedParts {
  weekday: IsoWeekday;
  /** Minutes since local midnight. */
  minutes: number;
}

export function zonedParts(at: Date | number, timeZone: string): ZonedParts {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const f = formatter(`parts|${zone}`, () =>
    new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  );
  let weekday: IsoWeekday = 1;
  let hour = 0;
  let minute = 0;
  for (const part of f.formatToParts(at)) {
    if (part.type === 'weekday') weekday = WEEKDAY_INDEX[part.value] ?? 1;
    if (part.type === 'hour') hour = Number(part.value) % 24;
    if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minutes: hour * 60 + minute };
}

/** "09:30" -> 570; null when malformed. */
export function parseClock(value: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}

/**
 * Whether `at` falls inside the person's working hours, in their zone.
 * A shift that ends before it starts (22:00–06:00) runs past midnight and
 * belongs to the day it started on.
 */
export function isWithinWorkingHours(at: Date | number, hours: WorkingHours, timeZone: string): boolean {
  const start = parseClock(hours.start);
  const end = parseClock(hours.end);
  if (start === null || end === null || start === end) return false;
  const { weekday, minutes } = zonedParts(at, timeZone);
  if (start < end) return hours.days.includes(weekday) && minutes >= start && minutes < end;
  const yesterday = (weekday === 1 ? 7 : weekday - 1) as IsoWeekday;
  return (hours.days.includes(weekday) && minutes >= start) || (hours.days.includes(yesterday) && minutes < end);
}

/** "Mon–Fri" / "Mon, Wed, Sat" / "every day" */
export function describeDays(days: readonly IsoWeekday[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 0) return 'no days';
  if (sorted.length === 7) return 'every day';
  const contiguous = sorted.every((day, i) => i === 0 || day === sorted[i - 1] + 1);
  if (contiguous && sorted.length > 2) return `${WEEKDAY_SHORT[sorted[0]]}–${WEEKDAY_SHORT[sorted[sorted.length - 1]]}`;
  return sorted.map((day) => WEEKDAY_SHORT[day]).join(', ');
}

/** "PT" -> "🇵🇹" (regional indicator symbols); empty for anything not two letters. */
export function countryFlag(code: string | null | undefined): string {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return '';
  const base = 0x1f1e6 - 'A'.charCodeAt(0);
  const upper = code.toUpperCase();
  return String.fromCodePoint(base + upper.charCodeAt(0), base + upper.charCodeAt(1));
}

/** "PT" -> "Portugal"; the code itself when the runtime has no name for it. */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
