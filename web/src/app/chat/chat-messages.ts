// The message lists of the chat as values: a conversation's timeline, merging pages and live
// events into it, keeping it bounded, and what one row of it shows.
import { ApiError } from '../core/api-error';
import { RealtimeError } from '../core/realtime.service';
import { ChatAttachment, ChatMessage, Reaction } from './chat-types';

export const PAGE_SIZE = 50;
/**
 * At most this many messages of one conversation are kept in memory (12 pages; the page
 * draws at most 150 of them). Loading further pages drops the far end (hasMore / hasNewer
 * then say it can be loaded again), so memory and the cost of every change stay the same
 * whether the conversation holds 100 or 100,000 messages.
 */
export const MAX_LOADED = 600;

/** A message the server has not confirmed yet. */
export interface PendingMessage {
  client_id: string;
  text: string;
  /** Unix milliseconds, when it was typed. */
  created_at: number;
  state: 'sending' | 'failed';
  error: string | null;
  /** File ids going with it. */
  attachments?: number[];
  /** It failed for want of a connection: the next reconnect sends it again by itself. */
  lostConnection?: boolean;
}

/**
 * Failures a new connection may cure: the message did not reach the server, or its answer
 * was lost on the way back. A refusal (403, 400, ...) is not sent again by itself.
 */
export function failedForConnection(failure: unknown): boolean {
  if (failure instanceof RealtimeError) return ['disconnected', 'not_connected', 'timeout', 'unavailable', 'internal'].includes(failure.code);
  if (failure instanceof ApiError) return failure.status === 0 || failure.status >= 500;
  return false;
}

/** One row of the message list: stored, or still on its way. */
export interface DisplayMessage {
  key: string;
  reactions: Reaction[];
  replyCount: number;
  /** The stored message's id; null while on its way. */
  id: number | null;
  seq: number | null;
  author: { id: number; display_name: string };
  client_id: string;
  text: string;
  created_at: number;
  state: 'sent' | 'sending' | 'failed';
  error: string | null;
  /** Failed for want of a connection: goes out again by itself when the link is back. */
  resendsOnReconnect?: boolean;
  edited: boolean;
  deleted: boolean;
  attachments?: ChatAttachment[];
}

/** The main timeline of one conversation (thread replies live in the reply thread panel). */
export interface Timeline {
  messages: ChatMessage[];
  /** Highest change_seq applied, for GET /changes?after= when catching up. */
  changeSeq: number;
  pending: PendingMessage[];
  hasMore: boolean;
  /** After a jump to an old message: newer messages exist that are not loaded yet. */
  hasNewer: boolean;
  loadingNewer: boolean;
  loaded: boolean;
  loadingOlder: boolean;
  error: string | null;
}

export const EMPTY_TIMELINE: Timeline = { messages: [], changeSeq: 0, hasNewer: false, loadingNewer: false, pending: [], hasMore: false, loaded: false, loadingOlder: false, error: null };

/** Merges pages and live messages: one entry per seq (unique within a conversation, newest change wins), ascending. */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  // Fast paths (a live message or a newer page at the end, an older page at the start):
  // O(n) copies instead of a sort, which matters with 100,000 messages loaded.
  if (incoming.length === 0) return [...current];
  if (isAscending(incoming)) {
    const last = current[current.length - 1]?.seq ?? -Infinity;
    const first = current[0]?.seq ?? Infinity;
    if (incoming[0].seq > last) return [...current, ...incoming];
    if (incoming[incoming.length - 1].seq < first) return [...incoming, ...current];
  }
  const bySeq = new Map<number, ChatMessage>();
  for (const message of current) bySeq.set(message.seq, message);
  for (const message of incoming) {
    // A response that was on its way must not undo a newer edit or delete.
    const known = bySeq.get(message.seq);
    if (known && (known.change_seq ?? 0) > (message.change_seq ?? 0)) continue;
    // An event may carry only some fields (e.g. reactions): keep the others.
    bySeq.set(message.seq, known ? { ...known, ...message } : message);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The first index whose seq is >= seq (messages ascending by seq). */
function lowerBound(messages: readonly ChatMessage[], seq: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Keeps at most `max` messages, centred on the seqs on screen (`view`), else the newest;
 * what is dropped at either end becomes loadable again (hasMore / hasNewer).
 */
export function boundTimeline<T extends { messages: ChatMessage[]; hasMore: boolean; hasNewer: boolean }>(
  timeline: T,
  view: { first: number; last: number } | undefined,
  max = MAX_LOADED,
): T {
  const n = timeline.messages.length;
  if (n <= max) return timeline;
  let lo = n - max;
  if (view) {
    const a = lowerBound(timeline.messages, view.first);
    const b = lowerBound(timeline.messages, view.last + 1);
    lo = Math.min(n - max, Math.max(0, Math.floor((a + b - max) / 2)));
  }
  const hi = lo + max;
  return { ...timeline, messages: timeline.messages.slice(lo, hi), hasMore: timeline.hasMore || lo > 0, hasNewer: timeline.hasNewer || hi < n };
}

function isAscending(messages: readonly ChatMessage[]): boolean {
  for (let i = 1; i < messages.length; i++) if (messages[i].seq <= messages[i - 1].seq) return false;
  return true;
}

export function maxChangeSeq(messages: readonly ChatMessage[], start = 0): number {
  return messages.reduce((max, m) => Math.max(max, m.change_seq ?? 0), start);
}

/** One DisplayMessage per stored message object, so a long list is not rebuilt per change. */
const displayCache = new WeakMap<ChatMessage, DisplayMessage>();

export function displayOf(m: ChatMessage): DisplayMessage {
  let d = displayCache.get(m);
  if (!d) {
    d = {
      key: `m${m.id}`,
      id: m.id,
      seq: m.seq,
      author: m.author,
      client_id: m.client_id,
      text: m.text,
      created_at: m.created_at,
      state: 'sent',
      error: null,
      edited: !!m.edited_at && !m.deleted,
      deleted: !!m.deleted,
      reactions: m.reactions ?? [],
      replyCount: m.reply_count ?? 0,
      attachments: m.attachments ?? [],
    };
    displayCache.set(m, d);
  }
  return d;
}
