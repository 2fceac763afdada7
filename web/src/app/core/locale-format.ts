// Dates and times in the browser's own language (navigator.languages), not Angular's default
// en-US: an en-GB browser reads "07/12/2026, 00:31", an en-US one "12/7/26, 12:31 AM".
// Every date the app shows goes through here (or the localDate pipe built on it).

/** How much of a moment to show: short date and time, a date only, a time only, or long forms. */
export type DateStyle = 'short' | 'medium' | 'date' | 'long-date' | 'time' | 'full';

const STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  short: { dateStyle: 'short', timeStyle: 'short' },
  medium: { dateStyle: 'medium', timeStyle: 'short' },
  date: { dateStyle: 'medium' },
  'long-date': { dateStyle: 'full' },
  time: { timeStyle: 'short' },
  full: { dateStyle: 'full', timeStyle: 'short' },
};

/** The browser's preferred languages, most wanted first (["en-GB", "en"]); empty when unknown. */
export function browserLocales(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  const list = navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
  return list.filter((tag) => !!tag);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(style: DateStyle, timeZone: string | undefined): Intl.DateTimeFormat {
  const locales = browserLocales();
  const key = `${locales.join(',')}|${style}|${timeZone ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    const options = { ...STYLES[style], ...(timeZone ? { timeZone } : {}) };
    try {
      f = new Intl.DateTimeFormat(locales as string[], options);
    } catch {
      // An unknown zone or a malformed language tag: the runtime's defaults rather than nothing.
      f = new Intl.DateTimeFormat(undefined, STYLES[style]);
    }
    if (formatters.size > 200) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/**
 * A moment (Unix ms, ISO string or Date) in the browser's locale, in `timeZone` when given
 * (else the browser's zone); empty for nothing or an unreadable value.
 */
export function formatDate(at: number | string | Date | null | undefined, style: DateStyle = 'short', timeZone?: string): string {
  if (at === null || at === undefined || at === '') return '';
  const when = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(when.getTime())) return '';
  return formatterFor(style, timeZone).format(when);
}
