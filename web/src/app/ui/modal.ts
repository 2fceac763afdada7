import { DialogRef } from '@angular/cdk/dialog';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  TemplateRef,
  afterNextRender,
  inject,
  input,
  output,
  viewChild,
} from '@angular/core';
import { UiDialog } from './dialog';

/**
 * A dialog written in place in a page's template: `<ui-modal labelledBy="title-id">` opens
 * its content in the CDK dialog (UiDialog) as soon as it is rendered, and closes it when it
 * is destroyed or close() is called. Focus moves into it (`autoFocus`: the first tabbable
 * element, or a CSS selector), Esc and the backdrop close it (`closed` then fires), and focus
 * returns to what opened it. The content keeps the page's styles and bindings; like
 * UiDialog's, it uses <header>, <div class="body"> and <footer>.
 */
@Component({
  selector: 'ui-modal',
  template: `<ng-template #content><div class="ui-modal" [attr.data-testid]="testId()"><ng-content /></div></ng-template>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UiModal {
  private readonly dialogs = inject(UiDialog);

  /** The id of the element that names the dialog (its heading). */
  readonly labelledBy = input.required<string>();
  readonly autoFocus = input<string>('first-tabbable');
  readonly width = input<string>('560px');
  readonly testId = input<string | null>(null);
  /** The dialog closed: by close(), Esc or the backdrop. */
  readonly closed = output<void>();

  private readonly content = viewChild.required<TemplateRef<unknown>>('content');
  private ref: DialogRef<unknown, unknown> | null = null;
  private destroyed = false;

  constructor() {
    afterNextRender(() => {
      if (this.destroyed) return;
      const ref = this.dialogs.open(this.content(), {
        ariaLabelledBy: this.labelledBy(),
        autoFocus: this.autoFocus(),
        width: this.width(),
      });
      this.ref = ref;
      ref.closed.subscribe(() => {
        this.ref = null;
        if (!this.destroyed) this.closed.emit();
      });
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.ref?.close();
    });
  }

  close(): void {
    this.ref?.close();
  }
}
