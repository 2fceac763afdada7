import { ChangeDetectionStrategy, Component, ElementRef, computed, input, output, signal, viewChild } from '@angular/core';

/**
 * The message box: Enter sends, Shift+Enter starts a new line, Up in an empty box asks to
 * edit my last message; while editing, Enter saves and Escape cancels.
 */
@Component({
  selector: 'mer-composer',
  template: `
    @if (editing()) {
      <p class="editing" data-testid="composer-editing">
        Editing message · <kbd>Enter</kbd> to save · <kbd>Esc</kbd> to
        <button type="button" class="btn-link" (click)="cancelEditing()" data-testid="composer-cancel-edit">cancel</button>
      </p>
    }
    @if (typing(); as who) {
      <p class="typing" aria-live="polite" data-testid="typing-indicator">{{ who }}</p>
    }
    <form class="composer" (submit)="$event.preventDefault(); submit()">
      <label class="sr-only" [attr.for]="inputId()">{{ label() }}</label>
      <textarea
        #box
        [id]="inputId()"
        [rows]="rows()"
        [value]="text()"
        [attr.placeholder]="label()"
        [disabled]="disabled()"
        (input)="onInput($event)"
        (keydown)="onKeydown($event)"
        data-testid="composer-input"
      ></textarea>
      <button type="submit" class="btn btn-primary" [disabled]="empty() || disabled()" data-testid="composer-send">{{ editing() ? 'Save' : 'Send' }}</button>
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
    .editing, .typing { margin: 0 0 0.3rem; font-size: 0.8rem; color: var(--text-muted); }
    .editing { color: var(--brand-strong); }
    .typing { font-style: italic; }
    .btn-link { font-size: inherit; padding: 0; }
    kbd { font: inherit; font-size: 0.74rem; padding: 0 0.3rem; border: 1px solid var(--border); border-radius: 4px; background: var(--surface-muted); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Composer {
  readonly label = input('Write a message');
  readonly inputId = input('composer-input');
  readonly disabled = input(false);
  readonly send = output<string>();
  /** "Ana is typing…", or empty. */
  readonly typing = input('');
  /** Up in an empty box: the page answers with startEditing() if I have a message to edit. */
  readonly editLast = output<void>();
  readonly saveEdit = output<string>();
  readonly cancelEdit = output<void>();
  /** The person typed something (the page throttles what it sends). */
  readonly typed = output<void>();

  protected readonly editing = signal(false);
  private draft = '';

  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');

  protected readonly text = signal('');
  protected readonly empty = computed(() => this.text().trim() === '');
  protected readonly rows = computed(() => Math.min(8, Math.max(1, this.text().split('\n').length)));

  focus(): void {
    this.box().nativeElement.focus();
  }

  /** Puts a message's text in the box to edit it; what was typed before comes back after. */
  startEditing(text: string): void {
    if (!this.editing()) this.draft = this.text();
    this.editing.set(true);
    this.setText(text);
    this.focus();
  }

  cancelEditing(): void {
    if (!this.editing()) return;
    this.editing.set(false);
    this.setText(this.draft);
    this.draft = '';
    this.cancelEdit.emit();
    this.focus();
  }

  private setText(text: string): void {
    this.text.set(text);
    this.box().nativeElement.value = text;
  }

  protected onInput(event: Event): void {
    this.text.set((event.target as HTMLTextAreaElement).value);
    if (!this.editing() && this.text().trim() !== '') this.typed.emit();
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.isComposing) return;
    if (event.key === 'Escape' && this.editing()) {
      event.preventDefault();
      this.cancelEditing();
      return;
    }
    if (event.key === 'ArrowUp' && !this.editing() && this.text() === '') {
      event.preventDefault();
      this.editLast.emit();
      return;
    }
    // While an input method is composing (e.g. Japanese), Enter picks a candidate.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
  }

  protected submit(): void {
    const text = this.text();
    if (this.disabled() || text.trim() === '') return;
    const clean = text.replace(/^\n+|\s+$/g, '');
    if (this.editing()) {
      this.editing.set(false);
      this.saveEdit.emit(clean);
      this.setText(this.draft);
      this.draft = '';
      return;
    }
    this.send.emit(clean);
    this.setText('');
  }
}
