import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import { UiButton } from '../ui/button';

@Component({
  selector: 'mer-not-found-page',
  imports: [UiButton, RouterLink],
  template: `
    <section class="page">
      <div class="empty">
        <strong>There is no page at this address</strong>
        <p>The link may be old or mistyped. Use the navigation above, or go back home.</p>
        <a uiButton="primary" routerLink="/">Back to Home</a>
      </div>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFoundPage {}
