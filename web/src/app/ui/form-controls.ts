import { Directive, input } from '@angular/core';

/** A text field, textarea or select in the shared look; `uiInvalid` marks it for screen readers too. */
@Directive({
  selector: 'input[uiInput], textarea[uiInput], select[uiInput]',
  host: {
    class: 'input',
    '[attr.aria-invalid]': 'invalid() ? "true" : null',
  },
})
export class UiInput {
  readonly invalid = input(false, { alias: 'uiInvalid' });
}

/** A checkbox drawn as an on/off switch and announced as one. */
@Directive({
  selector: 'input[type=checkbox][uiSwitch]',
  host: { class: 'switch', role: 'switch' },
})
export class UiSwitch {}
