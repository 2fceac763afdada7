import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import { MinuteClock } from '../core/clock';
import { formatLocalTime } from '../core/local-time';
import { SessionStore } from '../core/session.store';
import { errorMessage } from '../core/api-error';
import { ChatStore } from './chat-store';
import { threadReplyBlockedReason } from './composer-access';
import { Composer } from './composer';
import { handleOf, renderMarkdown } from './markdown';
import { MessageAttachments } from './message-attachments';
import { UiButton } from '../ui/button';

/** A thread beside the timeline: the root, its replies, a composer, follow/unfollow. */
@Component({
  selector: 'mer-thread-panel',
  imports: [UiButton, Composer, MessageAttachments],
  template: `
    <header>
      <h2>Thread</h2>
      @if (panel(); as p) {
        <button type="button" uiButton uiSize="sm" (click)="follow(!p.following)" data-testid="thread-follow">{{ p.following ? 'Unfollow' : 'Follow' }}</button>
      }
      <button type="button" uiButton="ghost" (click)="closed.emit()" aria-label="Close thread" data-testid="thread-close">✕</button>
    </header>
    @if (error(); as message) {
      <div class="alert alert-error" role="alert">{{ message }}</div>
    }
    <div class="replies" data-testid="thread-replies">
      @if (root(); as r) {
        <article class="root" data-testid="thread-root">
          <strong>{{ r.author?.display_name }}</strong> <time>{{ time(r.created_at) }}</time>
          @if (r.deleted) {
            <div class="text tombstone">This message was deleted.</div>
          } @else {
            <div class="text md" [innerHTML]="html(r.text ?? '')"></div>
            @if (r.attachments?.length) { <mer-message-attachments [attachments]="r.attachments!" /> }
          }
        </article>
        <p class="count muted" data-testid="thread-count">{{ replyCount() }} {{ replyCount() === 1 ? 'reply' : 'replies' }}</p>
      }
      @if (panel()?.hasMore) {
        <button type="button" uiButton uiSize="sm" class="older" (click)="loadOlder()" [disabled]="panel()?.loading" data-testid="thread-load-older">
          {{ panel()?.loading ? 'Loading…' : 'Load older replies' }}
        </button>
      }
      @for (reply of replies(); track reply.key) {
        <article class="reply" data-testid="thread-reply">
          <strong>{{ reply.author.display_name }}</strong> <time>{{ time(reply.created_at) }}</time>
          @if (reply.deleted) {
            <div class="text tombstone">This message was deleted.</div>
          } @else {
            <div class="text md" [innerHTML]="html(reply.text)" data-testid="thread-reply-text"></div>
            @if (reply.attachments?.length) { <mer-message-attachments [attachments]="reply.attachments!" /> }
          }
        </article>
      } @empty {
        @if (!panel()?.loading) {
          <p class="muted">No replies yet — answer below to start the thread.</p>
        }
      }
    </div>
    <mer-composer inputId="thread-composer-input" label="Reply in thread" [blocked]="blocked()" (send)="reply($event)" />
  `,
  styles: `
    :host { display: flex; flex-direction: column; width: 340px; border-left: 1px solid var(--border); background: var(--surface); min-height: 0; }
    header { display: flex; align-items: center; gap: 0.5rem; padding: 0.75rem 1rem; border-bottom: 1px solid var(--border); }
    h2 { font-size: 1rem; margin: 0; flex: 1; }
    .replies { flex: 1; overflow-y: auto; padding: 0.5rem 1rem; min-height: 0; }
    article { padding: 0.35rem 0; }
    .root { border-bottom: 1px solid var(--border); padding-bottom: 0.6rem; }
    time { font-size: 0.75rem; color: var(--text-muted); margin-left: 0.4rem; }
    .older { margin: 0.25rem 0 0.5rem; }
    .count { font-size: 0.8rem; margin: 0.4rem 0; }
    .muted { color: var(--text-muted); }
    .tombstone { font-style: italic; color: var(--text-muted); }
    .alert { margin: 0.5rem 1rem 0; }
    .md ::ng-deep p { margin: 0; }
    .md ::ng-deep pre { background: var(--topbar); color: var(--sidebar-control-text); border-radius: var(--radius-sm); padding: 0.4rem 0.6rem; overflow-x: auto; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThreadPanel {
  private readonly store = inject(ChatStore);
  protected readonly blocked = computed(() => threadReplyBlockedReason(this.store.active()));
  private readonly session = inject(SessionStore);
  private readonly clock = inject(MinuteClock);

  readonly closed = output<void>();

  protected readonly panel = this.store.threadPanel;
  protected readonly root = computed(() => this.panel()?.root ?? null);
  protected readonly replies = this.store.threadReplies;
  /** The root's count (all replies), not just the loaded pages. */
  protected readonly replyCount = computed(() => Math.max(this.root()?.reply_count ?? 0, this.replies().length));
  private readonly actionError = signal<string | null>(null);
  protected readonly error = computed(() => this.actionError() ?? this.panel()?.error ?? null);

  protected time(at: number | undefined): string {
    this.clock.now();
    return at ? formatLocalTime(at, this.session.user()?.time_zone ?? 'UTC') : '';
  }

  protected html(text: string): string {
    return renderMarkdown(text, handleOf(this.session.user()?.email));
  }

  protected async reply(text: string): Promise<void> {
    this.actionError.set(null);
    try {
      await this.store.replyInThread(text);
    } catch (failure) {
      this.actionError.set(errorMessage(failure));
    }
  }

  protected loadOlder(): void {
    void this.store.loadOlderReplies();
  }

  protected async follow(on: boolean): Promise<void> {
    try {
      await this.store.setFollowing(on);
    } catch (failure) {
      this.actionError.set(errorMessage(failure));
    }
  }
}
