import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { ApiError } from '../core/api-error';
import { RealtimeService } from '../core/realtime.service';
import { Alert, AlertReceipt, AlertsApi } from './alerts-api';
import { ReceiptState, receiptState } from './alert-format';
import './alert-events';

export type StateFilter = 'all' | ReceiptState | 'not-acknowledged';

function describe(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong; try again.';
}

/**
 * One alert's tracking view (its sender and admins): the alert, its recipients in cursor
 * pages (GET /alerts/{id}/recipients, following `next`), filters by country and receipt,
 * receipts live (`alert.receipt`: delivered, read, acknowledged), changes (`alert.updated`) and Resolve.
 */
@Injectable()
export class AlertTrackingStore {
  private readonly api = inject(AlertsApi);
  private readonly realtime = inject(RealtimeService);

  private readonly alertState = signal<Alert | null>(null);
  private readonly rowsState = signal<AlertReceipt[]>([]);
  private readonly nextState = signal<number | null>(null);
  private readonly loadingState = signal(false);
  private readonly errorState = signal('');
  private id: number | null = null;
  private seq = 0;

  readonly alert = this.alertState.asReadonly();
  readonly rows = this.rowsState.asReadonly();
  /** More pages exist on the server. */
  readonly hasMore = computed(() => this.nextState() !== null);
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();

  readonly country = signal('');
  readonly state = signal<StateFilter>('all');
  readonly countries = computed(() => [...new Set(this.rowsState().map((r) => r.country))].sort());
  readonly filtered = computed(() => {
    const country = this.country();
    const state = this.state();
    return this.rowsState().filter((r) => {
      if (country && r.country !== country) return false;
      if (state === 'all') return true;
      if (state === 'not-acknowledged') return !r.acknowledged_at;
      return receiptState(r) === state;
    });
  });
  /** Counts over the loaded rows: a receipt further on counts for the earlier ones too. */
  readonly totals = computed(() => {
    const rows = this.rowsState();
    return {
      loaded: rows.length,
      delivered: rows.filter((r) => r.delivered_at).length,
      read: rows.filter((r) => r.read_at).length,
      acknowledged: rows.filter((r) => r.acknowledged_at).length,
    };
  });

  constructor() {
    const subs = [
      this.realtime.messages('alert.receipt').subscribe((event) => {
        if (event.alert_id !== this.id) return;
        this.alertState.update((a) => (a ? { ...a, status: event.status, ack_count: event.ack_count } : a));
        this.upsert(event.receipt);
      }),
      this.realtime.messages('alert.updated').subscribe((event) => {
        if (event.alert.id === this.id) this.alertState.set(event.alert);
      }),
      // A new socket may have missed receipts meanwhile.
      this.realtime.messages('hello').subscribe(() => {
        if (this.id !== null && this.alertState()) void this.load(this.id);
      }),
    ];
    inject(DestroyRef).onDestroy(() => subs.forEach((s) => s.unsubscribe()));
  }

  async load(id: number): Promise<void> {
    const seq = ++this.seq;
    this.id = id;
    this.loadingState.set(true);
    this.errorState.set('');
    try {
      const [alert, page] = await Promise.all([this.api.get(id), this.api.recipients(id)]);
      if (seq !== this.seq) return;
      const { me: _mine, ...rest } = alert;
      this.alertState.set(rest);
      this.rowsState.set(page.items);
      this.nextState.set(page.next ?? null);
    } catch (error) {
      if (seq === this.seq) this.errorState.set(describe(error));
    } finally {
      if (seq === this.seq) this.loadingState.set(false);
    }
  }

  /** The next page of recipients. */
  async more(): Promise<void> {
    const next = this.nextState();
    if (next === null || this.id === null) return;
    const seq = this.seq;
    const page = await this.api.recipients(this.id, next);
    if (seq !== this.seq) return;
    const known = new Set(this.rowsState().map((r) => r.user_id));
    this.rowsState.update((rows) => [...rows, ...page.items.filter((r) => !known.has(r.user_id))]);
    this.nextState.set(page.next ?? null);
  }

  /** Every page (for the CSV export). */
  async all(): Promise<AlertReceipt[]> {
    while (this.nextState() !== null) await this.more();
    return this.rowsState();
  }

  async resolve(): Promise<void> {
    if (this.id === null) return;
    try {
      this.alertState.set(await this.api.resolve(this.id));
    } catch (error) {
      throw new Error(describe(error));
    }
  }

  private upsert(receipt: AlertReceipt): void {
    this.rowsState.update((rows) => {
      const i = rows.findIndex((r) => r.user_id === receipt.user_id);
      if (i < 0) return this.nextState() === null ? [...rows, receipt] : rows; // on a page not loaded yet
      const copy = rows.slice();
      copy[i] = receipt;
      return copy;
    });
  }
}
