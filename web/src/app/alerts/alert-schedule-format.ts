// Scheduled alerts in words, and the RRULE subset the server takes (FREQ=DAILY, WEEKLY with
// BYDAY, MONTHLY with BYMONTHDAY, and COUNT): pure functions for the composer and the
// schedules page.
import { knownTimeZones } from '../core/local-time';
import { AlertSchedule } from './alerts-api';

export type Repeat = 'none' | 'daily' | 'weekly' | 'monthly';

export const WEEKDAYS: readonly { code: string; short: string }[] = [
  { code: 'MO', short: 'Mon' },
  { code: 'TU', short: 'Tue' },
  { code: 'WE', short: 'Wed' },
  { code: 'TH', short: 'Thu' },
  { code: 'FR', short: 'Fri' },
  { code: 'SA', short: 'Sat' },
  { code: 'SU', short: 'Sun' },
];

/** The RRULE for a repeat ("" for a one-time alert); weekly without days repeats on the start's weekday. */
export function buildRrule(repeat: Repeat, days: readonly string[], monthDay: number, count: number | null): string {
  const parts: string[] = [];
  if (repeat === 'none') return '';
  if (repeat === 'daily') parts.push('FREQ=DAILY');
  if (repeat === 'weekly') {
    parts.push('FREQ=WEEKLY');
    const ordered = WEEKDAYS.map((d) => d.code).filter((c) => days.includes(c));
    if (ordered.length) parts.push(`BYDAY=${ordered.join(',')}`);
  }
  if (repeat === 'monthly') parts.push('FREQ=MONTHLY', `BYMONTHDAY=${monthDay}`);
  if (count && count > 0) parts.push(`COUNT=${Math.floor(count)}`);
  return parts.join(';');
}

function field(rrule: string, name: string): string | undefined {
  return rrule
    .split(';')
    .map((p) => p.split('='))
    .find(([k]) => k === name)?.[1];
}

/** "Once", "Every day", "Every week on Mon, Wed", "Every month on day 15", with ", 5 times" or ", until 2026-12-31". */
export function describeRule(rrule: string): string {
  if (!rrule) return 'Once';
  const freq = field(rrule, 'FREQ');
  const interval = Number(field(rrule, 'INTERVAL') ?? '1');
  const every = (unit: string) => (interval > 1 ? `Every ${interval} ${unit}s` : `Every ${unit}`);
  let text = rrule;
  if (freq === 'DAILY') text = every('day');
  if (freq === 'WEEKLY') {
    const days = (field(rrule, 'BYDAY') ?? '').split(',').filter(Boolean);
    const names = days.map((c) => WEEKDAYS.find((d) => d.code === c)?.short ?? c);
    text = every('week') + (names.length ? ` on ${names.join(', ')}` : '');
  }
  if (freq === 'MONTHLY') {
    const day = field(rrule, 'BYMONTHDAY');
    text = every('month') + (day === '-1' ? ' on its last day' : day ? ` on day ${day}` : '');
  }
  const count = field(rrule, 'COUNT');
  const until = field(rrule, 'UNTIL');
  if (count) text += `, ${count} time${count === '1' ? '' : 's'}`;
  if (until) text += `, until ${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`;
  return text;
}

/** "09:00 in America/New_York" or "09:00 in each recipient's own time zone", from the first date. */
export function describeWhen(s: Pick<AlertSchedule, 'at' | 'time_zone' | 'recipient_local'>): string {
  const [date, time] = s.at.split('T');
  const where = s.recipient_local ? "in each recipient's own time zone" : `in ${s.time_zone}`;
  return `${time} ${where}, from ${date}`;
}

export const SCHEDULE_STATE_WORD: Record<AlertSchedule['state'], string> = {
  active: 'Active',
  paused: 'Paused',
  done: 'Done',
  stopped: 'Stopped',
  cancelled: 'Deleted',
};

/** The IANA zones this browser knows, with `mine` first (or just `mine` and UTC where it cannot list them). */
export function timeZones(mine: string | undefined): string[] {
  const known = knownTimeZones();
  const all = known.length ? known : ['UTC'];
  const first = mine && mine.length ? [mine] : [];
  return [...first, ...all.filter((z) => z !== mine)];
}
