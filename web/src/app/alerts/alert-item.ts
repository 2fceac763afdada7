import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { SessionStore } from '../core/session.store';
import { UiBadge } from '../ui/badge';
import { UiButton } from '../ui/button';
import { UiInput } from '../ui/form-controls';
import { UiIcon } from '../ui/icon';
import { AlertView } from './alerts-api';
import { AlertsStore, needsMyAck } from './alerts-store';
import { CATEGORY_WORD, PRIORITY_LOOK, formatWhen, shownPriority } from './alert-format';

/** One alert in the notification center: priority (icon and word), what it says, and Acknowledge. */
@Component({
  selector: 'mer-alert-item',
  imports: [RouterLink, UiBadge, UiButton, UiIcon, UiInput],
  template: `
    @let a = alert();
    <article class="item" [class.unread]="unread()" [attr.data-priority]="priority()" data-testid="alert-item" [attr.aria-labelledby]="'alert-title-' + a.id">
      <div class="meta">
        <ui-badge [tone]="look().tone"><ui-icon [name]="look().icon" /> {{ look().word }}</ui-badge>
        <span class="muted">{{ category() }}</span>
        @if (a.status === 'resolved') {
          <ui-badge tone="ok">Resolved</ui-badge>
        } @else if (a.me?.acknowledged_at) {
          <ui-badge tone="ok"><ui-icon name="check" /> You acknowledged</ui-badge>
        } @else if (a.status === 'acknowledged') {
          <ui-badge>Acknowledged</ui-badge>
        }
        @if (unread()) {
          <span class="dot" aria-label="Unread" role="img"></span>
        }
      </div>
      <h3 [id]="'alert-title-' + a.id">{{ a.title }}</h3>
      @if (a.body) {
        <p class="body">{{ a.body }}</p>
      }
      <p class="from muted">{{ a.sender.name || 'Meridian' }} · <time>{{ when() }}</time>@if (a.repeat_count > 1) { · {{ a.repeat_count }} times}</p>
      @if (a.me?.comment; as comment) {
        <p class="comment muted">Your comment: {{ comment }}</p>
      }
      @if (waiting()) {
        <form class="ack" (submit)="acknowledge($event)">
          <label class="sr-only" [for]="'alert-comment-' + a.id">Comment (optional)</label>
          <input uiInput type="text" [id]="'alert-comment-' + a.id" placeholder="Comment (optional)" maxlength="2000" [value]="comment()" (input)="comment.set($any($event.target).value)" data-testid="alert-comment" />
          <button type="submit" uiButton="primary" uiSize="sm" [disabled]="busy()" data-testid="alert-ack">{{ busy() ? 'Acknowledging…' : 'Acknowledge' }}</button>
        </form>
        @if (error(); as text) {
          <p class="field-error" role="alert">{{ text }}</p>
        }
      }
      @if (isAdmin()) {
        <a class="track" [routerLink]="['/alerts', a.id]">Track receipts</a>
      }
    </article>
  `,
  styles: `
    .item { padding: var(--space-3) var(--space-4); border-bottom: 1px solid var(--border); }
    .item.unread { background: var(--brand-soft); }
    .meta { display: flex; align-items: center; gap: var(--space-2); flex-wrap: wrap; font-size: var(--text-xs); }
    .badge { display: inline-flex; align-items: center; gap: var(--space-1); }
    .dot { width: 8px; height: 8px; border-radius: var(--radius-full); background: var(--brand); margin-left: auto; }
    h3 { margin: var(--space-1) 0 0; font-size: var(--text-md); }
    .body { margin: var(--space-1) 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    .from, .comment { margin: var(--space-1) 0 0; font-size: var(--text-xs); }
    .ack { display: flex; gap: var(--space-2); margin-top: var(--space-2); }
    .ack input { flex: 1; min-width: 0; }
    .track { display: inline-block; margin-top: var(--space-2); font-size: var(--text-xs); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertItem {
  private readonly store = inject(AlertsStore);
  private readonly session = inject(SessionStore);
  readonly alert = input.required<AlertView>();

  protected readonly comment = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal('');
  protected readonly isAdmin = this.session.isAdmin;
  protected readonly priority = computed(() => shownPriority(this.alert()));
  protected readonly look = computed(() => PRIORITY_LOOK[this.priority()]);
  protected readonly category = computed(() => CATEGORY_WORD[this.alert().category]);
  protected readonly waiting = computed(() => needsMyAck(this.alert()));
  protected readonly unread = computed(() => !!this.alert().me && !this.alert().me?.read_at && this.alert().status !== 'resolved');
  protected readonly when = computed(() => formatWhen(this.alert().created_at, this.session.user()?.time_zone));

  protected async acknowledge(event: Event): Promise<void> {
    event.preventDefault();
    this.busy.set(true);
    this.error.set('');
    try {
      await this.store.acknowledge(this.alert().id, this.comment());
      this.comment.set('');
    } catch (e) {
      this.error.set((e as Error).message);
    } finally {
      this.busy.set(false);
    }
  }
}
