import { Dialog, DialogConfig, DialogRef, DIALOG_DATA } from '@angular/cdk/dialog';
import { ComponentType } from '@angular/cdk/portal';
import { ChangeDetectionStrategy, Component, Injectable, TemplateRef, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { UiButton } from './button';

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
  cancelLabel?: string;
  /** The confirm button is red: the action cannot be undone. */
  danger?: boolean;
}

let nextId = 0;

/**
 * Dialogs on the CDK overlay: focus is trapped inside, Esc and the backdrop close, and focus
 * returns to what opened it. Content uses <header>, <div class="body"> and <footer>.
 */
@Injectable({ providedIn: 'root' })
export class UiDialog {
  private readonly dialog = inject(Dialog);

  open<R = unknown, D = unknown, C = unknown>(
    content: ComponentType<C> | TemplateRef<C>,
    config: DialogConfig<D, DialogRef<R, C>> = {},
  ): DialogRef<R, C> {
    return this.dialog.open<R, D, C>(content, {
      width: '560px',
      maxWidth: 'calc(100vw - 32px)',
      panelClass: 'ui-dialog-panel',
      backdropClass: 'ui-dialog-backdrop',
      autoFocus: 'first-tabbable',
      restoreFocus: true,
      ...config,
    });
  }

  /** Asks before a consequential action; resolves true only when the person confirms. */
  async confirm(options: ConfirmOptions): Promise<boolean> {
    const titleId = `ui-confirm-title-${++nextId}`;
    const ref = this.open<boolean, ConfirmData, ConfirmDialog>(ConfirmDialog, {
      data: { ...options, titleId },
      role: 'alertdialog',
      width: '440px',
      ariaLabelledBy: titleId,
    });
    return (await firstValueFrom(ref.closed)) === true;
  }
}

interface ConfirmData extends ConfirmOptions {
  titleId: string;
}

/** The confirmation asked by UiDialog.confirm: cancel is first, so Enter right away does no harm. */
@Component({
  selector: 'ui-confirm-dialog',
  imports: [UiButton],
  template: `
    <header><h2 [id]="data.titleId">{{ data.title }}</h2></header>
    <div class="body"><p>{{ data.message }}</p></div>
    <footer>
      <button type="button" uiButton (click)="ref.close(false)" data-testid="confirm-cancel">{{ data.cancelLabel ?? 'Cancel' }}</button>
      <button type="button" [uiButton]="data.danger ? 'danger' : 'primary'" (click)="ref.close(true)" data-testid="confirm-ok">{{ data.confirmLabel }}</button>
    </footer>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmDialog {
  protected readonly data = inject<ConfirmData>(DIALOG_DATA);
  protected readonly ref = inject<DialogRef<boolean>>(DialogRef);
}
