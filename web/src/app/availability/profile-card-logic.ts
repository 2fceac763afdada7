// What a person's profile card says, as pure functions of what the server answered
// (GET /users/{id} and GET /overlap for that person over the viewer's today): who they are,
// their local time, whether they are working, and today's hours in the viewer's time.
import { Role, User, UserKind } from '../core/api-types';
import { formatLocalTime, isValidTimeZone } from '../core/local-time';
import { Overlap } from './availability-api';
import { clockIn } from './overlap-logic';
import { cityOf } from '../chat/presence-store';

const KIND: Record<UserKind, string> = { employee: 'Employee', agent: 'Support agent', customer: 'Customer', guest: 'Guest' };

/** "Support agent · Admin" (the kind, then any role beyond it). */
export function roleLine(user: Pick<User, 'kind' | 'roles'>): string {
  const extra = (user.roles ?? []).filter((r: Role) => r === 'admin').map(() => 'Admin');
  return [KIND[user.kind] ?? user.kind, ...extra].join(' · ');
}

/** "Platform (lead), Support"; empty without teams. */
export function teamLine(user: Pick<User, 'teams'>): string {
  return (user.teams ?? []).map((t) => (t.role === 'lead' ? `${t.name} (lead)` : t.name)).join(', ');
}

/** "22:14 in Lisbon" for the zone they are in now; empty when the zone is unknown. */
export function localLine(timeZone: string | null | undefined, now: number): string {
  if (!timeZone || !isValidTimeZone(timeZone)) return '';
  return `${formatLocalTime(now, timeZone)} in ${cityOf(timeZone)}`;
}

/**
 * Their working hours today (the viewer's date), written in the viewer's zone:
 * "14:00–22:00", "All day", "Day off: dentist", "Public holiday: Dia de Portugal", or "Not working today".
 */
export function hoursToday(overlap: Overlap, userId: number): string {
  const day = overlap.days[0];
  const mine = day?.people.find((p) => p.user_id === userId);
  if (!day || !mine) return '';
  if (mine.working.length === 1 && mine.working[0]!.start <= day.start && mine.working[0]!.end >= day.end) return 'All day';
  if (mine.working.length) return mine.working.map((i) => `${clockIn(i.start, overlap.time_zone)}–${clockIn(i.end, overlap.time_zone)}`).join(', ');
  const absence = mine.absences[0];
  if (absence) return absence.kind === 'holiday' ? `Public holiday: ${absence.name}` : absence.name ? `Day off: ${absence.name}` : 'Day off';
  return 'Not working today';
}

/** The card's sentence about now: "Working now" / "Outside working hours" / nothing when unknown. */
export function workingLine(working: boolean | null | undefined): string {
  if (working === true) return 'Working now';
  if (working === false) return 'Outside working hours';
  return '';
}
