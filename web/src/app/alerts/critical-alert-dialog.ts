import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { PAGE_VISIBLE } from '../chat/chat-tokens';
import { SessionStore } from '../core/session.store';
import { UiButton } from '../ui/button';
import { UiInput } from '../ui/form-controls';
import { UiIcon } from '../ui/icon';
import { AlertsStore } from './alerts-store';
import { CATEGORY_WORD, formatWhen } from './alert-format';

export const CRITICAL_TITLE_ID = 'critical-alert-title';
export const CRITICAL_BODY_ID = 'critical-alert-body';

/**
 * The critical alert modal (role="alertdialog", opened by the bell with disableClose: Escape
 * and the backdrop do not dismiss it). It shows the oldest critical alert waiting for my
 * acknowledgement, then the next; the bell closes it when none is left (acknowledged, or
 * resolved by the sender). Opening it is the read receipt, once the tab is visible.
 */
@Component({
  selector: 'mer-critical-alert-dialog',
  imports: [UiButton, UiIcon, UiInput],
  template: `
    @if (alert(); as a) {
      <header class="head">
        <p class="kind"><ui-icon name="siren" /> Critical alert · {{ category() }}@if (queued() > 1) { <span class="muted">· 1 of {{ queued() }}</span>}</p>
        <h2 [id]="titleId">{{ a.title }}</h2>
      </header>
      <div class="body">
        <p [id]="bodyId" class="text">{{ a.body || 'No details were given.' }}</p>
        <p class="from muted">From {{ a.sender.name || 'Meridian' }} · <time>{{ when() }}</time></p>
        <form (submit)="acknowledge($event)" id="critical-ack-form">
          <label class="field">
            <span>Comment (optional)</span>
            <textarea uiInput rows="2" maxlength="2000" [value]="comment()" (input)="comment.set($any($event.target).value)" placeholder="e.g. On my way" data-testid="critical-comment"></textarea>
          </label>
        </form>
        @if (error(); as text) {
          <p class="field-error" role="alert">{{ text }}</p>
        }
      </div>
      <footer>
        <button type="submit" form="critical-ack-form" id="critical-ack" uiButton="danger" uiSize="lg" class="ack" [disabled]="busy()" data-testid="critical-ack">
          <ui-icon name="check" /> {{ busy() ? 'Acknowledging…' : 'Acknowledge' }}
        </button>
      </footer>
    }
  `,
  styles: `
    :host { display: block; border-top: 6px solid var(--danger); }
    .kind { display: flex; align-items: center; gap: var(--space-2); margin: 0; color: var(--danger-text); font-weight: var(--weight-bold); font-size: var(--text-sm); text-transform: uppercase; letter-spacing: 0.03em; }
    h2 { margin: var(--space-2) 0 0; font-size: var(--text-xl); }
    .text { white-space: pre-wrap; overflow-wrap: anywhere; font-size: var(--text-lg); margin: 0 0 var(--space-2); }
    .from { font-size: var(--text-xs); margin: 0 0 var(--space-3); }
    .field { margin-bottom: var(--space-2); }
    .ack { width: 100%; justify-content: center; font-size: var(--text-lg); }
  `,
  host: { 'data-testid': 'critical-alert' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CriticalAlertDialog {
  private readonly store = inject(AlertsStore);
  private readonly session = inject(SessionStore);
  private readonly pageVisible = inject(PAGE_VISIBLE);

  protected readonly titleId = CRITICAL_TITLE_ID;
  protected readonly bodyId = CRITICAL_BODY_ID;
  protected readonly alert = this.store.modalAlert;
  protected readonly queued = computed(() => this.store.modalQueue().length);
  protected readonly category = computed(() => CATEGORY_WORD[this.alert()?.category ?? 'emergency']);
  protected readonly when = computed(() => {
    const a = this.alert();
    return a ? formatWhen(a.created_at, this.session.user()?.time_zone) : '';
  });
  protected readonly comment = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal('');

  constructor() {
    const markSeen = () => {
      const id = this.alert()?.id;
      if (id !== undefined && this.pageVisible()) void this.store.markRead([id]);
    };
    effect(() => {
      this.alert()?.id; // each alert the modal shows is read once seen
      untracked(markSeen);
    });
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', markSeen);
      inject(DestroyRef).onDestroy(() => document.removeEventListener('visibilitychange', markSeen));
    }
  }

  protected async acknowledge(event: Event): Promise<void> {
    event.preventDefault();
    const a = this.alert();
    if (!a || this.busy()) return;
    this.busy.set(true);
    this.error.set('');
    try {
      await this.store.acknowledge(a.id, this.comment());
      this.comment.set('');
    } catch (e) {
      this.error.set(`${(e as Error).message} The alert stays open until it is acknowledged.`);
    } finally {
      this.busy.set(false);
    }
  }
}
