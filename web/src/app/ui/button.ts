import { Directive, input } from '@angular/core';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'danger-quiet' | 'ghost' | 'icon';
export type ButtonSize = 'sm' | 'md' | 'lg';

/**
 * The one button: `<button uiButton="primary">`, `<a uiButton>`. Secondary when no variant is
 * given; `danger` is filled red (leave, delete for good), `danger-quiet` red text for a row's
 * remove; `icon` is round and needs an aria-label.
 */
@Directive({
  selector: 'button[uiButton], a[uiButton]',
  host: {
    class: 'btn',
    '[class.btn-primary]': "variant() === 'primary'",
    '[class.btn-danger]': "variant() === 'danger'",
    '[class.btn-danger-quiet]': "variant() === 'danger-quiet'",
    '[class.btn-ghost]': "variant() === 'ghost'",
    '[class.btn-icon]': "variant() === 'icon'",
    '[class.btn-small]': "size() === 'sm'",
    '[class.btn-large]': "size() === 'lg'",
  },
})
export class UiButton {
  readonly variant = input<ButtonVariant, ButtonVariant | ''>('secondary', {
    alias: 'uiButton',
    transform: (v) => v || 'secondary',
  });
  readonly size = input<ButtonSize>('md', { alias: 'uiSize' });
}
