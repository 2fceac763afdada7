// What the clock says right now in an IANA zone, as minutes since midnight.

export function minutesNowIn(timeZone, at = new Date()) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour').value);
  const minute = Number(parts.find((p) => p.type === 'minute').value);
  return hour * 60 + minute;
}

/** "14:05" -> 845 */
export function parseHhMm(text) {
  const match = /(\d{1,2}):(\d{2})/.exec(text);
  if (!match) throw new Error(`no HH:MM time in ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Distance between two clock readings, across midnight too. */
export function clockDistance(a, b) {
  const d = Math.abs(a - b) % 1440;
  return Math.min(d, 1440 - d);
}

/** "2027-01-11T15:00": the wall-clock date and time of `ms` in an IANA zone (as a datetime-local field and the API write it). */
export function localDateTime(ms, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
