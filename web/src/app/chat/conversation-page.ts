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
import { Router, RouterLink } from '@angular/router';
import { canSeeHours, pairIds } from '../availability/overlap-logic';
import { ProfileCardTrigger } from '../availability/profile-card';
import { errorMessage } from '../core/api-error';
import { DisplayMessage } from './chat-messages';
import { ChatStore } from './chat-store';
import { AttachmentPicker } from './attachment-picker';
import { Composer, Mentionable } from './composer';
import { composerBlockedReason } from './composer-access';
import { handleOf, renderMarkdown } from './markdown';
import { MessageAttachments } from './message-attachments';
import { MembersPanel } from './members-panel';
import { ThreadPanel } from './thread-panel';
import { SupportBar } from './support-bar';
import { PresenceDot } from './presence-dot';
import { PresenceStore, describeLocalTime, flagOf } from './presence-store';
import { buildTimeline } from './timeline';
import { UiButton } from '../ui/button';
import { IconName, UiEmptyState, UiIcon } from '../ui';
import { AssistantPanel } from '../ai/assistant-panel';

/** Near the top or bottom, in pixels, counts as "at" it. */
const EDGE_PX = 200;
/**
 * Virtual scrolling: at most WINDOW messages are in the DOM, whatever the conversation's
 * length; scrolling near an edge slides the window by STEP (from memory, or by loading a
 * page), keeping the message under the eye where it was. Heights are never estimated:
 * the browser lays out the real items, so variable heights (code blocks, quotes) are exact.
 */
export const WINDOW = 150;
export const STEP = 50;

/** One open conversation: header, messages, composer. */
@Component({
  selector: 'mer-conversation-page',
  imports: [RouterLink, UiButton, UiEmptyState, UiIcon, ProfileCardTrigger, AttachmentPicker, Composer, MembersPanel, MessageAttachments, PresenceDot, ThreadPanel, SupportBar, AssistantPanel],
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
  /** ?seq= in the URL: jump to that message. */
  readonly seq = input<string | undefined>();

  private readonly list = viewChild<ElementRef<HTMLElement>>('list');
  private readonly composer = viewChild(Composer);

  protected readonly conversation = this.store.active;
  protected readonly title = this.store.activeTitle;
  protected readonly loaded = this.store.activeLoaded;
  protected readonly hasMore = this.store.activeHasMore;
  protected readonly loadingOlder = this.store.activeLoadingOlder;
  protected readonly error = computed(() => this.store.openError() ?? this.store.activeError() ?? this.actionError());
  /** No such conversation, or not mine: say so in place of the timeline and the composer. */
  protected readonly missing = this.store.openMissing;
  protected readonly removed = this.store.openRemoved;
  /** Why the composer is off ('' = I may post): read-only, announcement mode, unclaimed support. */
  protected readonly blocked = computed(() => composerBlockedReason(this.conversation()));
  protected readonly memberCount = computed(() => this.conversation()?.members.length ?? 0);
  protected readonly timeZone = computed(() => this.session.user()?.time_zone ?? 'UTC');
  /** The key of the last message in the window; null follows the newest. */
  private readonly windowEndKey = signal<string | null>(null);
  private readonly range = computed(() => {
    const messages = this.store.activeMessages();
    const key = this.windowEndKey();
    let end = messages.length;
    if (key !== null) {
      const index = messages.findIndex((m) => m.key === key);
      if (index >= 0) end = index + 1;
    }
    return { start: Math.max(0, end - WINDOW), end, total: messages.length };
  });
  protected readonly timeline = computed(() => {
    const messages = this.store.activeMessages();
    const { start, end } = this.range();
    return buildTimeline(messages.slice(start, end), this.timeZone(), this.clock.now(), messages[start - 1] ?? null);
  });
  protected readonly hasNewer = this.store.activeHasNewer;
  /** Messages exist below the window (in memory or on the server). */
  protected readonly moreBelow = computed(() => this.range().end < this.range().total || this.hasNewer());
  protected readonly highlighted = signal<number | null>(null);
  protected readonly windowStart = computed(() => this.range().start);
  /** "Seen" goes under my newest message the other person of a DM (or the customer of a support conversation) has read. */
  protected readonly seenKey = computed(() => {
    const seen = this.store.activeSeenSeq();
    if (seen === null || seen <= 0) return null;
    const me = this.myId();
    const mine = this.store.activeMessages().filter((m) => m.author.id === me && m.seq !== null && m.seq <= seen);
    const latestMine = this.store.activeMessages().filter((m) => m.author.id === me && m.seq !== null).at(-1);
    const last = mine.at(-1);
    // Only on my latest message, as in most messengers.
    return last && latestMine && last.key === latestMine.key ? last.key : null;
  });
  private readonly presence = inject(PresenceStore);
  protected readonly myId = this.store.myId;
  /** For a direct message: the other person's local time and working hours. */
  protected readonly peerLocal = computed(() => {
    const c = this.conversation();
    if (c?.kind !== 'direct') return '';
    const peer = c.members.find((m) => m.user_id !== this.myId());
    if (!peer) return '';
    const info = this.presence.all().get(peer.user_id);
    const local = describeLocalTime(info, this.clock.now());
    return local ? `${flagOf(info)} ${local}`.trim() : '';
  });
  /** A direct message's other person (their name in the header opens their profile card). */
  protected readonly peerId = computed(() => {
    const c = this.conversation();
    return c?.kind === 'direct' ? (c.members.find((m) => m.user_id !== this.myId())?.user_id ?? 0) : 0;
  });
  /** A direct message's "me and them" for overlap hours, when I may see colleagues' hours. */
  protected readonly peerOverlap = computed(() => {
    const c = this.conversation();
    const peer = c?.kind === 'direct' ? c.members.find((m) => m.user_id !== this.myId()) : undefined;
    return peer && canSeeHours(this.session.user()) ? pairIds(this.myId(), peer.user_id) : '';
  });
  protected readonly canModerate = this.store.canModerate;
  /** Agents and admins in a support conversation get the support bar (claim, notes...). */
  protected readonly supportStaff = computed(() => {
    const c = this.conversation();
    const me = this.session.user();
    return c?.kind === 'support' && (me?.kind === 'agent' || !!me?.roles?.includes('admin'));
  });
  protected readonly showMembers = signal(false);
  /** The AI assistant beside the conversation (web/src/app/ai/). */
  protected readonly showAssistant = signal(false);
  /** Where I had read up to when I opened this conversation (null: not known). */
  protected readonly readBeforeOpen = signal<number | null>(null);
  /** Members by handle (when the server gives handles), then @channel / @here outside DMs. */
  protected readonly mentionables = computed<Mentionable[]>(() => {
    const c = this.conversation();
    if (!c) return [];
    const me = this.myId();
    const people = c.members
      .filter((m) => m.user_id !== me && m.handle)
      .map((m) => ({ handle: m.handle as string, label: m.display_name }));
    if (c.kind === 'direct') return people;
    return [...people, { handle: 'channel', label: 'Notify everyone here' }, { handle: 'here', label: 'Notify everyone online' }];
  });
  protected readonly picking = signal<number | null>(null);
  protected readonly threadOpen = computed(() => this.store.threadPanel() !== null);
  protected readonly commonEmoji = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];
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
  protected readonly symbol = computed<IconName | null>(() => {
    const c = this.conversation();
    if (!c) return null;
    if (c.kind === 'channel') return c.visibility === 'private' ? 'lock' : 'hash';
    if (c.kind === 'support') return 'headphones';
    return c.kind === 'group' ? 'users' : 'at-sign';
  });

  private stickToBottom = true;
  /** Set while the window moves, to keep the same message under the eye. */
  private anchor: { key: string; offset: number; drawn: string } | null = null;
  private jumpTarget: number | null = null;

  constructor() {
    effect(() => {
      const id = Number(this.id());
      const seq = Number(this.seq() ?? NaN);
      untracked(() => {
        this.stickToBottom = true;
        this.windowEndKey.set(null);
        this.store.closeThread();
        // Opening reads the conversation: the assistant's "catch me up" starts from the marker before.
        this.readBeforeOpen.set(this.store.conversations().find((c) => c.id === id)?.last_read_seq ?? null);
        void this.store.open(id).then(() => {
          if (Number.isInteger(seq) && seq > 0 && this.store.activeId() === id) void this.jumpTo(seq);
        });
      });
    });
    // Passive, so the wheel never waits for this listener.
    effect((onCleanup) => {
      const el = this.list()?.nativeElement;
      if (!el) return;
      const wheel = (event: WheelEvent) => this.onWheel(event);
      el.addEventListener('wheel', wheel, { passive: true });
      onCleanup(() => el.removeEventListener('wheel', wheel));
    });
    // Tell the store which seqs are drawn, so it keeps them when it trims far pages.
    effect(() => {
      const messages = this.store.activeMessages();
      const { start, end } = this.range();
      const id = this.store.activeId();
      if (id === null) return;
      let first: number | null = null;
      let last: number | null = null;
      for (let i = start; i < end; i++) {
        const seq = messages[i].seq;
        if (seq === null) continue;
        first ??= seq;
        last = seq;
      }
      untracked(() => this.store.setViewport(id, first, last));
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
        if (this.jumpTarget !== null) {
          const target = el.querySelector<HTMLElement>(`[data-seq="${this.jumpTarget}"]`);
          if (target) {
            el.scrollTop = target.offsetTop - el.clientHeight / 3;
            this.jumpTarget = null;
            this.anchor = null;
          }
        } else if (this.anchor) {
          // Only once what is drawn has changed: a render in between (a "Loading…"
          // flag) must not use up the anchor before the page arrives.
          if (this.drawn() === this.anchor.drawn) return;
          const same = el.querySelector<HTMLElement>(`[data-key="${CSS.escape(this.anchor.key)}"]`);
          if (same) el.scrollTop = same.offsetTop - this.anchor.offset;
          this.anchor = null;
        } else if (this.stickToBottom) {
          el.scrollTop = el.scrollHeight;
        }
      },
    });
    inject(DestroyRef).onDestroy(() => {
      this.store.closeThread();
      this.store.close();
    });
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
    if (!el || this.anchor) return;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE_PX;
    this.stickToBottom = nearBottom && !this.moreBelow();
    if (el.scrollTop < EDGE_PX) {
      if (this.range().start > 0) this.slide(-STEP);
      else if (this.hasMore() && !this.loadingOlder()) void this.loadOlder();
    } else if (nearBottom && this.moreBelow()) {
      if (this.range().end < this.range().total) this.slide(STEP);
      else if (!this.store.activeLoadingNewer()) {
        this.keepAnchor();
        void this.store.loadNewer().then(() => this.dropStaleAnchor());
      }
    }
  }

  /** Moves the window by `by` messages (negative: towards older ones). */
  private slide(by: number): void {
    const messages = this.store.activeMessages();
    const end = Math.min(messages.length, Math.max(Math.min(WINDOW, messages.length), this.range().end + by));
    this.keepAnchor();
    this.windowEndKey.set(end >= messages.length && !this.hasNewer() ? null : (messages[end - 1]?.key ?? null));
  }

  /** What the window draws: its first and last message and their count. */
  private drawn(): string {
    const t = this.timeline();
    return `${t[0]?.key ?? ''}|${t.at(-1)?.key ?? ''}|${t.length}`;
  }

  /** Wheeling up at the very top (or down at the bottom) fires no scroll event: load anyway. */
  private onWheel(event: WheelEvent): void {
    const el = this.list()?.nativeElement;
    if (!el || this.anchor) return;
    const atTop = el.scrollTop <= 0 && event.deltaY < 0;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= 1 && event.deltaY > 0;
    if (atTop || atBottom) this.onScroll();
  }

  /** Remembers the first message in view and its distance from the top of the list. */
  private keepAnchor(): void {
    const el = this.list()?.nativeElement;
    if (!el) return;
    for (const item of Array.from(el.querySelectorAll<HTMLElement>('[data-key]'))) {
      if (item.offsetTop + item.offsetHeight > el.scrollTop) {
        this.anchor = { key: item.dataset['key'] ?? '', offset: item.offsetTop - el.scrollTop, drawn: this.drawn() };
        return;
      }
    }
  }

  /** A load that changed nothing (failed, or nothing older) must not keep scrolling blocked. */
  private dropStaleAnchor(): void {
    if (this.anchor && this.drawn() === this.anchor.drawn) this.anchor = null;
  }

  protected showOlder(): void {
    if (this.range().start > 0) this.slide(-STEP);
    else void this.loadOlder();
  }

  protected async loadOlder(): Promise<void> {
    // Pin the window's end so the loaded page extends it upwards instead of pushing it.
    const messages = this.store.activeMessages();
    if (this.windowEndKey() === null && messages.length) this.windowEndKey.set(messages[messages.length - 1].key);
    this.keepAnchor();
    await this.store.loadOlder();
    if (this.windowEndKey() === messages[messages.length - 1]?.key && !this.hasNewer()) this.windowEndKey.set(null);
    this.dropStaleAnchor();
  }

  /** Shows the message with `seq` in the middle of the window, highlighted. */
  protected async jumpTo(seq: number): Promise<void> {
    const found = await this.store.jumpTo(seq);
    if (!found) return;
    const messages = this.store.activeMessages();
    const index = messages.findIndex((m) => m.seq === seq);
    const end = Math.min(messages.length, index + WINDOW / 2);
    this.windowEndKey.set(end >= messages.length && !this.hasNewer() ? null : messages[end - 1].key);
    this.stickToBottom = false;
    this.jumpTarget = seq;
    this.highlighted.set(seq);
  }

  protected async jumpToLatest(): Promise<void> {
    this.windowEndKey.set(null);
    this.stickToBottom = true;
    if (this.hasNewer()) await this.store.jumpToLatest();
  }

  protected send(text: string, attachments: number[] = []): void {
    if (this.moreBelow()) void this.jumpToLatest();
    this.stickToBottom = true;
    void this.store.send(text, attachments);
  }

  protected localTimeOf(userId: number): string {
    const info = this.presence.all().get(userId);
    const local = describeLocalTime(info, this.clock.now());
    return local ? `${flagOf(info)} ${local}`.trim() : '';
  }

  protected html(text: string): string {
    return renderMarkdown(text, handleOf(this.session.user()?.email));
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

  protected async react(messageId: number | null, emoji: string): Promise<void> {
    if (messageId === null) return;
    this.actionError.set(null);
    try {
      await this.store.toggleReaction(messageId, emoji);
    } catch (failure) {
      this.actionError.set(errorMessage(failure));
    }
  }

  protected openThread(messageId: number | null): void {
    if (messageId === null) return;
    this.showMembers.set(false);
    void this.store.openThread(messageId);
  }

  protected toggleAssistant(): void {
    const open = !this.showAssistant();
    this.showAssistant.set(open);
    if (open) {
      this.showMembers.set(false);
      this.store.closeThread();
    }
  }

  protected closeThread(): void {
    this.store.closeThread();
    this.composer()?.focus();
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

  /** Claimed, assigned away, closed...: what I may do here comes from the server again. */
  protected supportChanged(): void {
    void this.store.refreshActive();
  }

  protected onVisibilityChange(): void {
    void this.store.markActiveRead();
  }
}
