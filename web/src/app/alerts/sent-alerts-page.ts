import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { ApiError } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { UiBadge } from '../ui/badge';
import { UiButton } from '../ui/button';
import { UiEmptyState } from '../ui/empty-state';
import { UiIcon } from '../ui/icon';
import { UiSkeleton } from '../ui/skeleton';
import { Alert, AlertsApi } from './alerts-api';
import { PRIORITY_LOOK, formatWhen, shownPriority } from './alert-format';

/** /alerts (admins and team leads): the alerts I sent, newest first, each leading to its tracking view. */
@Component({
  selector: 'mer-sent-alerts-page',
  imports: [RouterLink, UiBadge, UiButton, UiEmptyState, UiIcon, UiSkeleton],
  template: `
    <section class="page">
      <header class="page-header">
        <div>
          <h1>Sent alerts</h1>
          <p>Who received, read and acknowledged each alert you sent.</p>
        </div>
        <div class="links">
          <a uiButton="ghost" routerLink="/alerts/schedules" data-testid="sent-schedules"><ui-icon name="clock" /> Scheduled</a>
          @if (session.isAdmin()) {
            <a uiButton="ghost" routerLink="/alerts/integrations" data-testid="sent-integrations"><ui-icon name="siren" /> Integrations</a>
          }
          <a uiButton="primary" routerLink="/alerts/new" data-testid="sent-new"><ui-icon name="send" /> New alert</a>
        </div>
      </header>
      @if (error(); as text) {
        <div class="alert alert-error" role="alert">{{ text }}</div>
      }
      @if (alerts(); as list) {
        @if (list.length === 0) {
          <ui-empty-state heading="No alerts sent yet" text="Send one to a country, a team, some people or a role, and follow its receipts here." action="New alert" (act)="compose()" />
        } @else {
          <div class="table-wrap">
            <table class="data cards" aria-label="Sent alerts">
              <thead><tr><th scope="col">Alert</th><th scope="col">Priority</th><th scope="col">Status</th><th scope="col">Acknowledged</th><th scope="col">Sent</th></tr></thead>
              <tbody>
                @for (a of list; track a.id) {
                  <tr data-testid="sent-row">
                    <td><a [routerLink]="['/alerts', a.id]">{{ a.title }}</a></td>
                    <td><ui-badge [tone]="look(a).tone"><ui-icon [name]="look(a).icon" /> {{ look(a).word }}</ui-badge></td>
                    <td>{{ a.status === 'resolved' ? 'Resolved' : a.status === 'acknowledged' ? 'Acknowledged' : 'Open' }}</td>
                    <td>{{ a.ack_count }} of {{ a.recipient_count }} acknowledged</td>
                    <td>{{ when(a.created_at) }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      } @else if (!error()) {
        <ui-skeleton [lines]="4" label="Loading your alerts" />
      }
    </section>
  `,
  styles: `.badge { display: inline-flex; align-items: center; gap: var(--space-1); } .links { display: flex; gap: var(--space-2); flex-wrap: wrap; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SentAlertsPage {
  private readonly api = inject(AlertsApi);
  protected readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  protected readonly alerts = signal<Alert[] | null>(null);
  protected readonly error = signal('');

  constructor() {
    this.api.sent().then(
      (page) => this.alerts.set(page.items),
      (e) => this.error.set(e instanceof ApiError ? e.message : 'Your alerts could not be loaded.'),
    );
  }

  protected look(a: Alert) {
    return PRIORITY_LOOK[shownPriority(a)];
  }

  protected when(t: number): string {
    return formatWhen(t, this.session.user()?.time_zone);
  }

  protected compose(): void {
    void this.router.navigate(['/alerts/new']);
  }
}
