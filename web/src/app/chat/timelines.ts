// The main timeline of each opened conversation: its pages, the window kept in memory, what
// the open one shows (stored messages, then mine still on their way).
import { Injectable, computed, inject, signal } from '@angular/core';
import { errorMessage } from '../core/api-error';
import { RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { ChatApi } from './chat-api';
import {
  DisplayMessage,
  EMPTY_TIMELINE,
  PAGE_SIZE,
  Timeline,
  boundTimeline,
  displayOf,
  maxChangeSeq,
  mergeMessages,
} from './chat-messages';
import { ChatMessage } from './chat-types';
import { ConversationList } from './conversation-list';

@Injectable()
export class Timelines {
  private readonly api = inject(ChatApi);
  private readonly realtime = inject(RealtimeService);
  private readonly session = inject(SessionStore);
  private readonly list = inject(ConversationList);

  private readonly timelinesState = signal<ReadonlyMap<number, Timeline>>(new Map());
  /** The seqs on screen per conversation, so trimming never drops what is being read. */
  private readonly viewports = new Map<number, { first: number; last: number }>();

  private readonly activeTimeline = computed(() => {
    const id = this.list.activeId();
    return (id !== null && this.timelinesState().get(id)) || EMPTY_TIMELINE;
  });
  readonly activeLoaded = computed(() => this.activeTimeline().loaded);
  readonly activeHasMore = computed(() => this.activeTimeline().hasMore);
  readonly activeLoadingOlder = computed(() => this.activeTimeline().loadingOlder);
  readonly activeError = computed(() => this.activeTimeline().error);
  readonly activeHasNewer = computed(() => this.activeTimeline().hasNewer);
  readonly activeLoadingNewer = computed(() => this.activeTimeline().loadingNewer);
  /** Stored messages by seq, then the ones still on their way in the order they were typed. */
  readonly activeMessages = computed<DisplayMessage[]>(() => {
    const timeline = this.activeTimeline();
    const me = this.session.user();
    const stored: DisplayMessage[] = timeline.messages.map(displayOf);
    const linkUp = this.realtime.status() === 'connected';
    const pending: DisplayMessage[] = timeline.hasNewer ? [] : timeline.pending.map((p) => ({
      key: `p${p.client_id}`,
      id: null,
      seq: null,
      author: { id: me?.id ?? 0, display_name: me?.display_name ?? 'You' },
      client_id: p.client_id,
      text: p.text,
      created_at: p.created_at,
      state: p.state,
      error: p.error,
      resendsOnReconnect: p.state === 'failed' && !!p.lostConnection && !linkUp,
      edited: false,
      deleted: false,
      reactions: [],
      replyCount: 0,
    }));
    return [...stored, ...pending];
  });

  get(id: number): Timeline | undefined {
    return this.timelinesState().get(id);
  }

  all(): ReadonlyMap<number, Timeline> {
    return this.timelinesState();
  }

  update(id: number, change: (timeline: Timeline) => Timeline): void {
    this.timelinesState.update((timelines) => {
      const next = new Map(timelines);
      next.set(id, boundTimeline(change(timelines.get(id) ?? EMPTY_TIMELINE), this.viewports.get(id)));
      return next;
    });
  }

  private patch(id: number, patch: Partial<Timeline>): void {
    this.update(id, (t) => ({ ...t, ...patch }));
  }

  forget(id: number): void {
    this.timelinesState.update((timelines) => {
      const next = new Map(timelines);
      next.delete(id);
      return next;
    });
  }

  /** The page reports the first and last seq it draws (null: nothing drawn). */
  setViewport(id: number, first: number | null, last: number | null): void {
    if (first === null || last === null) this.viewports.delete(id);
    else this.viewports.set(id, { first, last });
  }

  /** Tells the server the open conversation has been read up to its newest message. */
  markActiveRead(): Promise<void> {
    const id = this.list.activeId();
    if (id === null) return Promise.resolve();
    const messages = this.get(id)?.messages ?? [];
    return this.list.markRead(id, messages[messages.length - 1]?.seq ?? 0);
  }

  async loadNewest(id: number): Promise<void> {
    try {
      const page = await this.api.listMessages(id, { limit: PAGE_SIZE });
      this.update(id, (t) => ({
        ...t,
        messages: mergeMessages(t.messages, page.items),
        changeSeq: maxChangeSeq(page.items, t.changeSeq),
        hasMore: page.has_more,
        loaded: true,
        error: null,
      }));
    } catch (failure) {
      this.patch(id, { error: errorMessage(failure) });
    }
  }

  async loadOlder(): Promise<void> {
    const id = this.list.activeId();
    if (id === null) return;
    const timeline = this.get(id);
    if (!timeline?.loaded || !timeline.hasMore || timeline.loadingOlder) return;
    const first = timeline.messages[0]?.seq;
    if (first === undefined) return;
    this.patch(id, { loadingOlder: true });
    try {
      const page = await this.api.listMessages(id, { before: first, limit: PAGE_SIZE });
      this.update(id, (t) => ({
        ...t,
        messages: mergeMessages(t.messages, page.items),
        hasMore: page.has_more,
        loadingOlder: false,
      }));
    } catch (failure) {
      this.patch(id, { loadingOlder: false, error: errorMessage(failure) });
    }
  }

  /** After a jump: the next page towards the newest message. */
  async loadNewer(): Promise<void> {
    const id = this.list.activeId();
    if (id === null) return;
    const timeline = this.get(id);
    if (!timeline?.loaded || !timeline.hasNewer || timeline.loadingNewer) return;
    const last = timeline.messages[timeline.messages.length - 1]?.seq ?? 0;
    this.patch(id, { loadingNewer: true });
    try {
      const page = await this.api.listMessages(id, { after: last, limit: PAGE_SIZE });
      this.update(id, (t) => ({
        ...t,
        messages: mergeMessages(t.messages, page.items),
        hasNewer: page.has_more,
        loadingNewer: false,
      }));
    } catch (failure) {
      this.patch(id, { loadingNewer: false, error: errorMessage(failure) });
    }
  }

  /**
   * Makes sure the message with `seq` is loaded. Inside the loaded range nothing is fetched;
   * otherwise the timeline restarts as one page around it (older and newer pages load on
   * scroll; live messages are not appended until the newest page is reached again).
   */
  async jumpTo(seq: number): Promise<boolean> {
    const id = this.list.activeId();
    if (id === null) return false;
    const timeline = this.get(id);
    const first = timeline?.messages[0]?.seq;
    const last = timeline?.messages[timeline.messages.length - 1]?.seq;
    if (timeline?.loaded && first !== undefined && last !== undefined && seq >= first && (seq <= last || !timeline.hasNewer)) {
      return timeline.messages.some((m) => m.seq === seq);
    }
    try {
      const half = PAGE_SIZE / 2;
      const [older, newer] = await Promise.all([
        this.api.listMessages(id, { before: seq + 1, limit: half }),
        this.api.listMessages(id, { after: seq, limit: half }),
      ]);
      const messages = mergeMessages(older.items, newer.items);
      this.update(id, (t) => ({
        ...t,
        messages,
        changeSeq: maxChangeSeq(messages),
        hasMore: older.has_more,
        hasNewer: newer.has_more,
        loaded: true,
        error: null,
      }));
      return messages.some((m) => m.seq === seq);
    } catch (failure) {
      this.patch(id, { error: errorMessage(failure) });
      return false;
    }
  }

  /** Back to the newest page after a jump. */
  async jumpToLatest(): Promise<void> {
    const id = this.list.activeId();
    if (id === null) return;
    this.update(id, (t) => ({ ...t, messages: [], hasNewer: false, loaded: false, changeSeq: 0 }));
    await this.loadNewest(id);
  }

  /** A stored message replaces its pending copy (matched by client_id) and joins the list once. */
  confirm(id: number, message: ChatMessage): void {
    const mine = message.author.id === this.list.myId();
    this.update(id, (t) => ({
      ...t,
      messages: mergeMessages(t.messages, [message]),
      pending: mine ? t.pending.filter((p) => p.client_id !== message.client_id) : t.pending,
    }));
  }

  /**
   * Edited or deleted messages (and new ones, from GET /changes): replaces each by seq
   * inside the loaded range; a change to a message older than the loaded pages waits
   * until that page is read (it then arrives in its latest state).
   */
  applyChanges(id: number, changed: readonly ChatMessage[], fromStorage: boolean): void {
    const timeline = this.get(id);
    if (!timeline?.loaded || changed.length === 0) return;
    const byId = new Map(timeline.messages.map((m) => [m.id, m]));
    const inTimeline = changed.flatMap((m) => {
      if (m.thread_root_id) return []; // replies live in the thread panel
      if (typeof m.seq === 'number') return [m];
      const known = byId.get(m.id);
      return known ? [{ ...known, ...m }] : [];
    });
    const first = timeline.messages[0]?.seq ?? Infinity;
    const last = timeline.messages[timeline.messages.length - 1]?.seq ?? -Infinity;
    const relevant = inTimeline.filter((m) => (!timeline.hasMore || m.seq >= first) && (!timeline.hasNewer || m.seq <= last));
    this.update(id, (t) => ({
      ...t,
      messages: mergeMessages(t.messages, relevant),
      // Only what was read from storage moves the catch-up point: a live event may have
      // overtaken one that was lost while the socket was down.
      changeSeq: fromStorage ? maxChangeSeq(inTimeline, t.changeSeq) : t.changeSeq,
    }));
  }

  /** The catch-up point moves to `to` (a replay or a page of changes was applied up to it). */
  caughtUpTo(id: number, to: number): void {
    this.update(id, (t) => ({ ...t, changeSeq: Math.max(t.changeSeq, to) }));
  }

  /** Retention deleted these messages: they leave the timeline. */
  purge(id: number, gone: ReadonlySet<number>): void {
    if (this.get(id)?.messages.some((m) => gone.has(m.id))) {
      this.update(id, (t) => ({ ...t, messages: t.messages.filter((m) => !gone.has(m.id)) }));
    }
  }
}
