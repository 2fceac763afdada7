import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { UiButton } from '../ui/button';
import { UiEmptyState } from '../ui/empty-state';
import { UiIcon } from '../ui/icon';
import { ChatStore } from '../chat/chat-store';
import { AiApi, AiStatus, CatchUp } from './ai-api';
import { aiFailure, coverage, providerLabel } from './ai-format';
import { SummaryPoints } from './summary-points';

/**
 * Catch me up across conversations (/chat/catch-up, POST /ai/catch-up): every conversation
 * of mine with unread messages, most unread first, summarised from my read marker on, each
 * point linked to the messages it came from. Opening the page starts it; a progress bar says
 * what is being read meanwhile; nothing unread says so plainly.
 */
@Component({
  selector: 'mer-catch-up-page',
  imports: [RouterLink, UiButton, UiEmptyState, UiIcon, SummaryPoints],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header>
      <h1><ui-icon name="sparkles" /> Catch me up</h1>
      @if (!unavailable()) {
        <button type="button" uiButton="secondary" uiSize="sm" [disabled]="working()" (click)="run()" data-testid="catch-up-run">
          {{ result() ? 'Catch up again' : 'Catch me up' }}
        </button>
      }
    </header>
    <p class="hint">What came after the last message you read in each conversation, summarised from what you may read. People who asked to be left out of AI are left out. Reading it here does not mark anything read.</p>

    @if (unavailable(); as reason) {
      <div class="alert alert-info" role="status" data-testid="catch-up-unavailable">
        <strong>The assistant is not available to you.</strong>
        <p>{{ reason }}</p>
      </div>
    }
    @if (error(); as message) {
      <div class="alert alert-error" role="alert" data-testid="catch-up-error">{{ message }}</div>
    }
    @if (working()) {
      <div class="working" role="status" aria-live="polite" data-testid="catch-up-progress">
        <progress aria-label="Catching up"></progress>
        <span>{{ progressText() }}</span>
      </div>
    } @else if (result(); as r) {
      @if (r.conversations.length === 0) {
        <ui-empty-state heading="You're all caught up" text="Nothing is unread in your conversations." data-testid="catch-up-empty" />
      } @else {
        <p class="meta" data-testid="catch-up-overview">{{ overview() }}</p>
        @for (c of r.conversations; track c.conversation_id) {
          <section class="conversation" [attr.data-conversation-id]="c.conversation_id" data-testid="catch-up-conversation">
            <h2>
              <a [routerLink]="['/chat', c.conversation_id]" data-testid="catch-up-open">{{ labelOf(c) }}</a>
              <span class="count" [attr.aria-label]="c.unread + ' unread'">{{ c.unread }} unread</span>
            </h2>
            <p class="meta">{{ coverageOf(c.summary) }}</p>
            <mer-summary-points [summary]="c.summary" [conversationId]="c.conversation_id" [place]="labelOf(c)" testIds="catch-up" />
          </section>
        }
        @if (r.left_out > 0) {
          <p class="meta" data-testid="catch-up-left-out">{{ r.left_out }} more {{ r.left_out === 1 ? 'conversation' : 'conversations' }} with unread messages not included this time; open them from the list.</p>
        }
        <p class="meta provider" data-testid="catch-up-provider">Made by: {{ providerText() }}</p>
      }
    }
  `,
  styles: `
    :host { display: flex; flex-direction: column; gap: var(--space-3); padding: var(--space-4); overflow-y: auto; height: 100%; box-sizing: border-box; background: var(--surface); }
    header { display: flex; justify-content: space-between; align-items: center; gap: var(--space-2); flex-wrap: wrap; }
    h1 { font-size: var(--text-xl); margin: 0; display: flex; gap: var(--space-2); align-items: center; }
    h2 { font-size: var(--text-lg); margin: 0; display: flex; gap: var(--space-2); align-items: baseline; flex-wrap: wrap; }
    .hint, .meta { font-size: var(--text-xs); color: var(--text-muted); margin: 0; }
    .alert p { margin: var(--space-1) 0 0; }
    .working { display: flex; flex-direction: column; gap: var(--space-2); font-size: var(--text-sm); color: var(--text-muted); }
    .working progress { width: 100%; max-width: 28rem; }
    .conversation { display: flex; flex-direction: column; gap: var(--space-2); padding: var(--space-3); border: 1px solid var(--border); border-radius: var(--radius-md); max-width: 48rem; }
    .count { font-size: var(--text-xs); font-weight: 600; color: var(--brand-strong); }
    .provider { border-top: 1px solid var(--border); padding-top: var(--space-2); max-width: 48rem; }
  `,
})
export class CatchUpPage {
  private readonly api = inject(AiApi);
  private readonly chat = inject(ChatStore, { optional: true });
  private readonly status = signal<AiStatus | null>(null);
  protected readonly result = signal<CatchUp | null>(null);
  protected readonly working = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly unavailable = computed(() => {
    const s = this.status();
    return s && !s.available ? s.reason ?? 'The AI copilot is not available to you.' : null;
  });
  /** What is being read, from the sidebar's unread counts. */
  protected readonly progressText = computed(() => {
    const unread = (this.chat?.conversations() ?? []).filter((c) => c.unread > 0);
    if (unread.length === 0) return 'Reading your conversations…';
    const messages = unread.reduce((sum, c) => sum + c.unread, 0);
    return `Reading ${unread.length} ${unread.length === 1 ? 'conversation' : 'conversations'} with ${messages} unread ${messages === 1 ? 'message' : 'messages'}…`;
  });
  protected readonly overview = computed(() => {
    const r = this.result();
    if (!r) return '';
    const n = r.conversations.length;
    const messages = r.conversations.reduce((sum, c) => sum + c.unread, 0);
    return `${n} ${n === 1 ? 'conversation' : 'conversations'} with ${messages} unread ${messages === 1 ? 'message' : 'messages'}.`;
  });
  /** The sidebar's names (a direct message is named after the other person). */
  private readonly labels = computed(() => {
    const names = new Map<number, string>();
    if (this.chat)
      for (const e of [...this.chat.channels(), ...this.chat.directs(), ...this.chat.groups(), ...this.chat.supports()]) names.set(e.id, e.label);
    return names;
  });
  protected labelOf(c: { conversation_id: number; name: string }): string {
    return this.labels().get(c.conversation_id) || c.name || 'Conversation';
  }
  protected readonly providerText = computed(() => providerLabel(this.result()?.provider ?? ''));
  protected readonly coverageOf = coverage;

  constructor() {
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      this.status.set(await this.api.status());
    } catch (failure) {
      this.error.set(aiFailure(failure));
      return;
    }
    if (!this.unavailable()) await this.run();
  }

  protected async run(): Promise<void> {
    if (this.working()) return;
    this.working.set(true);
    this.error.set(null);
    try {
      this.result.set(await this.api.catchUp());
    } catch (failure) {
      this.error.set(aiFailure(failure));
    } finally {
      this.working.set(false);
    }
  }
}
