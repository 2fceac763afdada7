import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, output, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { UiButton } from '../ui/button';
import { UiInput } from '../ui/form-controls';
import { UiIcon } from '../ui/icon';
import { AiApi, AskAnswer, Citation, IndexState } from './ai-api';
import { aiFailure, citationPlace, providerLabel } from './ai-format';

/** How often the panel asks again while the file waits to be indexed. */
export const INDEX_POLL_MS = 1000;

const INDEX_WORDS: Record<string, string> = {
  queued: 'This file waits to be read by the assistant. Ask in a moment.',
  indexing: 'The assistant is reading this file. Ask in a moment.',
  failed: 'The assistant could not read this file',
  unsupported: 'The assistant reads text, Markdown, CSV, HTML and PDF files; not this kind.',
  too_large: 'This file is too large for the assistant to read.',
  not_indexed: 'The assistant has not read this file yet; upload a new version to have it read.',
};

/**
 * "Ask this file": a question about one file, answered from its passages with citations
 * (file, version, page or section, the quoted words) that open the file.
 */
@Component({
  selector: 'mer-ask-file-panel',
  imports: [FormsModule, UiButton, UiIcon, UiInput],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header>
      <h3><ui-icon name="sparkles" /> Ask {{ file()?.name ?? 'your files' }}</h3>
      <button type="button" uiButton="icon" uiSize="sm" (click)="closed.emit()" aria-label="Close the assistant" data-testid="ask-close">✕</button>
    </header>
    @if (indexNote(); as note) {
      <p class="hint" data-testid="ask-index-state" [attr.data-status]="indexState()" aria-live="polite">{{ note }}</p>
    }
    <form (submit)="$event.preventDefault(); ask()">
      <label for="ask-question">Your question</label>
      <textarea uiInput id="ask-question" rows="2" maxlength="2000" [ngModel]="question()" (ngModelChange)="question.set($event)" name="question" data-testid="ask-question"></textarea>
      <button type="submit" uiButton="primary" uiSize="sm" [disabled]="busy() || !question().trim()" data-testid="ask-submit">{{ busy() ? 'Looking…' : 'Ask' }}</button>
    </form>
    @if (error(); as message) {
      <div class="alert alert-error" role="alert" data-testid="ask-error">{{ message }}</div>
    }
    @if (answer(); as a) {
      <section aria-live="polite" data-testid="ask-answer">
        <p class="answer">{{ a.answer }}</p>
        @if (a.citations.length) {
          <ol class="citations">
            @for (c of a.citations; track $index) {
              <li data-testid="ask-citation">
                <button type="button" uiButton="ghost" class="place" (click)="openCitation.emit(c)" data-testid="ask-citation-open">{{ place(c) }}</button>
                <blockquote>{{ c.quote }}</blockquote>
              </li>
            }
          </ol>
        }
        @if (a.dropped_citations.length) {
          <p class="hint" data-testid="ask-dropped">{{ a.dropped_citations.length }} quoted passage(s) could not be found in the file and are not shown as sources.</p>
        }
        <p class="hint">Made by: {{ provider(a.provider) }}</p>
      </section>
    }
  `,
  styles: `
    /* Above a listing wider than its column, which would run under the panel. */
    :host { display: flex; flex-direction: column; gap: var(--space-2); position: relative; z-index: 1; background: var(--bg); }
    header { display: flex; justify-content: space-between; align-items: center; gap: var(--space-2); }
    h3 { margin: 0; font-size: var(--text-md); display: flex; gap: var(--space-2); align-items: center; overflow-wrap: anywhere; }
    form { display: flex; flex-direction: column; gap: var(--space-2); align-items: flex-start; }
    textarea { width: 100%; }
    .hint { font-size: var(--text-xs); color: var(--text-muted); margin: 0; }
    .answer { margin: 0; overflow-wrap: anywhere; }
    .citations { margin: 0; padding-left: var(--space-5); display: flex; flex-direction: column; gap: var(--space-2); }
    .place { padding: 0; font-size: var(--text-sm); }
    blockquote { margin: var(--space-1) 0 0; padding-left: var(--space-2); border-left: 3px solid var(--border); color: var(--text-muted); font-size: var(--text-sm); }
  `,
})
export class AskFilePanel {
  private readonly api = inject(AiApi);
  /** The file asked about; null: every file I can read. */
  readonly file = input<{ id: number; name: string } | null>(null);
  readonly closed = output<void>();
  readonly openCitation = output<Citation>();

  protected readonly question = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly answer = signal<AskAnswer | null>(null);
  protected readonly indexNote = signal<string | null>(null);
  protected readonly indexState = signal<string | null>(null);

  constructor() {
    effect(() => {
      const id = this.file()?.id;
      untracked(() => {
        this.answer.set(null);
        this.error.set(null);
        this.indexNote.set(null);
        clearTimeout(this.timer);
        if (id !== undefined) void this.watchIndex(id);
      });
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      clearTimeout(this.timer);
    });
  }

  private destroyed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** The file's index state, asked again every second while it waits or is being read. */
  private async watchIndex(id: number): Promise<void> {
    clearTimeout(this.timer);
    try {
      const s: IndexState = await this.api.indexState(id);
      if (this.destroyed || this.file()?.id !== id) return;
      this.indexState.set(s.status);
      if (s.status === 'ready') this.indexNote.set(null);
      else this.indexNote.set(INDEX_WORDS[s.status] + (s.status === 'failed' && s.detail ? `: ${s.detail}` : ''));
      if (s.status === 'queued' || s.status === 'indexing') this.timer = setTimeout(() => void this.watchIndex(id), INDEX_POLL_MS);
    } catch (failure) {
      if (!this.destroyed && this.file()?.id === id) this.error.set(aiFailure(failure));
    }
  }

  protected place(c: Citation): string {
    return citationPlace(c);
  }

  protected provider(p: string): string {
    return providerLabel(p);
  }

  protected async ask(): Promise<void> {
    const q = this.question().trim();
    if (!q) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const file = this.file();
      this.answer.set(await this.api.ask(q, file ? { file_id: file.id } : { all: true }));
    } catch (failure) {
      this.answer.set(null);
      this.error.set(aiFailure(failure));
    } finally {
      this.busy.set(false);
    }
  }
}
