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
  untracked,
  viewChild,
} from '@angular/core';
import { MinuteClock } from '../core/clock';
import { SessionStore } from '../core/session.store';
import { ChatStore } from './chat-store';
import { Composer } from './composer';
import { buildTimeline } from './timeline';

/** Near the top or bottom, in pixels, counts as "at" it. */
const EDGE_PX = 48;

/** One open conversation: header, messages, composer. */
@Component({
  selector: 'mer-conversation-page',
  imports: [Composer],
  templateUrl: './conversation-page.html',
  styleUrl: './conversation-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:visibilitychange)': 'onVisibilityChange()' },
})
export class ConversationPage {
  private readonly store = inject(ChatStore);
  private readonly session = inject(SessionStore);
  private readonly clock = inject(MinuteClock);

  /** The route's :id. */
  readonly id = input.required<string>();

  private readonly list = viewChild<ElementRef<HTMLElement>>('list');
  private readonly composer = viewChild(Composer);

  protected readonly conversation = this.store.active;
  protected readonly title = this.store.activeTitle;
  protected readonly loaded = this.store.activeLoaded;
  protected readonly hasMore = this.store.activeHasMore;
  protected readonly loadingOlder = this.store.activeLoadingOlder;
  protected readonly error = computed(() => this.store.openError() ?? this.store.activeError());
  protected readonly readOnly = computed(() => this.conversation()?.my_role === 'read_only');
  protected readonly memberCount = computed(() => this.conversation()?.members.length ?? 0);
  protected readonly timeZone = computed(() => this.session.user()?.time_zone ?? 'UTC');
  protected readonly timeline = computed(() =>
    buildTimeline(this.store.activeMessages(), this.timeZone(), this.clock.now()),
  );
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
