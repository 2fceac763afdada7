// The working-hours form as plain data: one row per weekday (on/off, start, end), days off,
// an optional travel zone; to and from what PUT /me/availability takes.
import { AvailabilitySettings, DayOff, PersonAvailability } from './availability-api';
import { WEEKDAYS } from './overlap-logic';

export interface DayRow { weekday: number; name: string; on: boolean; start: string; end: string }

export interface HoursForm {
  days: DayRow[];
  daysOff: DayOff[];
  travelOn: boolean;
  travelZone: string;
  travelFrom: string;
  travelUntil: string;
  subdivision: string;
}

export function formFrom(a: PersonAvailability): HoursForm {
  const days = WEEKDAYS.map((name, i) => {
    const band = a.weekly.find((w) => w.weekday === i + 1);
    return { weekday: i + 1, name, on: !!band, start: band?.start ?? '09:00', end: band?.end ?? '17:00' };
  });
  return {
    days,
    daysOff: a.days_off.map((d) => ({ ...d })),
    travelOn: !!a.travel,
    travelZone: a.travel?.time_zone ?? '',
    travelFrom: a.travel?.from ?? '',
    travelUntil: a.travel?.until ?? '',
    subdivision: a.holiday_subdivision,
  };
}

export function settingsFrom(f: HoursForm): AvailabilitySettings {
  return {
    weekly: f.days.filter((d) => d.on).map((d) => ({ weekday: d.weekday, start: d.start, end: d.end })),
    days_off: [...f.daysOff].sort((a, b) => a.date.localeCompare(b.date)),
    travel: f.travelOn ? { time_zone: f.travelZone.trim(), from: f.travelFrom, until: f.travelUntil } : null,
    holiday_subdivision: f.subdivision.trim().toUpperCase(),
  };
}

/** Hours per week the rows add up to (a band ending at or before its start runs past midnight). */
export function weeklyHours(days: DayRow[]): number {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  let total = 0;
  for (const d of days) {
    if (!d.on) continue;
    let span = minutes(d.end) - minutes(d.start);
    if (span <= 0) span += 24 * 60;
    total += span;
  }
  return Math.round((total / 60) * 10) / 10;
}
