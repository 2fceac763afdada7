// Pure helpers of the overlap band: where an interval sits inside a day of the viewer's zone
// (a DST day is 23 or 25 hours long: positions come from the day's own start and end, never
// from 24 h), the hour ticks of that day, and the sentence about the common window.
import { ApiError } from '../core/api-error';
import { Interval, OverlapDay } from './availability-api';

/** An interval as left/width percentages of the day, clipped to it; null when outside. */
export function segment(day: { start: number; end: number }, i: Interval): { left: number; width: number } | null {
  const from = Math.max(i.start, day.start);
  const to = Math.min(i.end, day.end);
  if (to <= from) return null;
  const length = day.end - day.start;
  return { left: ((from - day.start) / length) * 100, width: ((to - from) / length) * 100 };
}

/** Wall-clock "HH:MM" of an instant in a zone. */
export function clockIn(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

/** The whole local hours of the day, every `step` hours, with their position (a DST day has 23 or 25); every 6th hour is major (phones show only those). */
export function hourTicks(day: { start: number; end: number }, timeZone: string, step = 3): { left: number; label: string; major: boolean }[] {
  const out: { left: number; label: string; major: boolean }[] = [];
  for (let t = day.start; t < day.end; t += 3_600_000) {
    const label = clockIn(t, timeZone);
    const hour = Number(label.slice(0, 2));
    if (label.endsWith(':00') && hour % step === 0) out.push({ left: ((t - day.start) / (day.end - day.start)) * 100, label, major: hour % 6 === 0 });
  }
  return out;
}

/** "3 h overlap: 14:00–17:00 your time", or why there is none. */
export function overlapSentence(day: OverlapDay, timeZone: string): string {
  if (!day.windows.length) return 'No common working hours this day';
  const minutes = day.overlap_minutes;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const length = h && m ? `${h} h ${m} min` : h ? `${h} h` : `${m} min`;
  const ranges = day.windows.map((w) => `${clockIn(w.start, timeZone)}–${w.end >= day.end ? '24:00' : clockIn(w.end, timeZone)}`);
  return `${length} overlap: ${ranges.join(', ')} your time`;
}

/** A local date moved by n days ("2031-03-09" + 1 = "2031-03-10"). */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Today's date in a zone. */
export function todayIn(timeZone: string, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** "1,2,3" from a query parameter, keeping positive whole numbers only, each once. */
export function parseIds(text: string | null | undefined): number[] {
  const out: number[] = [];
  for (const part of (text ?? '').split(',')) {
    const n = Number(part.trim());
    if (Number.isInteger(n) && n > 0 && !out.includes(n)) out.push(n);
  }
  return out;
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/**
 * A suggested slot in words: when it starts for me (the browser's zone, as the composer's
 * start field), then each other person's wall-clock start in the zone they are in that day:
 * "Tue 10 Mar, 14:00 · Bob 09:00 (America/New_York), Kei 23:00 (Asia/Tokyo)".
 */
export function slotSentence(
  s: { start: number; local: { user_id: number; time_zone: string; local_start: string }[] },
  me: number | undefined,
  nameOf: (id: number) => string,
  timeZone?: string,
): string {
  const mine = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(s.start);
  const others = s.local.filter((l) => l.user_id !== me).map((l) => `${nameOf(l.user_id)} ${l.local_start.slice(11, 16)} (${l.time_zone})`);
  return others.length ? `${mine} · ${others.join(', ')}` : mine;
}

/**
 * What the overlap page says when the server refuses: whose hours one may not see is answered
 * 404 like someone who does not exist, so the page names both and what to do.
 */
export function overlapFailure(e: unknown): string {
  if (e instanceof ApiError && e.status === 404)
    return 'Some of these people do not exist, or their working hours are not shared with you. Open overlap hours from a channel, a team or a meeting you are in.';
  if (e instanceof ApiError && e.message) return e.message;
  return 'Working hours could not be loaded. Check your connection and try again.';
}

/** Whether this signed-in person may see colleagues' working hours (the server's read_availability: staff, not customers or guests). */
export function canSeeHours(user: { kind?: string; roles?: readonly string[] } | null | undefined): boolean {
  return !!user && (user.kind === 'employee' || user.kind === 'agent' || !!user.roles?.includes('admin'));
}

/** The ids for "overlap hours with this person": me first, then them (once). */
export function pairIds(me: number | null | undefined, them: number): string {
  return me && me !== them ? `${me},${them}` : String(them);
}
