import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { countryName } from '../core/local-time';

/**
 * A country's flag as a picture shipped with the app (flag-icons, MIT, copied to /flags/ by
 * angular.json), so it shows on machines without an emoji font, where "🇵🇹" is two empty
 * boxes. Nothing for anything that is not a two-letter code. Decorative by default (the code
 * or name is written beside it); `labelled` gives it the country's name for screen readers.
 * Where a picture can't go (an <option>, a title attribute), write the code as text instead.
 */
@Component({
  selector: 'ui-flag',
  template: `@if (code(); as c) {<img class="ui-flag" [src]="'/flags/' + c + '.svg'" [attr.alt]="labelled() ? name() : ''" [attr.title]="labelled() ? name() : null" [attr.aria-hidden]="labelled() ? null : 'true'" width="16" height="12" loading="lazy" decoding="async" />}`,
  styles: `
    :host { display: inline-flex; vertical-align: -0.1em; }
    .ui-flag { width: 1.15em; height: auto; aspect-ratio: 4 / 3; border-radius: 2px; box-shadow: 0 0 0 1px var(--border); object-fit: cover; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UiFlag {
  readonly country = input<string | null | undefined>('');
  readonly labelled = input(false);
  protected readonly code = computed(() => {
    const c = this.country();
    return c && /^[A-Za-z]{2}$/.test(c) ? c.toLowerCase() : '';
  });
  protected readonly name = computed(() => countryName(this.code()));
}
