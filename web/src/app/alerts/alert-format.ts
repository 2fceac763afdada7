// Words, tones and icons of alerts, the audience summary, the tab title count and the CSV
// export: pure functions, shared by the notification center, the composer and the tracking view.
import { BadgeTone } from '../ui/badge';
import { IconName } from '../ui/icon';
import { Alert, AlertCategory, AlertPriority, AlertReceipt, AudienceCount } from './alerts-api';
import { formatDate } from '../core/locale-format';

/** Colour and icon by priority, with the word too (never colour alone). */
export const PRIORITY_LOOK: Record<AlertPriority, { word: string; tone: BadgeTone; icon: IconName }> = {
  critical: { word: 'Critical', tone: 'danger', icon: 'siren' },
  warning: { word: 'Warning', tone: 'warn', icon: 'triangle-alert' },
  info: { word: 'Info', tone: 'info', icon: 'info' },
};

export const CATEGORY_WORD: Record<AlertCategory, string> = {
  announcement: 'Announcement',
  system: 'System',
  compliance: 'Compliance',
  emergency: 'Emergency',
};

/** How a priority is shown: an emergency is delivered as critical whatever its priority. */
export function shownPriority(alert: Pick<Alert, 'priority' | 'category'>): AlertPriority {
  return alert.category === 'emergency' ? 'critical' : alert.priority;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "412 people: 300 in DE, 80 in AT, 32 in CH" (largest first); "Nobody matches this audience" for 0. */
export function describeAudience(count: AudienceCount): string {
  if (count.recipient_count === 0) return 'Nobody matches this audience';
  const countries = Object.entries(count.by_country).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const head = plural(count.recipient_count, 'person', 'people');
  if (countries.length === 0) return head;
  if (countries.length === 1) return `${head} in ${countries[0][0]}`;
  return `${head}: ${countries.map(([code, n]) => `${n.toLocaleString()} in ${code}`).join(', ')}`;
}

export type ReceiptState = 'pending' | 'delivered' | 'read' | 'acknowledged';

export const RECEIPT_WORD: Record<ReceiptState, string> = {
  pending: 'Not delivered',
  delivered: 'Delivered',
  read: 'Read',
  acknowledged: 'Acknowledged',
};

export const RECEIPT_TONE: Record<ReceiptState, BadgeTone> = {
  pending: 'neutral',
  delivered: 'info',
  read: 'brand',
  acknowledged: 'ok',
};

/** The furthest receipt a recipient has reached. */
export function receiptState(r: Pick<AlertReceipt, 'delivered_at' | 'read_at' | 'acknowledged_at'>): ReceiptState {
  if (r.acknowledged_at) return 'acknowledged';
  if (r.read_at) return 'read';
  if (r.delivered_at) return 'delivered';
  return 'pending';
}

const TITLE_COUNT = /^\(\d+\) /;

/** "(2) Chat · Meridian" while 2 alerts need my acknowledgement; the bare title at 0. */
export function titleWithCount(title: string, count: number): string {
  const bare = title.replace(TITLE_COUNT, '');
  return count > 0 ? `(${count}) ${bare}` : bare;
}

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const iso = (t: number | null) => (t ? new Date(t).toISOString() : null);

/** The tracking view's rows as CSV (times in ISO 8601 UTC), one line per recipient. */
export function receiptsCsv(receipts: readonly AlertReceipt[]): string {
  const head = ['user_id', 'name', 'country', 'state', 'delivered_at', 'read_at', 'acknowledged_at', 'comment'];
  const lines = receipts.map((r) =>
    [r.user_id, r.display_name, r.country, receiptState(r), iso(r.delivered_at), iso(r.read_at), iso(r.acknowledged_at), r.comment]
      .map(csvCell)
      .join(','),
  );
  return [head.join(','), ...lines].join('\r\n') + '\r\n';
}

/** "2 Mar 2026, 14:05" in the browser's locale and the person's time zone (the browser's without one). */
export function formatWhen(at: number, timeZone: string | null | undefined): string {
  return formatDate(at, 'medium', timeZone || undefined);
}
