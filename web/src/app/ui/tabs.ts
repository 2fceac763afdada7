import { FocusKeyManager, FocusableOption } from '@angular/cdk/a11y';
import { Directive, ElementRef, afterRenderEffect, contentChildren, inject, input } from '@angular/core';

/**
 * One tab of a `[uiTabs]` list: `<button uiTab [selected]="..." (click)="...">`. It carries
 * role="tab", aria-selected and a roving tabindex (only the selected tab is in the Tab order).
 */
@Directive({
  selector: 'button[uiTab]',
  host: {
    class: 'ui-tab',
    role: 'tab',
    type: 'button',
    '[attr.aria-selected]': 'selected()',
    '[attr.tabindex]': 'selected() ? 0 : -1',
  },
})
export class UiTab implements FocusableOption {
  readonly selected = input(false);
  /** The button itself (the tab list finds which tab has focus). */
  readonly element: HTMLButtonElement = inject<ElementRef<HTMLButtonElement>>(ElementRef).nativeElement;

  /** Arrow keys only move focus; Enter or Space (the button's click) selects: WAI-ARIA's manual tabs. */
  focus(): void {
    this.element.focus();
  }

  getLabel(): string {
    return this.element.textContent?.trim() ?? '';
  }
}

/** A tab list: arrow keys, Home and End move between tabs (CDK FocusKeyManager). */
@Directive({
  selector: '[uiTabs]',
  host: {
    class: 'ui-tabs',
    role: 'tablist',
    '(keydown)': 'onKeydown($event)',
    '[attr.aria-label]': 'label() || null',
  },
})
export class UiTabs {
  private readonly tabs = contentChildren(UiTab, { descendants: true });
  private keys: FocusKeyManager<UiTab> | null = null;
  /** The list's accessible name, e.g. uiTabs="Meeting panels". */
  readonly label = input('', { alias: 'uiTabs' });

  constructor() {
    afterRenderEffect(() => {
      const tabs = this.tabs();
      this.keys?.destroy();
      this.keys = new FocusKeyManager<UiTab>(tabs).withHorizontalOrientation('ltr').withHomeAndEnd().withWrap();
    });
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (!this.keys) return;
    const tabs = this.tabs();
    const current = tabs.findIndex((t) => t.element === document.activeElement);
    if (current >= 0) this.keys.updateActiveItem(current);
    this.keys.onKeydown(event);
  }
}
