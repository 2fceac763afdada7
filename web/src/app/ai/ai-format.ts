// Words the assistant panel shows, kept apart from the components so they are tested alone.
import { HttpErrorResponse } from '@angular/common/http';
import { ApiError, errorMessage, toApiError } from '../core/api-error';
import { AiStatus, Citation, PointKind, Summary, SummaryPoint } from './ai-api';

const LANGUAGES: Record<string, string> = { en: 'English', de: 'German', fr: 'French', es: 'Spanish', pt: 'Portuguese' };

export const SECTION_TITLES: Record<PointKind, string> = {
  decision: 'Decisions',
  action_item: 'Action items',
  open_question: 'Open questions',
  highlight: 'Highlights',
};

/** "builtin" reads as what it is. */
export function providerLabel(provider: string): string {
  return provider === 'builtin' ? 'Built-in (on this server, no AI service)' : provider;
}

export function languageLabel(code: string): string {
  return LANGUAGES[code] ?? code;
}

/** The points of a summary grouped by kind, in the order a summary lists them; empty kinds left out. */
export function sections(summary: Summary): { kind: PointKind; title: string; points: SummaryPoint[] }[] {
  const kinds: PointKind[] = ['decision', 'action_item', 'open_question', 'highlight'];
  return kinds
    .map((kind) => ({ kind, title: SECTION_TITLES[kind], points: summary.points.filter((p) => p.kind === kind) }))
    .filter((s) => s.points.length > 0);
}

/** What a count line says: "12 messages summarised; 3 left out (people excluded from AI)". */
export function coverage(summary: Summary): string {
  const n = summary.message_count;
  let out = n === 0 ? 'No messages to summarise.' : `${n} ${n === 1 ? 'message' : 'messages'} summarised`;
  if (summary.excluded_messages > 0)
    out += `; ${summary.excluded_messages} left out (their authors asked to be excluded from AI)`;
  if (summary.older_left_out) out += '; only the newest 20,000 were read';
  return n === 0 ? out : out + '.';
}

/** Where a citation points: "handbook.pdf, page 2" / "notes.md, Refunds". */
export function citationPlace(c: Citation): string {
  let out = c.file_name;
  if (c.page !== null) out += `, page ${c.page}`;
  if (c.section) out += `, ${c.section}`;
  return out + (c.version > 1 ? ` (version ${c.version})` : '');
}

/** Why the copilot refused, in words a person can act on. */
export function aiFailure(failure: unknown): string {
  // The app's interceptor makes every failure an ApiError; without it (a bare HttpClient) do it here.
  if (failure instanceof HttpErrorResponse) failure = toApiError(failure);
  if (failure instanceof ApiError) {
    if (failure.status === 403) return failure.message;
    if (failure.status === 404) return "This conversation or file doesn't exist, or you can't read it.";
    if (failure.status === 0) return "Can't reach the server. Check your connection and try again.";
    if (failure.status >= 500) return 'The server had a problem. Try again in a moment.';
  }
  return errorMessage(failure);
}

/** What is left of my AI budgets, in one line; null when no budget is set. */
export function budgetText(status: AiStatus | null): string | null {
  const b = status?.budget;
  if (!b || (!b.person_day && !b.organisation_month)) return null;
  const n = (x: number) => x.toLocaleString('en');
  const parts: string[] = [];
  if (b.person_day) parts.push(`${n(b.person_day.left)} of ${n(b.person_day.limit)} tokens left today`);
  if (b.organisation_month) parts.push(`${n(b.organisation_month.left)} of ${n(b.organisation_month.limit)} left this month for your organisation`);
  return `AI budget: ${parts.join('; ')} (external AI services only; the built-in assistant is free).`;
}
