import { Observable, merge } from 'rxjs';
import { ServerMessageMap } from '../core/realtime.service';
import { QUEUE_EVENTS, QueueEvent, SupportRequest } from './remote-support-types';

/** Something that delivers the server's messages by type (the app's RealtimeService). */
export interface QueueEventSource {
  messages<K extends keyof ServerMessageMap>(type: K): Observable<ServerMessageMap[K]>;
}

/** Every change of the queue, as one stream. */
export function queueEvents(source: QueueEventSource): Observable<QueueEvent> {
  return merge(...QUEUE_EVENTS.map((type) => source.messages(type) as Observable<QueueEvent>));
}

/**
 * The agents' list after one change: a new request joins it (oldest first, no duplicate),
 * a taken, withdrawn or expired one leaves it, an overdue one is replaced (its flag set).
 */
export function applyQueueEvent(list: readonly SupportRequest[], event: QueueEvent): SupportRequest[] {
  const q = event.request;
  const rest = list.filter((x) => x.id !== q.id);
  if (q.status !== 'waiting') return rest;
  if (event.type !== 'remote_support.request_created' && event.type !== 'remote_support.request_overdue') return rest;
  if (event.type === 'remote_support.request_overdue' && rest.length === list.length) return [...list];
  return [...rest, q].sort((a, b) => a.created_at - b.created_at || a.id - b.id);
}
