import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, untracked } from '@angular/core';
import { UiButton } from '../ui/button';
import { UiIcon } from '../ui/icon';
import { AssistantStore } from './assistant-store';
import { budgetText, coverage, languageLabel, providerLabel } from './ai-format';
import { SummaryPoints } from './summary-points';

/**
 * The assistant beside a conversation: "Catch me up" (what came after my read marker) and
 * "Summarise this conversation", each point linked to the messages it came from (the link
 * opens the conversation at that message, highlighted), the provider that answered, and a
 * plain explanation when the copilot is switched off for my country or I am excluded.
 */
@Component({
  selector: 'mer-assistant-panel',
  imports: [UiButton, UiIcon, SummaryPoints],
  providers: [AssistantStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header>
      <h2><ui-icon name="sparkles" /> Assistant</h2>
      <button type="button" uiButton="icon" (click)="closed.emit()" aria-label="Close the assistant" data-testid="assistant-close">
        <ui-icon name="x" />
      </button>
    </header>
    @if (store.unavailable(); as reason) {
      <div class="alert alert-info" role="status" data-testid="assistant-unavailable">
        <strong>The assistant is not available to you.</strong>
        <p>{{ reason }}</p>
      </div>
    } @else {
      <div class="actions">
        <button type="button" uiButton="primary" uiSize="sm" [disabled]="!!store.busy()" (click)="catchUp()" data-testid="assistant-catch-up">
          {{ store.busy() === 'catch_up' ? 'Catching up…' : 'Catch me up' }}
        </button>
        <button type="button" uiButton="secondary" uiSize="sm" [disabled]="!!store.busy()" (click)="summarise()" data-testid="assistant-summarise">
          {{ store.busy() === 'summary' ? 'Summarising…' : 'Summarise this conversation' }}
        </button>
      </div>
      <p class="hint">Catch me up: the messages after the last one you read. Summaries are made from what you can read; people who asked to be left out of AI are left out.</p>
      @if (budgetLine(); as line) {
        <p class="hint" data-testid="assistant-budget">{{ line }}</p>
      }
    }
    @if (store.error(); as message) {
      <div class="alert alert-error" role="alert" data-testid="assistant-error">{{ message }}</div>
    }
    @if (store.summary(); as s) {
      <section class="summary" data-testid="assistant-summary" aria-live="polite">
        <p class="meta" data-testid="assistant-coverage">{{ coverageText() }}</p>
        <mer-summary-points [summary]="s" [conversationId]="conversationId()" testIds="assistant" />
        <p class="meta provider" data-testid="assistant-provider">
          Made by: {{ providerText() }} · written in {{ languageText() }}
          @if (s.note) { <span class="note">{{ s.note }}</span> }
        </p>
      </section>
    }
  `,
  styles: `
    :host { display: flex; flex-direction: column; gap: var(--space-3); width: 340px; padding: var(--space-3) var(--space-4); border-left: 1px solid var(--border); background: var(--surface); overflow-y: auto; min-height: 0; }
    header { display: flex; justify-content: space-between; align-items: center; }
    h2 { font-size: var(--text-lg); margin: 0; display: flex; gap: var(--space-2); align-items: center; }
    .actions { display: flex; flex-wrap: wrap; gap: var(--space-2); }
    .hint, .meta { font-size: var(--text-xs); color: var(--text-muted); margin: 0; }
    .alert p { margin: var(--space-1) 0 0; }
    .provider { border-top: 1px solid var(--border); padding-top: var(--space-2); }
    .note { display: block; }
    @media (max-width: 760px) {
      :host { position: fixed; inset: 0; width: auto; z-index: 40; border-left: none; }
    }
  `,
})
export class AssistantPanel {
  protected readonly store = inject(AssistantStore);
  readonly conversationId = input.required<number>();
  /** My read marker when I opened the conversation (opening moves it); null: the server's. */
  readonly readUpTo = input<number | null>(null);
  readonly closed = output<void>();

  protected readonly coverageText = computed(() => {
    const s = this.store.summary();
    return s ? coverage(s) : '';
  });
  protected readonly budgetLine = computed(() => budgetText(this.store.status()));
  protected readonly providerText = computed(() => providerLabel(this.store.summary()?.provider ?? ''));
  protected readonly languageText = computed(() => languageLabel(this.store.summary()?.language ?? ''));

  constructor() {
    void this.store.loadStatus();
    effect(() => {
      this.conversationId();
      untracked(() => this.store.reset());
    });
  }

  protected catchUp(): void {
    const after = this.readUpTo();
    void this.store.summarise(
      after === null ? { conversation_id: this.conversationId(), unread_only: true } : { conversation_id: this.conversationId(), after_seq: after },
    );
  }

  protected summarise(): void {
    void this.store.summarise({ conversation_id: this.conversationId() });
  }
}
