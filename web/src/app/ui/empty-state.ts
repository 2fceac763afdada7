import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { UiButton } from './button';

/**
 * An empty list or page: what this is (`heading`), what to do (`text`) and at most one
 * button (`action` label; the `act` output fires). Extra content goes below.
 */
@Component({
  selector: 'ui-empty-state',
  imports: [UiButton],
  template: `
    <strong>{{ heading() }}</strong>
    @if (text()) {
      <p>{{ text() }}</p>
    }
    <ng-content />
    @if (action()) {
      <button type="button" uiButton="primary" (click)="act.emit()">{{ action() }}</button>
    }
  `,
  host: { class: 'empty' },
  styles: `:host { display: block; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UiEmptyState {
  readonly heading = input.required<string>();
  readonly text = input('');
  readonly action = input('');
  readonly act = output<void>();
}
