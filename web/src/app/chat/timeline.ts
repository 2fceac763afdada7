// Turns a flat message list into what the conversation view draws: day separators and author runs.
import { formatLocalTime, isValidTimeZone } from '../core/local-time';
import { browserLocales } from '../core/locale-format';
import { DisplayMessage } from './chat-messages';

/** Messages from one author closer than this stay in one run under one name. */
const RUN_GAP_MS = 5 * 60_000;

export type TimelineItem =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: DisplayMessage; startsRun: boolean; time: string };

const dayFormatters = new Map<string, { key: Intl.DateTimeFormat; label: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string) {
  const locales = browserLocales();
  const cacheKey = `${timeZone}|${locales.join(',')}`;
  let f = dayFormatters.get(cacheKey);
  if (!f) {
    const label = { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } as const;
    let labelFormat: Intl.DateTimeFormat;
    try {
      labelFormat = new Intl.DateTimeFormat(locales as string[], label); // the reader's language and order
    } catch {
      labelFormat = new Intl.DateTimeFormat(undefined, label);
    }
    f = {
      key: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
      label: labelFormat,
    };
    dayFormatters.set(cacheKey, f);
  }
  return f;
}

/** "2025-03-04" in `timeZone`. */
export function dayKey(at: number, timeZone: string): string {
  return formattersFor(isValidTimeZone(timeZone) ? timeZone : 'UTC').key.format(at);
}

/** "Today", "Yesterday" or "Tuesday, 4 March 2025" (in the browser's language), as seen in `timeZone`. */
export function dayLabel(at: number, now: number, timeZone: string): string {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const key = dayKey(at, zone);
  if (key === dayKey(now, zone)) return 'Today';
  if (key === dayKey(now - 86_400_000, zone)) return 'Yesterday';
  return formattersFor(zone).label.format(at);
}

/**
 * `before` is the message just above `messages` when they are a window of a longer list:
 * it decides whether the first one starts a new day or author run.
 */
export function buildTimeline(
  messages: readonly DisplayMessage[],
  timeZone: string,
  now: number,
  before: DisplayMessage | null = null,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  let previous: DisplayMessage | null = before;
  let previousDay = before ? dayKey(before.created_at, timeZone) : '';
  for (const message of messages) {
    const day = dayKey(message.created_at, timeZone);
    const newDay = day !== previousDay;
    if (newDay) items.push({ kind: 'day', key: `d${day}`, label: dayLabel(message.created_at, now, timeZone) });
    const startsRun =
      newDay ||
      previous === null ||
      previous.author.id !== message.author.id ||
      message.created_at - previous.created_at > RUN_GAP_MS;
    items.push({
      kind: 'message',
      key: message.key,
      message,
      startsRun,
      time: formatLocalTime(message.created_at, timeZone),
    });
    previous = message;
    previousDay = day;
  }
  return items;
}
