import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterRenderEffect,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { MinuteClock } from '../core/clock';
import { SessionStore } from '../core/session.store';
import { Router } from '@angular/router';
import { errorMessage } from '../core/api-error';
import { ChatStore, DisplayMessage } from './chat-store';
import { Composer } from './composer';
import { renderMarkdown } from './markdown';
import { MembersPanel } from './members-panel';
import { buildTimeline } from './timeline';

/** Near the top or bottom, in pixels, counts as "at" it. */
const EDGE_PX = 48;

/** One open conversation: header, messages, composer. */
@Component({
  selector: 'mer-conversation-page',
  imports: [Composer, MembersPanel],
  templateUrl: './conversation-page.html',
  styleUrl: './conversation-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:visibilitychange)': 'onVisibilityChange()' },
})
export class ConversationPage {
  private readonly store = inject(ChatStore);
  private readonly session = inject(SessionStore);
  private readonly clock = inject(MinuteClock);
  private readonly router = inject(Router);

  /** The route's :id. */
  readonly id = input.required<string>();

  private readonly list = viewChild<ElementRef<HTMLElement>>('list');
  private readonly composer = viewChild(Composer);

  protected readonly conversation = this.store.active;
  protected readonly title = this.store.activeTitle;
  protected readonly loaded = this.store.activeLoaded;
  protected readonly hasMore = this.store.activeHasMore;
  protected readonly loadingOlder = this.store.activeLoadingOlder;
  protected readonly error = computed(() => this.store.openError() ?? this.store.activeError() ?? this.actionError());
  protected readonly readOnly = computed(() => this.conversation()?.my_role === 'read_only');
  protected readonly memberCount = computed(() => this.conversation()?.members.length ?? 0);
  protected readonly timeZone = computed(() => this.session.user()?.time_zone ?? 'UTC');
  protected readonly timeline = computed(() =>
    buildTimeline(this.store.activeMessages(), this.timeZone(), this.clock.now()),
  );
  protected readonly myId = this.store.myId;
  protected readonly canModerate = this.store.canModerate;
  protected readonly showMembers = signal(false);
  protected readonly confirmingDelete = signal<number | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly typingText = computed(() => {
    const names = this.store.activeTyping();
    if (names.length === 0) return '';
    if (names.length === 1) return `${names[0]} is typing…`;
    if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
    return 'Several people are typing…';
  });
  /** The id of the message the composer is editing. */
  protected editing: number | null = null;
  protected readonly symbol = computed(() => {
    const c = this.conversation();
    if (!c) return '';
    if (c.kind === 'channel') return c.visibility === 'private' ? '🔒' : '#';
    return c.kind === 'group' ? '👥' : '@';
  });

  private stickToBottom = true;
  /** Set while an older page loads, to keep the same message under the eye. */
  private anchor: { height: number; top: number } | null = null;

  constructor() {
    effect(() => {
      const id = Number(this.id());
      untracked(() => {
        this.stickToBottom = true;
        void this.store.open(id);
      });
    });
    // Focus the composer when a conversation opens (and once it is rendered).
    effect(() => {
      this.id();
      const composer = this.composer();
      if (composer) queueMicrotask(() => composer.focus());
    });
    afterRenderEffect({
      write: () => {
        this.timeline();
        const el = this.list()?.nativeElement;
        if (!el) return;
        if (this.anchor) {
          el.scrollTop = el.scrollHeight - this.anchor.height + this.anchor.top;
          this.anchor = null;
        } else if (this.stickToBottom) {
          el.scrollTop = el.scrollHeight;
        }
      },
    });
    inject(DestroyRef).onDestroy(() => this.store.close());
  }

  protected initials(name: string): string {
    return name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase())
      .join('');
  }

  protected onScroll(): void {
    const el = this.list()?.nativeElement;
    if (!el) return;
    this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE_PX;
    if (el.scrollTop < EDGE_PX && this.hasMore() && !this.loadingOlder()) void this.loadOlder();
  }

  protected async loadOlder(): Promise<void> {
    const el = this.list()?.nativeElement;
    if (el) this.anchor = { height: el.scrollHeight, top: el.scrollTop };
    await this.store.loadOlder();
  }

  protected send(text: string): void {
    this.stickToBottom = true;
    void this.store.send(text);
  }

  protected html(text: string): string {
    return renderMarkdown(text);
  }

  protected typed(): void {
    this.store.sendTyping();
  }

  /** Up arrow in the empty composer: my newest message that can still be edited. */
  protected editLast(): void {
    const me = this.myId();
    const mine = this.store
      .activeMessages()
      .filter((m) => m.id !== null && m.author.id === me && !m.deleted)
      .at(-1);
    if (mine) this.startEdit(mine);
  }

  protected startEdit(message: DisplayMessage): void {
    if (message.id === null) return;
    this.editing = message.id;
    this.composer()?.startEditing(message.text);
  }

  protected async saveEdit(text: string): Promise<void> {
    const id = this.editing;
    this.editing = null;
    if (id === null) return;
    this.actionError.set(null);
    try {
      await this.store.edit(id, text);
    } catch (failure) {
      this.actionError.set(errorMessage(failure));
    }
  }

  protected async remove(id: number | null): Promise<void> {
    this.confirmingDelete.set(null);
    if (id === null) return;
    this.actionError.set(null);
    try {
      await this.store.remove(id);
    } catch (failure) {
      this.actionError.set(errorMessage(failure));
    }
  }

  protected left(): void {
    this.showMembers.set(false);
    void this.router.navigate(['/chat']);
  }

  protected retry(clientId: string): void {
    void this.store.retry(clientId);
  }

  protected discard(clientId: string): void {
    this.store.discard(clientId);
  }

  protected onVisibilityChange(): void {
    void this.store.markActiveRead();
  }
}
