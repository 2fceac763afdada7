import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** Grey placeholder lines while something loads; hidden from screen readers, which hear `label`. */
@Component({
  selector: 'ui-skeleton',
  template: `
    <span class="sr-only">{{ label() }}</span>
    @for (w of widths(); track $index) {
      <span class="skeleton" aria-hidden="true" [style.width]="w" [style.height.px]="height()"></span>
    }
  `,
  styles: `:host { display: grid; gap: var(--space-2); }`,
  host: { role: 'status' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UiSkeleton {
  readonly lines = input(3);
  readonly height = input(14);
  readonly label = input('Loading…');
  /** The last line shorter, like the end of a paragraph. */
  protected readonly widths = computed(() => {
    const n = Math.max(1, this.lines());
    return Array.from({ length: n }, (_, i) => (i === n - 1 && n > 1 ? '60%' : '100%'));
  });
}
