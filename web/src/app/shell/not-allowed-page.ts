import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { SessionStore } from '../core/session.store';
import { UiButton } from '../ui/button';

/** Why a page is closed to this person, per area (the guard that sent them here says which). */
const REASONS: Record<string, string> = {
  admin: 'Administration is for users with the admin role. If you need it, ask an administrator of your Meridian.',
  chat: 'Chat is for the people who work here (employees and support agents).',
  alerts: 'Sending alerts is for administrators and for team leads (to the teams they lead). An administrator makes someone a lead in Admin → Teams.',
};

/** /not-allowed?area=chat|admin: what was refused and where to go instead. */
@Component({
  selector: 'mer-not-allowed-page',
  imports: [UiButton, RouterLink],
  template: `
    <section class="page">
      <div class="empty" data-testid="not-allowed">
        <strong>You don't have access to that page</strong>
        <p>{{ reason() }}</p>
        @if (area() === 'chat' && isCustomer()) {
          <p>To talk to us, open a conversation under Support: the support team answers there.</p>
          <a uiButton="primary" routerLink="/support">Go to Support</a>
        } @else {
          <a uiButton="primary" routerLink="/">Back to Home</a>
        }
      </div>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotAllowedPage {
  /** From the query string (withComponentInputBinding). */
  readonly area = input<string | undefined>(undefined);
  private readonly session = inject(SessionStore);
  protected readonly isCustomer = computed(() => this.session.user()?.kind === 'customer');
  protected readonly reason = computed(() => REASONS[this.area() ?? ''] ?? 'This page is not open to your account. If you think you need it, ask an administrator.');
}
