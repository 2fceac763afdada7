import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { WorkingHours } from '../core/api-types';
import { isValidTimeZone, isWithinWorkingHours, formatLocalTime } from '../core/local-time';
import { RealtimeService } from '../core/realtime.service';
import { PresenceMode, PresenceStatus } from './presence-events';

export interface PresenceInfo {
  user_id: number;
  status: PresenceStatus;
  status_text: string;
  country?: string;
  time_zone?: string;
  working_hours?: WorkingHours;
  /** The server's answer (availability: hours per weekday, travel zone, holidays, days off) when fetched. */
  working_now?: boolean;
  /** When `working_now` was fetched (ms). */
  checked_at?: number;
}

/** How long the server's working_now stands before the weekly band decides again. */
export const WORKING_NOW_FRESH_MS = 10 * 60_000;

/** No input for this long (or the tab hidden) reports this tab idle; all tabs idle = away. */
export const IDLE_AFTER_MS = new InjectionToken<number>('IDLE_AFTER_MS', { providedIn: 'root', factory: () => 5 * 60_000 });
const MAX_IDS = 200;
/** The server follows at most this many people per socket (`presence.subscribe`). */
export const MAX_SUBSCRIPTIONS = 500;

/** "Lisbon" from "Europe/Lisbon", "Ho Chi Minh" from "Asia/Ho_Chi_Minh". */
export function cityOf(timeZone: string): string {
  return (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ');
}

/** "22:14 in Lisbon, outside working hours" (empty when the person's zone is unknown). */
export function describeLocalTime(info: PresenceInfo | undefined, now: number): string {
  if (!info?.time_zone || !isValidTimeZone(info.time_zone)) return '';
  const time = formatLocalTime(now, info.time_zone);
  const where = `${time} in ${cityOf(info.time_zone)}`;
  const fresh = typeof info.working_now === 'boolean' && info.checked_at !== undefined && Math.abs(now - info.checked_at) < WORKING_NOW_FRESH_MS;
  if (fresh) return `${where}, ${info.working_now ? 'inside' : 'outside'} working hours`;
  if (!info.working_hours) return where;
  const inside = isWithinWorkingHours(now, info.working_hours, info.time_zone);
  return `${where}, ${inside ? 'inside' : 'outside'} working hours`;
}

export function statusLabel(status: PresenceStatus | undefined): string {
  switch (status) {
    case 'online':
      return 'Active';
    case 'away':
      return 'Away';
    case 'dnd':
      return 'Do not disturb';
    default:
      return 'Offline';
  }
}

/**
 * The person's country as text ("PT"), for titles and one-line descriptions where a flag
 * picture can't go: a flag emoji shows as empty boxes without an emoji font.
 */
export function flagOf(info: PresenceInfo | undefined): string {
  const code = info?.country;
  return code && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : '';
}

/**
 * Presence of the people the chat shows: fetched over REST for the ids it is asked about
 * (with country and working hours), kept current by `presence` batches for the people this
 * socket subscribed to (`presence.subscribe`, the most recent 500, sent again after each
 * reconnect); reports this tab's idleness and my chosen mode.
 */
@Injectable()
export class PresenceStore {
  private readonly http = inject(HttpClient);
  private readonly realtime = inject(RealtimeService);
  private readonly idleAfter = inject(IDLE_AFTER_MS);

  private readonly state = signal<ReadonlyMap<number, PresenceInfo>>(new Map());
  private readonly requested = new Set<number>(); // oldest first
  private subscribeQueued = false;
  private readonly modeState = signal<PresenceMode>('auto');
  private readonly statusTextState = signal('');
  private idle = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  readonly all = this.state.asReadonly();
  readonly mode = this.modeState.asReadonly();
  readonly statusText = this.statusTextState.asReadonly();

  constructor() {
    const subscriptions = [
      this.realtime.messages('presence').subscribe((event) => this.apply(event.users)),
      this.realtime.messages('hello').subscribe(() => this.onHello()),
    ];
    const activity = () => this.active();
    const visibility = () => (document.visibilityState === 'hidden' ? this.setIdle(true) : this.active());
    if (typeof document !== 'undefined') {
      for (const type of ['keydown', 'pointerdown', 'pointermove', 'wheel']) document.addEventListener(type, activity, { passive: true });
      document.addEventListener('visibilitychange', visibility);
    }
    this.armIdleTimer();
    inject(DestroyRef).onDestroy(() => {
      for (const s of subscriptions) s.unsubscribe();
      if (this.idleTimer) clearTimeout(this.idleTimer);
      if (typeof document !== 'undefined') {
        for (const type of ['keydown', 'pointerdown', 'pointermove', 'wheel']) document.removeEventListener(type, activity);
        document.removeEventListener('visibilitychange', visibility);
      }
    });
  }

  get(userId: number): PresenceInfo | undefined {
    return this.state().get(userId);
  }

  /** Asks the server about these people once (and again after each reconnect). */
  async want(userIds: Iterable<number>): Promise<void> {
    const fresh = [...new Set(userIds)].filter((id) => id > 0 && !this.requested.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.requested.add(id);
    for (const id of this.requested) {
      if (this.requested.size <= MAX_SUBSCRIPTIONS) break;
      this.requested.delete(id); // forget the oldest: asked again (REST) if shown again
    }
    this.queueSubscribe();
    await this.fetch(fresh);
  }

  /** The ids this socket follows (what the next `presence.subscribe` sends). */
  subscribed(): number[] {
    return [...this.requested];
  }

  /** One presence.subscribe per tick however many want() calls came in it. */
  private queueSubscribe(): void {
    if (this.subscribeQueued) return;
    this.subscribeQueued = true;
    queueMicrotask(() => {
      this.subscribeQueued = false;
      this.subscribe();
    });
  }

  private subscribe(): void {
    if (this.realtime.status() !== 'connected') return; // sent on the next hello
    this.realtime.request('presence.subscribe', { user_ids: [...this.requested] }).then(
      (reply) => {
        if (reply.type === 'presence.subscribed') this.apply(reply.users);
      },
      () => undefined,
    );
  }

  /** presence.set: auto / away / dnd and a custom status text. */
  async choose(mode: PresenceMode, statusText: string): Promise<void> {
    this.modeState.set(mode);
    this.statusTextState.set(statusText);
    if (this.realtime.status() !== 'connected') return; // sent on the next hello
    await this.realtime.request('presence.set', { mode, status_text: statusText }).then(
      (reply) => {
        if (reply.type === 'presence.ack') this.apply([reply.presence]);
      },
      () => undefined,
    );
  }

  /** Merges `presence` batches (status only; locale comes from REST). */
  apply(users: readonly { user_id: number; status: PresenceStatus; status_text: string }[]): void {
    if (users.length === 0) return;
    this.state.update((all) => {
      const next = new Map(all);
      for (const u of users) next.set(u.user_id, { ...(all.get(u.user_id) ?? {}), ...u });
      return next;
    });
  }

  private async fetch(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += MAX_IDS) {
      const chunk = ids.slice(i, i + MAX_IDS);
      try {
        const page = await firstValueFrom(
          this.http.get<{ items: PresenceInfo[] }>(`${API_BASE}/presence`, { params: { user_ids: chunk.join(',') } }),
        );
        this.state.update((all) => {
          const next = new Map(all);
          const checked_at = Date.now();
          for (const item of page.items) next.set(item.user_id, { ...item, checked_at });
          return next;
        });
      } catch {
        for (const id of chunk) this.requested.delete(id); // asked again next time
      }
    }
  }

  private onHello(): void {
    // The new socket starts active with the default mode: tell the server what this tab is.
    const mode = this.modeState();
    const text = this.statusTextState();
    if (mode !== 'auto' || text || this.idle) {
      this.realtime.notify('presence.set', { mode, status_text: text, idle: this.idle });
    }
    const known = [...this.requested];
    if (known.length) {
      this.subscribe(); // a new socket follows nobody
      void this.fetch(known);
    }
  }

  private lastActivity = 0;

  private active(): void {
    const now = Date.now();
    if (!this.idle && now - this.lastActivity < 5_000) return; // pointermove fires constantly
    this.lastActivity = now;
    this.armIdleTimer();
    if (this.idle) this.setIdle(false);
  }

  private armIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.setIdle(true), this.idleAfter);
  }

  private setIdle(idle: boolean): void {
    if (this.idle === idle) return;
    this.idle = idle;
    this.realtime.notify('presence.set', { idle });
  }
}
