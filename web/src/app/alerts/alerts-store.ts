import { Injectable, computed, inject, signal } from '@angular/core';
import { Subscription } from 'rxjs';
import { ApiError } from '../core/api-error';
import { RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { PAGE_VISIBLE } from '../chat/chat-tokens';
import { Alert, AlertView, AlertsApi } from './alerts-api';
import { BROWSER_NOTIFICATIONS, NotificationState } from '../core/browser-notifications';
import { PRIORITY_LOOK, shownPriority } from './alert-format';
import './alert-events';

/** Still waiting for my acknowledgement: open (or interrupting and not resolved), and I have not acknowledged. */
export function needsMyAck(a: AlertView): boolean {
  return !!a.me && !a.me.acknowledged_at && a.status !== 'resolved' && (a.status === 'open' || a.interrupts);
}

/** Unread: no read receipt of mine yet, and not resolved. */
export function isUnread(a: AlertView): boolean {
  return !!a.me && !a.me.read_at && a.status !== 'resolved';
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong; try again.';
}

const newestFirst = (a: AlertView, b: AlertView) => b.created_at - a.created_at || b.id - a.id;

/**
 * The notification center's state: the alerts I received, with my receipts. Started by the
 * bell in the shell (start/stop), it lists GET /alerts on every (re)connect, sends the
 * delivered receipt (`alert.received`) for each alert that has none, adds `alert.new` live,
 * and applies `alert.updated` (resolved closes the critical modal). The critical modal shows
 * the oldest interrupting alert still waiting for my acknowledgement.
 */
@Injectable({ providedIn: 'root' })
export class AlertsStore {
  private readonly api = inject(AlertsApi);
  private readonly realtime = inject(RealtimeService);
  private readonly session = inject(SessionStore);
  private readonly pageVisible = inject(PAGE_VISIBLE);
  private readonly notifications = inject(BROWSER_NOTIFICATIONS);

  private readonly itemsState = signal<AlertView[]>([]);
  private readonly loadedState = signal(false);
  private readonly errorState = signal('');
  private readonly permissionState = signal<NotificationState>(this.notifications.permission());
  private subscriptions: Subscription[] = [];
  private readonly reading = new Set<number>();
  private loadSeq = 0;

  readonly alerts = this.itemsState.asReadonly();
  readonly loaded = this.loadedState.asReadonly();
  readonly error = this.errorState.asReadonly();
  /** Desktop notifications: 'default' until the person chose (ask from a click only). */
  readonly permission = this.permissionState.asReadonly();

  readonly unread = computed(() => this.itemsState().filter(isUnread));
  readonly unreadCount = computed(() => this.unread().length);
  readonly toAcknowledge = computed(() => this.itemsState().filter(needsMyAck));
  /** The tab title's count. */
  readonly needsAckCount = computed(() => this.toAcknowledge().length);
  readonly critical = computed(() => this.itemsState().filter((a) => a.interrupts));
  /** Interrupting alerts waiting for me, oldest first: the modal shows the first. */
  readonly modalQueue = computed(() => this.toAcknowledge().filter((a) => a.interrupts).reverse());
  readonly modalAlert = computed(() => this.modalQueue()[0] ?? null);

  get started(): boolean {
    return this.subscriptions.length > 0;
  }

  /** Begins listening; lists now when the link is already up, else on its `hello`. */
  start(): void {
    if (this.started) return;
    this.subscriptions = [
      this.realtime.messages('hello').subscribe(() => void this.load()),
      this.realtime.messages('alert.new').subscribe((event) => this.onNew(event.alert)),
      this.realtime.messages('alert.updated').subscribe((event) => this.onUpdated(event.alert)),
    ];
    if (this.realtime.status() === 'connected') void this.load();
  }

  /** Stops and forgets everything (signed out: the next person starts empty). */
  stop(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
    this.subscriptions = [];
    this.loadSeq++;
    this.itemsState.set([]);
    this.loadedState.set(false);
    this.errorState.set('');
    this.reading.clear();
  }

  /** Lists my alerts and sends the delivered receipt for those that have none yet. */
  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const { items } = await this.api.received();
      if (seq !== this.loadSeq) return;
      const listed = new Map(items.map((a) => [a.id, a]));
      // Alerts that arrived live while the list was on its way stay.
      const live = this.itemsState().filter((a) => !listed.has(a.id));
      this.itemsState.set([...items, ...live].sort(newestFirst));
      this.loadedState.set(true);
      this.errorState.set('');
      for (const a of items) if (a.me && !a.me.delivered_at) this.sendReceived(a.id);
    } catch (error) {
      if (seq === this.loadSeq) this.errorState.set(describe(error));
    }
  }

  /** The read receipt for these (those already read are skipped). */
  async markRead(ids: readonly number[]): Promise<void> {
    const todo = this.itemsState().filter((a) => ids.includes(a.id) && a.me && !a.me.read_at && !this.reading.has(a.id));
    await Promise.all(
      todo.map(async (a) => {
        this.reading.add(a.id);
        try {
          this.replace(await this.api.markRead(a.id));
        } catch {
          // Not fatal: it stays unread and is marked the next time.
        } finally {
          this.reading.delete(a.id);
        }
      }),
    );
  }

  /** Acknowledges with an optional comment; rejects with a message to show. */
  async acknowledge(id: number, comment = ''): Promise<void> {
    try {
      this.replace(await this.api.acknowledge(id, comment));
    } catch (error) {
      throw new Error(describe(error));
    }
  }

  /** Asks for desktop notifications: call from a click only. */
  async requestPermission(): Promise<void> {
    this.permissionState.set(await this.notifications.request());
  }

  private onNew(alert: Alert): void {
    const existing = this.itemsState().find((a) => a.id === alert.id);
    const me = existing?.me ?? {
      user_id: this.session.user()?.id ?? 0,
      display_name: this.session.user()?.display_name ?? '',
      country: this.session.user()?.country ?? '',
      delivered_at: null,
      read_at: null,
      acknowledged_at: null,
      comment: '',
    };
    this.upsert({ ...alert, me });
    if (!me.delivered_at) this.sendReceived(alert.id);
    if (!this.pageVisible() && this.permissionState() === 'granted') {
      const look = PRIORITY_LOOK[shownPriority(alert)];
      this.notifications.show(`${look.word}: ${alert.title}`, {
        body: alert.body.slice(0, 200),
        tag: `alert-${alert.id}`,
        requireInteraction: alert.interrupts,
      });
    }
  }

  private onUpdated(alert: Alert): void {
    // The sender hears it too; only alerts I received are in the center.
    const existing = this.itemsState().find((a) => a.id === alert.id);
    if (existing) this.replace({ ...alert, me: existing.me });
  }

  private sendReceived(id: number): void {
    if (!this.realtime.notify('alert.received', { alert_id: id })) return; // sent on the next connect
    const now = Date.now();
    this.itemsState.update((list) =>
      list.map((a) => (a.id === id && a.me && !a.me.delivered_at ? { ...a, me: { ...a.me, delivered_at: now } } : a)),
    );
  }

  private upsert(alert: AlertView): void {
    this.itemsState.update((list) => [alert, ...list.filter((a) => a.id !== alert.id)].sort(newestFirst));
  }

  private replace(alert: AlertView): void {
    this.itemsState.update((list) => list.map((a) => (a.id === alert.id ? alert : a)));
  }
}
