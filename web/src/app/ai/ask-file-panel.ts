import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { UiButton } from '../ui/button';
import { UiInput } from '../ui/form-controls';
import { UiIcon } from '../ui/icon';
import { RealtimeService } from '../core/realtime.service';
import { AiApi, Citation, FileScope, IndexState, StoredAnswer, scopeKey } from './ai-api';
import { AnswerFollower } from './answer-follower';
import { aiFailure, budgetText, citationPlace, providerLabel } from './ai-format';

/** How often the panel asks again while the file waits to be indexed. */
export const INDEX_POLL_MS = 1000;

const INDEX_WORDS: Record<string, string> = {
  queued: 'This file waits to be read by the assistant. Ask in a moment.',
  indexing: 'The assistant is reading this file. Ask in a moment.',
  failed: 'The assistant could not read this file',
  unsupported: 'The assistant reads text, Markdown, CSV, HTML, PDF, Word, Excel and PowerPoint files; not this kind.',
  too_large: 'This file is too large for the assistant to read.',
  restricted: 'The person who uploaded this file restricted the processing of their data, so the assistant does not read it.',
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
      <button type="submit" uiButton="primary" uiSize="sm" [disabled]="busy() || !question().trim()" data-testid="ask-submit">{{ starting() ? 'Looking…' : busy() ? 'Writing…' : 'Ask' }}</button>
    </form>
    @if (budget(); as line) {
      <p class="hint" data-testid="ask-budget">{{ line }}</p>
    }
    @if (error(); as message) {
      <div class="alert alert-error" role="alert" data-testid="ask-error">{{ message }}</div>
    }
    @if (current(); as a) {
      <section aria-live="polite" data-testid="ask-answer" [attr.data-status]="a.status">
        @if (a.question !== question().trim()) {
          <p class="hint asked">You asked: {{ a.question }}</p>
        }
        <p class="answer">{{ a.text }}@if (a.status === 'streaming') {<span class="cursor" aria-hidden="true">▍</span>}</p>
        @if (a.status === 'streaming') {
          <div class="writing">
            <span class="hint" data-testid="ask-writing">Writing… (a reload keeps this answer)</span>
            <button type="button" uiButton="secondary" uiSize="sm" (click)="stop(a)" data-testid="ask-stop">Stop</button>
          </div>
        }
        @if (a.status === 'stopped') {
          <p class="hint" data-testid="ask-stopped">Stopped{{ a.error ? ': ' + a.error : '.' }}</p>
        }
        @if (a.status === 'failed') {
          <div class="alert alert-error" role="alert" data-testid="ask-failed">The answer could not be finished: {{ a.error }}</div>
        }
        @if (a.result; as r) {
          @if (r.citations.length) {
            <ol class="citations">
              @for (c of r.citations; track $index) {
                <li data-testid="ask-citation">
                  <button type="button" uiButton="ghost" class="place" (click)="openCitation.emit(c)" data-testid="ask-citation-open">{{ place(c) }}</button>
                  <blockquote>{{ c.quote }}</blockquote>
                </li>
              }
            </ol>
          }
          @if (r.dropped_citations.length) {
            <p class="hint" data-testid="ask-dropped">{{ r.dropped_citations.length }} quoted passage(s) could not be found in the file and are not shown as sources.</p>
          }
          @if (r.note) {
            <p class="hint">{{ r.note }}</p>
          }
        }
        @if (a.provider) {
          <p class="hint">Made by: {{ provider(a.provider) }}</p>
        }
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
    .writing { display: flex; gap: var(--space-2); align-items: center; flex-wrap: wrap; }
    .cursor { animation: blink 1s steps(1) infinite; color: var(--text-muted); }
    @keyframes blink { 50% { opacity: 0; } }
    .asked { font-style: italic; }
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
  protected readonly error = signal<string | null>(null);
  private readonly follower = new AnswerFollower(inject(RealtimeService));
  /** The answer shown: the one I asked last about this file, streaming or finished (it survives a reload). */
  protected readonly current = this.follower.answer;
  protected readonly busy = computed(() => this.starting() || this.current()?.status === 'streaming');
  protected readonly starting = signal(false);
  protected readonly indexNote = signal<string | null>(null);
  /** What is left of my AI budget; asked again when an answer ends. */
  protected readonly budget = signal<string | null>(null);
  protected readonly indexState = signal<string | null>(null);

  constructor() {
    effect(() => {
      const id = this.file()?.id;
      untracked(() => {
        this.follower.follow(null);
        this.error.set(null);
        this.indexNote.set(null);
        clearTimeout(this.timer);
        if (id !== undefined) void this.watchIndex(id);
        void this.loadLatest(this.scope());
      });
    });
    void this.loadBudget();
    let last: string | undefined;
    effect(() => {
      const status = this.current()?.status;
      if (last === 'streaming' && status !== 'streaming' && this.budget()) void this.loadBudget();
      last = status;
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      clearTimeout(this.timer);
      this.follower.destroy();
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

  private async loadBudget(): Promise<void> {
    try {
      const line = budgetText(await this.api.status());
      if (!this.destroyed) this.budget.set(line);
    } catch {
      // The status is a courtesy here: asking still works and says why when it does not.
    }
  }

  private scope(): FileScope {
    const file = this.file();
    return file ? { file_id: file.id } : { all: true };
  }

  /** The last answer I asked about this file: after a reload it is shown, and goes on streaming if it still is. */
  private async loadLatest(scope: FileScope): Promise<void> {
    const key = scopeKey(scope);
    try {
      const latest = (await this.api.answers(key, 1)).items[0] ?? null;
      if (this.destroyed || scopeKey(this.scope()) !== key || this.current() || !latest) return;
      this.follower.follow(latest);
    } catch {
      // Nothing to show again: asking still works.
    }
  }

  protected async ask(): Promise<void> {
    const q = this.question().trim();
    if (!q) return;
    this.starting.set(true);
    this.error.set(null);
    try {
      this.follower.follow(await this.api.startAnswer(q, this.scope()));
    } catch (failure) {
      this.follower.follow(null);
      this.error.set(aiFailure(failure));
    } finally {
      this.starting.set(false);
    }
  }

  protected async stop(a: StoredAnswer): Promise<void> {
    try {
      await this.api.stopAnswer(a.id); // the end comes as ai.answer.done
    } catch (failure) {
      this.error.set(aiFailure(failure));
    }
  }
}
