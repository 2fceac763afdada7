import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import { UiButton } from '../ui/button';

@Component({
  selector: 'mer-not-allowed-page',
  imports: [UiButton, RouterLink],
  template: `
    <section class="page">
      <div class="empty" data-testid="not-allowed">
        <strong>You don't have access to that page</strong>
        <p>Administration is for users with the admin role. If you need it, ask an administrator of your Meridian.</p>
        <a uiButton="primary" routerLink="/">Back to Home</a>
      </div>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotAllowedPage {}
