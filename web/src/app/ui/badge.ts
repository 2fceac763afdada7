import { ChangeDetectionStrategy, Component, input } from '@angular/core';

export type BadgeTone = 'neutral' | 'ok' | 'warn' | 'danger' | 'info' | 'brand';

/** A short status word in a pill; the tone colours it, the word carries the meaning. */
@Component({
  selector: 'ui-badge',
  template: '<ng-content />',
  host: {
    class: 'badge',
    '[class.badge-ok]': "tone() === 'ok'",
    '[class.badge-warn]': "tone() === 'warn'",
    '[class.badge-danger]': "tone() === 'danger'",
    '[class.badge-info]': "tone() === 'info'",
    '[class.badge-brand]': "tone() === 'brand'",
  },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UiBadge {
  readonly tone = input<BadgeTone>('neutral');
}
