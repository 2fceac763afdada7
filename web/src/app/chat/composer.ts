import { ChangeDetectionStrategy, Component, ElementRef, computed, input, output, signal, viewChild } from '@angular/core';

/** The message box: Enter sends, Shift+Enter starts a new line. */
@Component({
  selector: 'mer-composer',
  template: `
    <form class="composer" (submit)="$event.preventDefault(); submit()">
      <label class="sr-only" for="composer-input">{{ label() }}</label>
      <textarea
        #box
        id="composer-input"
        [rows]="rows()"
        [value]="text()"
        [attr.placeholder]="label()"
        [disabled]="disabled()"
        (input)="onInput($event)"
        (keydown)="onKeydown($event)"
        data-testid="composer-input"
      ></textarea>
      <button type="submit" class="btn btn-primary" [disabled]="empty() || disabled()" data-testid="composer-send">Send</button>
    </form>
    <p class="hint" data-testid="composer-hint">
      @if (empty()) {
        Type a message to send it.
      }
      <span class="keys"><kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line</span>
    </p>
  `,
  styles: `
    :host { display: block; padding: 0.5rem 1.25rem 0.75rem; background: var(--surface); border-top: 1px solid var(--border); }
    .composer { display: flex; gap: 0.5rem; align-items: flex-end; }
    textarea {
      flex: 1; font: inherit; resize: none; padding: 0.55rem 0.75rem; border: 1px solid var(--border);
      border-radius: var(--radius); max-height: 12rem; background: var(--surface); color: var(--text);
    }
    textarea:focus { outline: none; border-color: var(--brand); box-shadow: var(--focus); }
    .hint { margin: 0.3rem 0 0; font-size: 0.78rem; color: var(--text-muted); display: flex; gap: 0.75rem; }
    .keys { margin-left: auto; }
    kbd { font: inherit; font-size: 0.74rem; padding: 0 0.3rem; border: 1px solid var(--border); border-radius: 4px; background: var(--surface-muted); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Composer {
  readonly label = input('Write a message');
  readonly disabled = input(false);
  readonly send = output<string>();

  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');

  protected readonly text = signal('');
  protected readonly empty = computed(() => this.text().trim() === '');
  protected readonly rows = computed(() => Math.min(8, Math.max(1, this.text().split('\n').length)));

  focus(): void {
    this.box().nativeElement.focus();
  }

  protected onInput(event: Event): void {
    this.text.set((event.target as HTMLTextAreaElement).value);
  }

  protected onKeydown(event: KeyboardEvent): void {
    // While an input method is composing (e.g. Japanese), Enter picks a candidate.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
  }

  protected submit(): void {
    const text = this.text();
    if (this.disabled() || text.trim() === '') return;
    this.send.emit(text.replace(/^\n+|\s+$/g, ''));
    this.text.set('');
    this.box().nativeElement.value = '';
  }
}
