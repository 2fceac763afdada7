import { ChangeDetectionStrategy, Component, ElementRef, computed, input, output, signal, viewChild } from '@angular/core';
import { UiButton } from '../ui/button';

/** Someone (or @channel/@here) the composer can complete after "@". */
export interface Mentionable {
  handle: string;
  label: string;
}

const MAX_SUGGESTIONS = 6;

/** The "@que" being typed right before the caret, or null. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|[\s(])@([\p{L}\p{N}._+%-]*)$/u.exec(before);
  if (!match) return null;
  return { start: caret - match[2].length - 1, query: match[2].toLowerCase() };
}

/**
 * The message box: Enter sends, Shift+Enter starts a new line, Up in an empty box asks to
 * edit my last message; while editing, Enter saves and Escape cancels.
 */
@Component({
  imports: [UiButton],
  selector: 'mer-composer',
  template: `
    @if (editing()) {
      <p class="editing" data-testid="composer-editing">
        Editing message · <kbd>Enter</kbd> to save · <kbd>Esc</kbd> to
        <button type="button" uiButton="ghost" (click)="cancelEditing()" data-testid="composer-cancel-edit">cancel</button>
      </p>
    }
    @if (typing(); as who) {
      <p class="typing" aria-live="polite" data-testid="typing-indicator">{{ who }}</p>
    }
    @if (suggestions().length > 0) {
      <ul class="suggestions" role="listbox" aria-label="Mention someone" data-testid="mention-suggestions">
        @for (s of suggestions(); track s.handle; let i = $index) {
          <li role="option" [attr.aria-selected]="i === selected()" [class.selected]="i === selected()" (mousedown)="$event.preventDefault(); pick(s)" data-testid="mention-option">
            <strong>&#64;{{ s.handle }}</strong> <span>{{ s.label }}</span>
          </li>
        }
      </ul>
    }
    @if (blocked(); as reason) {
      <p class="blocked" role="status" data-testid="composer-blocked">{{ reason }}</p>
    }
    <form class="composer" (submit)="$event.preventDefault(); submit()">
      <label class="sr-only" [attr.for]="inputId()">{{ label() }}</label>
      <textarea
        #box
        [id]="inputId()"
        [rows]="rows()"
        [value]="text()"
        [attr.placeholder]="blocked() || label()"
        [disabled]="disabled() || !!blocked()"
        (input)="onInput($event)"
        (click)="updateMention()"
        (blur)="mention.set(null)"
        (keydown)="onKeydown($event)"
        data-testid="composer-input"
      ></textarea>
      <button type="submit" uiButton="primary" [disabled]="empty() || disabled() || !!blocked()" data-testid="composer-send">{{ editing() ? 'Save' : 'Send' }}</button>
    </form>
    @if (!blocked()) {
      <p class="hint" data-testid="composer-hint">
        @if (empty()) {
          Type a message to send it.
        }
        <span class="keys"><kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line</span>
      </p>
    }
  `,
  styles: `
    :host { display: block; padding: 0.5rem 1.25rem 0.75rem; background: var(--surface); border-top: 1px solid var(--border); }
    .composer { display: flex; gap: 0.5rem; align-items: flex-end; }
    .blocked { margin: 0 0 0.4rem; font-size: 0.85rem; color: var(--text-muted, inherit); }
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
    :host { position: relative; }
    .suggestions {
      position: absolute; bottom: 100%; left: 1.25rem; margin: 0 0 0.25rem; padding: 0.25rem; list-style: none; min-width: 16rem;
      background: var(--surface); border: 1px solid var(--border); border-radius: 8px; box-shadow: var(--shadow-lg); z-index: 5;
    }
    .suggestions li { padding: 0.3rem 0.5rem; border-radius: 6px; cursor: pointer; font-size: 0.9rem; display: flex; gap: 0.5rem; }
    .suggestions li span { color: var(--text-muted); }
    .suggestions li.selected { background: var(--brand-soft); }
    kbd { font: inherit; font-size: 0.74rem; padding: 0 0.3rem; border: 1px solid var(--border); border-radius: 4px; background: var(--surface-muted); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Composer {
  readonly label = input('Write a message');
  readonly inputId = input('composer-input');
  /** Who "@" can complete to. */
  readonly mentionables = input<Mentionable[]>([]);
  protected readonly mention = signal<{ start: number; query: string } | null>(null);
  protected readonly selected = signal(0);
  protected readonly suggestions = computed(() => {
    const m = this.mention();
    if (!m) return [];
    const q = m.query;
    return this.mentionables()
      .filter((x) => x.handle.startsWith(q) || x.label.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)))
      .slice(0, MAX_SUGGESTIONS);
  });
  readonly disabled = input(false);
  /** Why this person may not post here ('' = may): shown, and the box is disabled. */
  readonly blocked = input('');
  readonly send = output<string>();
  /** Files are ready to go: sending with no text is allowed. */
  readonly hasAttachments = input(false);
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
  protected readonly empty = computed(() => this.text().trim() === '' && !this.hasAttachments());
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

  protected updateMention(): void {
    const box = this.box().nativeElement;
    const found = mentionQuery(box.value, box.selectionStart ?? box.value.length);
    this.mention.set(found);
    this.selected.set(0);
  }

  /** Replaces the "@que" before the caret with "@handle ". */
  protected pick(choice: Mentionable): void {
    const m = this.mention();
    const box = this.box().nativeElement;
    if (!m) return;
    const caret = box.selectionStart ?? box.value.length;
    const text = `${box.value.slice(0, m.start)}@${choice.handle} ${box.value.slice(caret)}`;
    this.setText(text);
    const at = m.start + choice.handle.length + 2;
    box.setSelectionRange(at, at);
    this.mention.set(null);
    this.focus();
  }

  protected onInput(event: Event): void {
    this.text.set((event.target as HTMLTextAreaElement).value);
    this.updateMention();
    if (!this.editing() && this.text().trim() !== '') this.typed.emit();
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.isComposing) return;
    const suggestions = this.suggestions();
    if (suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.selected.set((this.selected() + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        this.pick(suggestions[this.selected()] ?? suggestions[0]);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        this.mention.set(null);
        return;
      }
    }
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
    if (this.disabled() || this.blocked() || (text.trim() === '' && (this.editing() || !this.hasAttachments()))) return;
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
