import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { SessionStore } from '../core/session.store';
import { countryFlag } from '../core/local-time';
import { UiBadge } from '../ui/badge';
import { UiButton } from '../ui/button';
import { UiDialog } from '../ui/dialog';
import { UiEmptyState } from '../ui/empty-state';
import { UiInput } from '../ui/form-controls';
import { UiIcon } from '../ui/icon';
import { UiSkeleton } from '../ui/skeleton';
import { Toasts } from '../ui/toast';
import { AlertTrackingStore, StateFilter } from './alert-tracking-store';
import { CATEGORY_WORD, PRIORITY_LOOK, RECEIPT_TONE, RECEIPT_WORD, formatWhen, receiptState, receiptsCsv, shownPriority } from './alert-format';

const STATE_FILTERS: { id: StateFilter; label: string }[] = [
  { id: 'all', label: 'Every state' },
  { id: 'pending', label: 'Not delivered yet' },
  { id: 'delivered', label: 'Delivered, not read' },
  { id: 'read', label: 'Read, not acknowledged' },
  { id: 'acknowledged', label: 'Acknowledged' },
  { id: 'not-acknowledged', label: 'Not acknowledged' },
];

/** /alerts/:id: who received, read and acknowledged one alert, live; Resolve; CSV export. */
@Component({
  selector: 'mer-alert-tracking-page',
  imports: [RouterLink, UiBadge, UiButton, UiEmptyState, UiIcon, UiInput, UiSkeleton],
  providers: [AlertTrackingStore],
  templateUrl: './alert-tracking-page.html',
  styleUrl: './alert-tracking-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertTrackingPage {
  protected readonly store = inject(AlertTrackingStore);
  private readonly session = inject(SessionStore);
  private readonly dialogs = inject(UiDialog);
  private readonly toasts = inject(Toasts);

  /** The route's :id. */
  readonly id = input.required<string>();

  protected readonly stateFilters = STATE_FILTERS;
  protected readonly receiptWord = RECEIPT_WORD;
  protected readonly receiptTone = RECEIPT_TONE;
  protected readonly state = receiptState;
  protected readonly flag = countryFlag;
  protected readonly resolving = signal(false);
  protected readonly exporting = signal(false);
  protected readonly actionError = signal('');

  protected readonly look = computed(() => {
    const a = this.store.alert();
    return a ? PRIORITY_LOOK[shownPriority(a)] : null;
  });
  protected readonly category = computed(() => CATEGORY_WORD[this.store.alert()?.category ?? 'announcement']);
  protected readonly ackRule = computed(() => {
    const a = this.store.alert();
    if (!a) return '';
    if (a.quorum) {
      const from = a.quorum.countries?.length ? ` from ${a.quorum.countries.join(', ')}` : '';
      return `Needs ${a.quorum.count} acknowledgements${from}`;
    }
    return a.require_ack ? 'Needs everyone’s acknowledgement' : 'The first acknowledgement is enough';
  });
  protected readonly statusWord = computed(() => {
    switch (this.store.alert()?.status) {
      case 'resolved':
        return 'Resolved';
      case 'acknowledged':
        return 'Acknowledged';
      default:
        return 'Open';
    }
  });

  constructor() {
    effect(() => {
      const id = Number(this.id());
      untracked(() => void this.store.load(id));
    });
  }

  protected when(t: number | null): string {
    return t ? formatWhen(t, this.session.user()?.time_zone) : '—';
  }

  protected setState(value: string): void {
    this.store.state.set(value as StateFilter);
  }

  protected async resolve(): Promise<void> {
    const a = this.store.alert();
    if (!a) return;
    const ok = await this.dialogs.confirm({
      title: 'Resolve this alert?',
      message: `“${a.title}” closes for everyone: open modals go away and nobody needs to acknowledge it any more.`,
      confirmLabel: 'Resolve',
    });
    if (!ok) return;
    this.resolving.set(true);
    this.actionError.set('');
    try {
      await this.store.resolve();
      this.toasts.show(`Resolved: ${a.title}`, { tone: 'ok' });
    } catch (e) {
      this.actionError.set((e as Error).message);
    } finally {
      this.resolving.set(false);
    }
  }

  protected async exportCsv(): Promise<void> {
    const a = this.store.alert();
    if (!a) return;
    this.exporting.set(true);
    this.actionError.set('');
    try {
      const rows = await this.store.all();
      const blob = new Blob([receiptsCsv(rows)], { type: 'text/csv;charset=utf-8' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `alert-${a.id}-receipts.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch {
      this.actionError.set('The recipients could not be loaded for the export; try again.');
    } finally {
      this.exporting.set(false);
    }
  }
}
