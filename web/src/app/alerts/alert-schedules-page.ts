import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiError } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { UiBadge } from '../ui/badge';
import { UiButton } from '../ui/button';
import { UiDialog } from '../ui/dialog';
import { UiEmptyState } from '../ui/empty-state';
import { UiIcon } from '../ui/icon';
import { UiSkeleton } from '../ui/skeleton';
import { Toasts } from '../ui/toast';
import { formatWhen } from './alert-format';
import { SCHEDULE_STATE_WORD, describeRule, describeWhen } from './alert-schedule-format';
import { AlertSchedule, AlertsApi } from './alerts-api';

/**
 * /alerts/schedules (admins and team leads): my scheduled alerts (an admin's: everyone's),
 * when each goes out (a wall-clock time in its zone, or in each recipient's own), its rule,
 * the next occurrence in my time zone, and pause, resume and delete (its sender or an admin;
 * the server refuses anyone else). New ones are made in the composer ("Later").
 */
@Component({
  selector: 'mer-alert-schedules-page',
  imports: [RouterLink, UiBadge, UiButton, UiEmptyState, UiIcon, UiSkeleton],
  template: `
    <section class="page">
      <header class="page-header">
        <div>
          <h1>Scheduled alerts</h1>
          <p>Alerts that go out at a set time, once or repeating, in one time zone or in each recipient's own.</p>
        </div>
        <div class="links">
          <a uiButton="ghost" routerLink="/alerts">Sent alerts</a>
          <a uiButton="primary" routerLink="/alerts/new" [queryParams]="{ when: 'later' }" data-testid="schedule-new"><ui-icon name="clock" /> New scheduled alert</a>
        </div>
      </header>
      @if (error(); as text) {
        <div class="alert alert-error" role="alert">{{ text }}</div>
      }
      @if (schedules(); as list) {
        @if (list.length === 0) {
          <ui-empty-state heading="Nothing scheduled" text="Schedule an alert for a time in a time zone, or for 09:00 in each recipient's own, once or repeating." />
        } @else {
          <div class="table-wrap">
            <table class="data cards" aria-label="Scheduled alerts">
              <thead><tr><th scope="col">Alert</th><th scope="col">When</th><th scope="col">Repeats</th><th scope="col">Next</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                @for (s of list; track s.id) {
                  <tr data-testid="schedule-row" [attr.data-id]="s.id">
                    <td data-label="Alert">{{ s.title }}@if (s.fired_count > 0) {<span class="muted small"> · sent {{ s.fired_count }}×</span>}</td>
                    <td data-label="When" data-testid="schedule-when">{{ whenText(s) }}</td>
                    <td data-label="Repeats" data-testid="schedule-rule">{{ ruleText(s.rrule) }}</td>
                    <td data-label="Next" data-testid="schedule-next">{{ s.next_at && s.state === 'active' ? when(s.next_at) : '—' }}</td>
                    <td data-label="State"><ui-badge [tone]="tone(s)" data-testid="schedule-state">{{ stateWord[s.state] }}</ui-badge></td>
                    <td class="actions">
                      @if (s.state === 'active') {
                        <button type="button" uiButton="ghost" uiSize="sm" [disabled]="busy() === s.id" (click)="change(s, 'pause')" data-testid="schedule-pause">Pause</button>
                      } @else if (s.state === 'paused') {
                        <button type="button" uiButton="ghost" uiSize="sm" [disabled]="busy() === s.id" (click)="change(s, 'resume')" data-testid="schedule-resume">Resume</button>
                      }
                      @if (s.state === 'active' || s.state === 'paused') {
                        <button type="button" uiButton="ghost" uiSize="sm" [disabled]="busy() === s.id" (click)="remove(s)" [attr.aria-label]="'Delete ' + s.title" data-testid="schedule-delete"><ui-icon name="trash" /> Delete</button>
                      }
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      } @else if (!error()) {
        <ui-skeleton [lines]="4" label="Loading the scheduled alerts" />
      }
    </section>
  `,
  styles: `
    .links { display: flex; gap: var(--space-2); flex-wrap: wrap; }
    .actions { display: flex; gap: var(--space-1); flex-wrap: wrap; justify-content: flex-end; }
    .small { font-size: var(--text-sm); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertSchedulesPage {
  private readonly api = inject(AlertsApi);
  private readonly session = inject(SessionStore);
  private readonly dialogs = inject(UiDialog);
  private readonly toasts = inject(Toasts);
  protected readonly schedules = signal<AlertSchedule[] | null>(null);
  protected readonly error = signal('');
  protected readonly busy = signal<number | null>(null);
  protected readonly stateWord = SCHEDULE_STATE_WORD;

  constructor() {
    this.api.schedules().then(
      (page) => this.schedules.set(page.items),
      (e) => this.error.set(e instanceof ApiError ? e.message : 'The scheduled alerts could not be loaded.'),
    );
  }

  protected whenText(s: AlertSchedule): string {
    return describeWhen(s);
  }

  protected ruleText(rrule: string): string {
    return describeRule(rrule);
  }

  /** In my own time zone. */
  protected when(t: number): string {
    return formatWhen(t, this.session.user()?.time_zone);
  }

  protected tone(s: AlertSchedule): 'ok' | 'warn' | 'neutral' {
    return s.state === 'active' ? 'ok' : s.state === 'paused' ? 'warn' : 'neutral';
  }

  protected async remove(s: AlertSchedule): Promise<void> {
    const ok = await this.dialogs.confirm({
      title: 'Delete this scheduled alert?',
      message: `“${s.title}” will not be sent again. Alerts it already sent stay.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (ok) await this.change(s, 'cancel');
  }

  protected async change(s: AlertSchedule, change: 'pause' | 'resume' | 'cancel'): Promise<void> {
    this.busy.set(s.id);
    this.error.set('');
    try {
      const updated = await this.api.changeSchedule(s.id, change);
      this.schedules.update((list) => (list ?? []).map((x) => (x.id === updated.id ? updated : x)));
      if (change === 'cancel') this.toasts.show(`Deleted “${s.title}”`, { tone: 'ok' });
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : 'The schedule could not be changed; try again.');
    } finally {
      this.busy.set(null);
    }
  }
}
