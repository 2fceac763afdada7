import { DestroyRef, Injectable, InjectionToken, computed, effect, inject, signal } from '@angular/core';
import { ApiError, errorMessage } from '../core/api-error';
import { ChatAttachment, ChatMessage, ConversationRole, ConversationView, CreateConversationRequest, Reaction } from './chat-types';
import { RealtimeError, RealtimeService } from '../core/realtime.service';
import { ConversationUpdated } from './chat-events';
import { SessionStore } from '../core/session.store';
import { ChatApi } from './chat-api';
import { ChatUnread } from './chat-unread';

/** Whether the person can see the page right now; a token so tests can decide. */
export const PAGE_VISIBLE = new InjectionToken<() => boolean>('PAGE_VISIBLE', {
  providedIn: 'root',
  factory: () => () => typeof document === 'undefined' || document.visibilityState === 'visible',
});

/** Makes the idempotency key of a message; a token so tests can predict it. */
export const NEW_CLIENT_ID = new InjectionToken<() => string>('NEW_CLIENT_ID', {
  providedIn: 'root',
  factory: () => () => crypto.randomUUID(),
});

export const PAGE_SIZE = 50;
/**
 * At most this many messages of one conversation are kept in memory (12 pages; the page
 * draws at most 150 of them). Loading further pages drops the far end (hasMore / hasNewer
 * then say it can be loaded again), so memory and the cost of every change stay the same
 * whether the conversation holds 100 or 100,000 messages.
 */
export const MAX_LOADED = 600;

/** A message the server has not confirmed yet. */
export interface PendingMessage {
  client_id: string;
  text: string;
  /** Unix milliseconds, when it was typed. */
  created_at: number;
  state: 'sending' | 'failed';
  error: string | null;
  /** File ids going with it. */
  attachments?: number[];
  /** It failed for want of a connection: the next reconnect sends it again by itself. */
  lostConnection?: boolean;
}

/**
 * Failures a new connection may cure: the message did not reach the server, or its answer
 * was lost on the way back. A refusal (403, 400, ...) is not sent again by itself.
 */
export function failedForConnection(failure: unknown): boolean {
  if (failure instanceof RealtimeError) return ['disconnected', 'not_connected', 'timeout', 'unavailable', 'internal'].includes(failure.code);
  if (failure instanceof ApiError) return failure.status === 0 || failure.status >= 500;
  return false;
}

/** One row of the message list: stored, or still on its way. */
export interface DisplayMessage {
  key: string;
  reactions: Reaction[];
  replyCount: number;
  /** The stored message's id; null while on its way. */
  id: number | null;
  seq: number | null;
  author: { id: number; display_name: string };
  client_id: string;
  text: string;
  created_at: number;
  state: 'sent' | 'sending' | 'failed';
  error: string | null;
  /** Failed for want of a connection: goes out again by itself when the link is back. */
  resendsOnReconnect?: boolean;
  edited: boolean;
  deleted: boolean;
  attachments?: ChatAttachment[];
}

/** How long "… is typing" stays after the last signal. */
export const TYPING_SHOWN_MS = 5_000;
/** At most one typing signal per conversation this often (the server drops more). */
export const TYPING_EVERY_MS = 2_000;

export interface ThreadPanel {
  conversationId: number;
  root: ChatMessage;
  replies: ChatMessage[];
  hasMore: boolean;
  following: boolean;
  loading: boolean;
  error: string | null;
}

interface Thread {
  messages: ChatMessage[];
  /** Highest change_seq applied, for GET /changes?after= when catching up. */
  changeSeq: number;
  pending: PendingMessage[];
  hasMore: boolean;
  /** After a jump to an old message: newer messages exist that are not loaded yet. */
  hasNewer: boolean;
  loadingNewer: boolean;
  loaded: boolean;
  loadingOlder: boolean;
  error: string | null;
}

const EMPTY_THREAD: Thread = { messages: [], changeSeq: 0, hasNewer: false, loadingNewer: false, pending: [], hasMore: false, loaded: false, loadingOlder: false, error: null };

/** Merges pages and live messages: one entry per seq (unique within a conversation, newest change wins), ascending. */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  // Fast paths (a live message or a newer page at the end, an older page at the start):
  // O(n) copies instead of a sort, which matters with 100,000 messages loaded.
  if (incoming.length === 0) return [...current];
  if (isAscending(incoming)) {
    const last = current[current.length - 1]?.seq ?? -Infinity;
    const first = current[0]?.seq ?? Infinity;
    if (incoming[0].seq > last) return [...current, ...incoming];
    if (incoming[incoming.length - 1].seq < first) return [...incoming, ...current];
  }
  const bySeq = new Map<number, ChatMessage>();
  for (const message of current) bySeq.set(message.seq, message);
  for (const message of incoming) {
    // A response that was on its way must not undo a newer edit or delete.
    const known = bySeq.get(message.seq);
    if (known && (known.change_seq ?? 0) > (message.change_seq ?? 0)) continue;
    // An event may carry only some fields (e.g. reactions): keep the others.
    bySeq.set(message.seq, known ? { ...known, ...message } : message);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The first index whose seq is >= seq (messages ascending by seq). */
function lowerBound(messages: readonly ChatMessage[], seq: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Keeps at most `max` messages, centred on the seqs on screen (`view`), else the newest;
 * what is dropped at either end becomes loadable again (hasMore / hasNewer).
 */
export function boundThread<T extends { messages: ChatMessage[]; hasMore: boolean; hasNewer: boolean }>(
  thread: T,
  view: { first: number; last: number } | undefined,
  max = MAX_LOADED,
): T {
  const n = thread.messages.length;
  if (n <= max) return thread;
  let lo = n - max;
  if (view) {
    const a = lowerBound(thread.messages, view.first);
    const b = lowerBound(thread.messages, view.last + 1);
    lo = Math.min(n - max, Math.max(0, Math.floor((a + b - max) / 2)));
  }
  const hi = lo + max;
  return { ...thread, messages: thread.messages.slice(lo, hi), hasMore: thread.hasMore || lo > 0, hasNewer: thread.hasNewer || hi < n };
}

function isAscending(messages: readonly ChatMessage[]): boolean {
  for (let i = 1; i < messages.length; i++) if (messages[i].seq <= messages[i - 1].seq) return false;
  return true;
}

function maxChangeSeq(messages: readonly ChatMessage[], start = 0): number {
  return messages.reduce((max, m) => Math.max(max, m.change_seq ?? 0), start);
}

function byName(a: { label: string }, b: { label: string }): number {
  return a.label.localeCompare(b.label, undefined, { sensitivity: 'base' });
}

export interface ConversationEntry {
  id: number;
  kind: ConversationView['kind'];
  label: string;
  unread: number;
  mentions: number;
  threadUnread: number;
  visibility: ConversationView['visibility'];
  /** The other person of a direct conversation. */
  peerId: number | null;
}

/** The chat feature's state: the person's conversations, the messages of those opened, live updates. */
@Injectable()
export class ChatStore {
  private readonly api = inject(ChatApi);
  private readonly realtime = inject(RealtimeService);
  private readonly session = inject(SessionStore);
  private readonly pageVisible = inject(PAGE_VISIBLE);
  private readonly newClientId = inject(NEW_CLIENT_ID);

  private readonly conversationsState = signal<ConversationView[]>([]);
  private readonly threadsState = signal<ReadonlyMap<number, Thread>>(new Map());
  private readonly activeIdState = signal<number | null>(null);
  private readonly loadedState = signal(false);
  private readonly errorState = signal<string | null>(null);
  private readonly openErrorState = signal<string | null>(null);
  private readingSeq = new Map<number, number>();

  readonly conversations = this.conversationsState.asReadonly();
  readonly loaded = this.loadedState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly openError = this.openErrorState.asReadonly();
  readonly activeId = this.activeIdState.asReadonly();
  readonly myId = computed(() => this.session.user()?.id ?? null);

  private readonly entries = computed<ConversationEntry[]>(() =>
    this.conversationsState().map((c) => ({
      id: c.id,
      kind: c.kind,
      label: this.titleOf(c),
      unread: c.unread,
      mentions: c.mentions ?? 0,
      threadUnread: c.thread_unread ?? 0,
      visibility: c.visibility,
      peerId: c.kind === 'direct' ? (c.members.find((m) => m.user_id !== this.myId())?.user_id ?? null) : null,
    })),
  );
  readonly channels = computed(() => this.entries().filter((c) => c.kind === 'channel').sort(byName));
  readonly directs = computed(() => this.entries().filter((c) => c.kind === 'direct').sort(byName));
  readonly groups = computed(() => this.entries().filter((c) => c.kind === 'group').sort(byName));
  readonly supports = computed(() => this.entries().filter((c) => c.kind === 'support').sort(byName));
  readonly totalUnread = computed(() => this.conversationsState().reduce((sum, c) => sum + c.unread, 0));

  readonly active = computed(() => {
    const id = this.activeIdState();
    return this.conversationsState().find((c) => c.id === id) ?? null;
  });
  readonly activeTitle = computed(() => {
    const active = this.active();
    return active ? this.titleOf(active) : '';
  });
  private readonly activeThread = computed(() => {
    const id = this.activeIdState();
    return (id !== null && this.threadsState().get(id)) || EMPTY_THREAD;
  });
  readonly activeLoaded = computed(() => this.activeThread().loaded);
  readonly activeHasMore = computed(() => this.activeThread().hasMore);
  readonly activeLoadingOlder = computed(() => this.activeThread().loadingOlder);
  readonly activeError = computed(() => this.activeThread().error);
  /** Stored messages by seq, then the ones still on their way in the order they were typed. */
  readonly activeMessages = computed<DisplayMessage[]>(() => {
    const thread = this.activeThread();
    const me = this.session.user();
    const stored: DisplayMessage[] = thread.messages.map((m) => this.display(m));
    const linkUp = this.realtime.status() === 'connected';
    const pending: DisplayMessage[] = thread.hasNewer ? [] : thread.pending.map((p) => ({
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
  readonly activeHasNewer = computed(() => this.activeThread().hasNewer);
  readonly activeLoadingNewer = computed(() => this.activeThread().loadingNewer);

  /** One DisplayMessage per stored message object, so a long list is not rebuilt per change. */
  private readonly displayCache = new WeakMap<ChatMessage, DisplayMessage>();
  private display(m: ChatMessage): DisplayMessage {
    let d = this.displayCache.get(m);
    if (!d) {
      d = {
      key: `m${m.id}`,
      id: m.id,
      seq: m.seq,
      author: m.author,
      client_id: m.client_id,
      text: m.text,
      created_at: m.created_at,
      state: 'sent',
      error: null,
      edited: !!m.edited_at && !m.deleted,
      deleted: !!m.deleted,
      reactions: m.reactions ?? [],
      replyCount: m.reply_count ?? 0,
      attachments: m.attachments ?? [],
      };
      this.displayCache.set(m, d);
    }
    return d;
  }

  private readonly typingState = signal<ReadonlyMap<number, ReadonlyMap<number, number>>>(new Map());
  private readonly lastTypingSent = new Map<number, number>();
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private greeted = false;

  /** Names of the people typing in the open conversation right now (not me). */
  readonly activeTyping = computed(() => {
    const id = this.activeIdState();
    const typists = id === null ? undefined : this.typingState().get(id);
    if (!typists || typists.size === 0) return [];
    const members = this.active()?.members ?? [];
    return [...typists.keys()].map((userId) => members.find((m) => m.user_id === userId)?.display_name ?? 'Someone');
  });

  constructor() {
    const unread = inject(ChatUnread);
    effect(() => unread.total.set(this.totalUnread()));
    const subscriptions = [
      this.realtime.messages('message.new').subscribe((event) => this.receive(event.message)),
      this.realtime.messages('message.updated').subscribe((event) => this.applyChanges(event.conversation_id, [event.message])),
      this.realtime.messages('typing').subscribe((event) => this.onTyping(event.conversation_id, event.user.id)),
      this.realtime.messages('hello').subscribe(() => this.onHello()),
      this.realtime.messages('reaction.updated').subscribe((event) => this.applyChanges(event.conversation_id, [event.message])),
      this.realtime.messages('mention').subscribe((event) => this.onMention(event.conversation_id, event.message)),
      this.realtime.messages('sync.replay').subscribe((event) => this.onSyncReplay(event)),
      this.realtime.messages('sync.done').subscribe((event) => this.onSyncDone(event.id)),
      this.realtime.messages('read.updated').subscribe((event) => this.onReadUpdated(event.conversation_id, event.user_id, event.last_read_seq)),
      this.realtime.messages('conversation.updated').subscribe((event) => this.onConversationUpdated(event)),
      this.realtime.messages('messages.purged').subscribe((event) => this.onPurged(event.conversation_id, event.message_ids)),
    ];
    inject(DestroyRef).onDestroy(() => {
      for (const s of subscriptions) s.unsubscribe();
      if (this.typingTimer) clearTimeout(this.typingTimer);
    });
  }

  /** A (re)connected socket: everything missed while away is read back from storage. */
  private onHello(): void {
    this.resendAfterReconnect();
    const first = !this.greeted;
    this.greeted = true;
    if (first && !this.loadedState()) return; // the first load is under way anyway
    void this.load();
    const id = this.activeIdState();
    if (id === null || !this.threadsState().get(id)?.loaded) return;
    // Resume over the socket (`sync`): the server replays every change after our cursor
    // from storage, then carries on live. Applying is idempotent (merge by seq, newest
    // change wins), so events that raced the replay do no harm. REST /changes is the
    // fallback when the socket refuses or the replay is cut short.
    const requestId = `sync${++this.syncCounter}`;
    const cursor = this.threadsState().get(id)?.changeSeq ?? 0;
    if (this.realtime.notify('sync', { id: requestId, cursors: { [String(id)]: cursor } })) {
      this.syncing.set(requestId, { conversationId: id, to: null });
    } else {
      void this.catchUp(id);
    }
  }

  private syncCounter = 0;
  private readonly syncing = new Map<string, { conversationId: number; to: number | null }>();

  private onSyncReplay(event: { id?: string; conversation_id: number; to: number; complete: boolean; error?: unknown }): void {
    const pending = event.id ? this.syncing.get(event.id) : undefined;
    if (!pending || pending.conversationId !== event.conversation_id) return;
    if (event.error || !event.complete) {
      this.syncing.delete(event.id as string);
      void this.catchUp(event.conversation_id);
      return;
    }
    pending.to = event.to;
  }

  /** The replay is applied: its end becomes the catch-up point. */
  private onSyncDone(requestId: string | undefined): void {
    const pending = requestId ? this.syncing.get(requestId) : undefined;
    if (!pending) return;
    this.syncing.delete(requestId as string);
    const to = pending.to;
    if (to !== null) this.updateThread(pending.conversationId, (t) => ({ ...t, changeSeq: Math.max(t.changeSeq, to) }));
  }

  private onTyping(conversationId: number, userId: number): void {
    if (userId === this.myId()) return;
    const until = Date.now() + TYPING_SHOWN_MS;
    this.typingState.update((all) => {
      const next = new Map(all);
      next.set(conversationId, new Map(all.get(conversationId) ?? []).set(userId, until));
      return next;
    });
    this.schedulePruneTyping();
  }

  private schedulePruneTyping(): void {
    if (this.typingTimer) return;
    this.typingTimer = setTimeout(() => {
      this.typingTimer = null;
      const now = Date.now();
      let left = false;
      this.typingState.update((all) => {
        const next = new Map<number, ReadonlyMap<number, number>>();
        for (const [id, typists] of all) {
          const still = new Map([...typists].filter(([, until]) => until > now));
          if (still.size) next.set(id, still);
        }
        left = next.size > 0;
        return next;
      });
      if (left) this.schedulePruneTyping();
    }, 1_000);
  }

  /** Tells the others I am typing in the open conversation, at most once every 2 s. */
  sendTyping(): void {
    const id = this.activeIdState();
    if (id === null) return;
    const now = Date.now();
    if (now - (this.lastTypingSent.get(id) ?? 0) < TYPING_EVERY_MS) return;
    if (this.realtime.notify('typing', { conversation_id: id })) this.lastTypingSent.set(id, now);
  }

  /** Edits one of my messages; the list shows the server's answer (and message.updated repeats it). */
  async edit(messageId: number, text: string): Promise<void> {
    const id = this.activeIdState();
    if (id === null || !text.trim()) return;
    const updated = await this.api.editMessage(id, messageId, text);
    this.applyChanges(id, [updated]);
  }

  /** Deletes a message (mine, or anyone's as owner/moderator): it becomes a tombstone. */
  async remove(messageId: number): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    const tombstone = await this.api.deleteMessage(id, messageId);
    this.applyChanges(id, [tombstone]);
  }

  /** Whether I may delete others' messages in the open conversation. */
  readonly canModerate = computed(() => {
    const role = this.active()?.my_role;
    return role === 'owner' || role === 'moderator';
  });

  /**
   * Edited or deleted messages (and new ones, from GET /changes): replaces each by seq
   * inside the loaded range; a change to a message older than the loaded pages waits
   * until that page is read (it then arrives in its latest state).
   */
  applyChanges(id: number, changed: ChatMessage[], fromStorage = false): void {
    this.applyToThreadPanel(id, changed);
    const thread = this.threadsState().get(id);
    if (!thread?.loaded || changed.length === 0) return;
    const byId = new Map(thread.messages.map((m) => [m.id, m]));
    changed = changed.flatMap((m) => {
      if (m.thread_root_id) return []; // replies live in the thread panel
      if (typeof m.seq === 'number') return [m];
      const known = byId.get(m.id);
      return known ? [{ ...known, ...m }] : [];
    });
    const first = thread.messages[0]?.seq ?? Infinity;
    const last = thread.messages[thread.messages.length - 1]?.seq ?? -Infinity;
    const relevant = changed.filter((m) => (!thread.hasMore || m.seq >= first) && (!thread.hasNewer || m.seq <= last));
    this.updateThread(id, (t) => ({
      ...t,
      messages: mergeMessages(t.messages, relevant),
      // Only what was read from storage moves the catch-up point: a live event may have
      // overtaken one that was lost while the socket was down.
      changeSeq: fromStorage ? maxChangeSeq(changed, t.changeSeq) : t.changeSeq,
    }));
  }

  /**
   * "Seen" receipts: in a direct conversation, how far the other person has read; in a
   * support conversation, for the agents, how far the customer (who opened it) has read.
   */
  readonly activeSeenSeq = computed(() => {
    const c = this.active();
    const me = this.myId();
    if (c?.kind === 'direct') return c.members.find((m) => m.user_id !== me)?.last_read_seq ?? null;
    if (c?.kind === 'support' && c.created_by !== me)
      return c.members.find((m) => m.user_id === c.created_by)?.last_read_seq ?? null;
    return null;
  });

  private onReadUpdated(conversationId: number, userId: number, lastReadSeq: number): void {
    this.conversationsState.update((list) =>
      list.map((c) =>
        c.id === conversationId
          ? {
              ...c,
              members: c.members.map((m) =>
                m.user_id === userId ? { ...m, last_read_seq: Math.max(m.last_read_seq ?? 0, lastReadSeq) } : m,
              ),
            }
          : c,
      ),
    );
  }

  /** Name, topic, settings or a member's role changed (by someone, maybe in another tab). */
  private onConversationUpdated(event: ConversationUpdated): void {
    const id = event.conversation_id;
    const me = this.myId();
    const member = event.member;
    this.conversationsState.update((list) =>
      list.map((c) => {
        if (c.id !== id) return c;
        // A member change names the member; the conversation in it may predate a concurrent
        // rename, so only details and settings changes carry the name, topic and settings.
        const details = member ? {} : event.conversation;
        const next: ConversationView = { ...c, ...details, unread: c.unread, last_seq: Math.max(c.last_seq, event.conversation.last_seq ?? 0) };
        if (member) {
          next.members = c.members.map((m) => (m.user_id === member.user_id ? { ...m, role: member.role, can_post: member.can_post } : m));
          if (member.user_id === me) {
            next.my_role = member.role;
            next.my_can_post = member.can_post;
          }
        }
        return next;
      }),
    );
    // The open conversation: what I may do (my_can_post, observer) comes from the server.
    if (id === this.activeIdState()) {
      this.api.getConversation(id).then(
        (view) => this.upsert(view),
        () => undefined,
      );
    }
  }

  /** Retention deleted these messages: they leave the timeline and the thread panel. */
  private onPurged(conversationId: number, messageIds: readonly number[]): void {
    const gone = new Set(messageIds);
    if (this.threadsState().get(conversationId)?.messages.some((m) => gone.has(m.id))) {
      this.updateThread(conversationId, (t) => ({ ...t, messages: t.messages.filter((m) => !gone.has(m.id)) }));
    }
    const panel = this.panelState();
    if (panel && panel.conversationId === conversationId) {
      if (gone.has(panel.root.id)) this.panelState.set(null);
      else if (panel.replies.some((m) => gone.has(m.id)))
        this.panelState.set({ ...panel, replies: panel.replies.filter((m) => !gone.has(m.id)) });
    }
  }

  private onMention(conversationId: number, message: ChatMessage): void {
    const reading = conversationId === this.activeIdState() && this.pageVisible() && !message.thread_root_id;
    if (reading) return;
    this.conversationsState.update((list) =>
      list.map((c) => (c.id === conversationId ? { ...c, mentions: (c.mentions ?? 0) + 1 } : c)),
    );
  }

  /** Adds or removes my reaction with `emoji`; the list shows the server's answer. */
  async toggleReaction(messageId: number, emoji: string): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    const reply = await this.realtime.request('reaction.toggle', { conversation_id: id, message_id: messageId, emoji });
    if (reply.type === 'reaction.ack') this.applyChanges(id, [reply.message]);
  }

  // --- thread panel -------------------------------------------------------

  private readonly panelState = signal<ThreadPanel | null>(null);
  readonly threadPanel = this.panelState.asReadonly();
  readonly threadReplies = computed<DisplayMessage[]>(() => (this.panelState()?.replies ?? []).map((m) => this.display(m)));
  readonly threadRoot = computed(() => {
    const panel = this.panelState();
    return panel ? this.display(panel.root) : null;
  });

  async openThread(rootId: number): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    const root = this.threadsState().get(id)?.messages.find((m) => m.id === rootId);
    this.panelState.set({
      conversationId: id,
      root: root ?? ({ id: rootId } as ChatMessage),
      replies: [],
      hasMore: false,
      following: false,
      loading: true,
      error: null,
    });
    try {
      const page = await this.api.listThread(id, rootId, { limit: PAGE_SIZE });
      this.panelState.update((p) =>
        p && p.root.id === rootId
          ? { ...p, root: page.root, replies: mergeMessages(p.replies, page.items), hasMore: page.has_more, following: page.following, loading: false }
          : p,
      );
      void this.markThreadRead();
    } catch (failure) {
      this.panelState.update((p) => (p && p.root.id === rootId ? { ...p, loading: false, error: errorMessage(failure) } : p));
    }
  }

  /** The thread panel's next older page of replies. */
  async loadOlderReplies(): Promise<void> {
    const panel = this.panelState();
    if (!panel || !panel.hasMore || panel.loading) return;
    const first = panel.replies[0]?.seq;
    if (first === undefined) return;
    const rootId = panel.root.id;
    this.panelState.set({ ...panel, loading: true });
    try {
      const page = await this.api.listThread(panel.conversationId, rootId, { before: first, limit: PAGE_SIZE });
      this.panelState.update((p) =>
        p && p.root.id === rootId ? { ...p, replies: mergeMessages(p.replies, page.items), hasMore: page.has_more, loading: false } : p,
      );
    } catch (failure) {
      this.panelState.update((p) => (p && p.root.id === rootId ? { ...p, loading: false, error: errorMessage(failure) } : p));
    }
  }

  private threadReadSeq = new Map<number, number>();

  /** Moves my read marker in the open thread to its newest reply (only when I follow it). */
  private async markThreadRead(): Promise<void> {
    const panel = this.panelState();
    const last = panel?.replies[panel.replies.length - 1]?.seq;
    if (!panel || !panel.following || last === undefined || !this.pageVisible()) return;
    if ((this.threadReadSeq.get(panel.root.id) ?? 0) >= last) return;
    this.threadReadSeq.set(panel.root.id, last);
    try {
      await this.api.markThreadRead(panel.conversationId, panel.root.id, last);
      await this.load(); // thread_unread comes from the server
    } catch {
      this.threadReadSeq.delete(panel.root.id);
    }
  }

  closeThread(): void {
    this.panelState.set(null);
  }

  async replyInThread(text: string): Promise<void> {
    const panel = this.panelState();
    if (!panel || !text.trim()) return;
    const reply = await this.realtime.request('message.send', {
      conversation_id: panel.conversationId,
      text,
      client_id: this.newClientId(),
      thread_root_id: panel.root.id,
    });
    if (reply.type === 'message.ack') this.applyToThreadPanel(panel.conversationId, [reply.message]);
  }

  async setFollowing(follow: boolean): Promise<void> {
    const panel = this.panelState();
    if (!panel) return;
    await this.api.followThread(panel.conversationId, panel.root.id, follow);
    this.panelState.update((p) => (p && p.root.id === panel.root.id ? { ...p, following: follow } : p));
  }

  private applyToThreadPanel(conversationId: number, changed: readonly ChatMessage[]): void {
    const panel = this.panelState();
    if (!panel || panel.conversationId !== conversationId) return;
    const replies = changed.filter((m) => m.thread_root_id === panel.root.id && typeof m.seq === 'number');
    const root = changed.find((m) => m.id === panel.root.id);
    if (!replies.length && !root) return;
    this.panelState.update((p) =>
      p && p.root.id === panel.root.id
        ? { ...p, root: root ? { ...p.root, ...root } : p.root, replies: mergeMessages(p.replies, replies) }
        : p,
    );
    if (replies.length) void this.markThreadRead();
  }

  async addMember(userId: number): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    await this.api.addMember(id, userId);
    this.upsert(await this.api.getConversation(id));
  }

  /** Owners only: member, moderator, read-only or owner. */
  async setMemberRole(userId: number, role: ConversationRole): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    await this.api.setMemberRole(id, userId, role);
    this.upsert(await this.api.getConversation(id));
  }

  /** Announcement mode: lets a member post (or not). */
  async setMemberCanPost(userId: number, canPost: boolean): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    await this.api.setMemberCanPost(id, userId, canPost);
    this.upsert(await this.api.getConversation(id));
  }

  async removeMember(userId: number): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    await this.api.removeMember(id, userId);
    this.upsert(await this.api.getConversation(id));
  }

  /** Leaves a group or channel; it disappears from the sidebar. */
  async leave(id: number): Promise<void> {
    await this.api.leave(id);
    this.conversationsState.update((list) => list.filter((c) => c.id !== id));
    this.threadsState.update((threads) => {
      const next = new Map(threads);
      next.delete(id);
      return next;
    });
  }

  /** "Ana Silva" for a DM (the other person), "#general" style names otherwise. */
  titleOf(c: ConversationView): string {
    if (c.kind === 'direct') {
      const me = this.myId();
      const other = c.members.find((m) => m.user_id !== me);
      return other?.display_name ?? (c.name || 'Direct message');
    }
    if (c.name) return c.name;
    const me = this.myId();
    const names = c.members.filter((m) => m.user_id !== me).map((m) => m.display_name);
    return names.length ? names.join(', ') : 'Group';
  }

  async load(): Promise<void> {
    try {
      const { items } = await this.api.listConversations();
      // Keep member lists fetched one by one (the list leaves them out for channels).
      const known = new Map(this.conversationsState().map((c) => [c.id, c]));
      const next = items.map((c) => {
        const before = known.get(c.id);
        const active = c.id === this.activeIdState() && this.pageVisible();
        return {
          ...c,
          members: c.members.length || !before ? c.members : before.members,
          unread: active ? 0 : c.unread,
        };
      });
      // The open conversation may be one I read without being a member (a support agent
      // before claiming): it is not in my list, so keep what was fetched for it.
      const open = known.get(this.activeIdState() ?? -1);
      if (open?.observer && !next.some((c) => c.id === open.id)) next.push(open);
      this.conversationsState.set(next);
      this.errorState.set(null);
    } catch (failure) {
      this.errorState.set(errorMessage(failure));
    } finally {
      this.loadedState.set(true);
    }
  }

  /** Makes `id` the open conversation: its details, its newest page, then marks it read. */
  async open(id: number): Promise<void> {
    this.activeIdState.set(id);
    this.openErrorState.set(null);
    const details = this.api.getConversation(id).then(
      (view) => this.upsert(view),
      (failure) => {
        if (this.activeIdState() === id) this.openErrorState.set(errorMessage(failure));
      },
    );
    const thread = this.threadsState().get(id);
    const page = thread?.loaded ? this.catchUp(id) : this.loadNewest(id);
    await Promise.all([details, page]);
    if (this.activeIdState() === id) await this.markActiveRead();
  }

  close(): void {
    this.activeIdState.set(null);
  }

  /** Name and topic; the answer (and conversation.updated for the others) updates the list. */
  async updateDetails(id: number, patch: { name?: string; topic?: string }): Promise<void> {
    this.upsert(await this.api.updateConversation(id, patch));
  }

  /** Reads the open conversation again (my role, observer, can_post) and the list. */
  async refreshActive(): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    try {
      this.upsert(await this.api.getConversation(id));
    } catch (failure) {
      this.openErrorState.set(errorMessage(failure));
    }
    await this.load();
  }

  async loadOlder(): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    const thread = this.threadsState().get(id);
    if (!thread?.loaded || !thread.hasMore || thread.loadingOlder) return;
    const first = thread.messages[0]?.seq;
    if (first === undefined) return;
    this.patchThread(id, { loadingOlder: true });
    try {
      const page = await this.api.listMessages(id, { before: first, limit: PAGE_SIZE });
      this.updateThread(id, (t) => ({
        ...t,
        messages: mergeMessages(t.messages, page.items),
        hasMore: page.has_more,
        loadingOlder: false,
      }));
    } catch (failure) {
      this.patchThread(id, { loadingOlder: false, error: errorMessage(failure) });
    }
  }

  /** After a jump: the next page towards the newest message. */
  async loadNewer(): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    const thread = this.threadsState().get(id);
    if (!thread?.loaded || !thread.hasNewer || thread.loadingNewer) return;
    const last = thread.messages[thread.messages.length - 1]?.seq ?? 0;
    this.patchThread(id, { loadingNewer: true });
    try {
      const page = await this.api.listMessages(id, { after: last, limit: PAGE_SIZE });
      this.updateThread(id, (t) => ({
        ...t,
        messages: mergeMessages(t.messages, page.items),
        hasNewer: page.has_more,
        loadingNewer: false,
      }));
    } catch (failure) {
      this.patchThread(id, { loadingNewer: false, error: errorMessage(failure) });
    }
  }

  /**
   * Makes sure the message with `seq` is loaded. Inside the loaded range nothing is fetched;
   * otherwise the thread restarts as one page around it (older and newer pages load on
   * scroll; live messages are not appended until the newest page is reached again).
   */
  async jumpTo(seq: number): Promise<boolean> {
    const id = this.activeIdState();
    if (id === null) return false;
    const thread = this.threadsState().get(id);
    const first = thread?.messages[0]?.seq;
    const last = thread?.messages[thread.messages.length - 1]?.seq;
    if (thread?.loaded && first !== undefined && last !== undefined && seq >= first && (seq <= last || !thread.hasNewer)) {
      return thread.messages.some((m) => m.seq === seq);
    }
    try {
      const half = PAGE_SIZE / 2;
      const [older, newer] = await Promise.all([
        this.api.listMessages(id, { before: seq + 1, limit: half }),
        this.api.listMessages(id, { after: seq, limit: half }),
      ]);
      const messages = mergeMessages(older.items, newer.items);
      this.updateThread(id, (t) => ({
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
      this.patchThread(id, { error: errorMessage(failure) });
      return false;
    }
  }

  /** Back to the newest page after a jump. */
  async jumpToLatest(): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    this.updateThread(id, (t) => ({ ...t, messages: [], hasNewer: false, loaded: false, changeSeq: 0 }));
    await this.loadNewest(id);
  }

  /** Shows the message at once and delivers it; resolves when it is stored or has failed. */
  send(text: string, attachments: number[] = []): Promise<void> {
    const id = this.activeIdState();
    if (id === null || (!text.trim() && attachments.length === 0)) return Promise.resolve();
    const pending: PendingMessage = { client_id: this.newClientId(), text, created_at: Date.now(), state: 'sending', error: null, attachments };
    this.updateThread(id, (t) => ({ ...t, pending: [...t.pending, pending] }));
    // Typed while earlier messages are being sent again: it goes after them.
    const resending = this.resending.get(id);
    if (resending) return resending.then(() => this.deliver(id, pending.client_id, text, attachments));
    return this.deliver(id, pending.client_id, text, attachments);
  }

  /** Sends a failed message again with the same client_id, so the server stores it at most once. */
  retry(clientId: string): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return Promise.resolve();
    const pending = this.threadsState().get(id)?.pending.find((p) => p.client_id === clientId);
    if (!pending || pending.state !== 'failed') return Promise.resolve();
    this.setPendingState(id, clientId, 'sending', null);
    return this.deliver(id, clientId, pending.text, pending.attachments ?? []);
  }

  /** Drops a failed message the person gave up on. */
  discard(clientId: string): void {
    const id = this.activeIdState();
    if (id === null) return;
    this.updateThread(id, (t) => ({ ...t, pending: t.pending.filter((p) => p.client_id !== clientId) }));
  }

  /** A message.new from the server: append (once), or count it as unread elsewhere. */
  receive(message: ChatMessage): void {
    const id = message.conversation_id;
    const known = this.conversationsState().some((c) => c.id === id);
    if (!known) {
      // Someone started a conversation with us, or added us: the list learns about it.
      void this.load();
      return;
    }
    if (message.thread_root_id) {
      // A thread reply: shown in the thread panel; does not count as unread in the timeline.
      this.applyToThreadPanel(id, [message]);
      return;
    }
    const thread = this.threadsState().get(id);
    if (thread?.loaded && !thread.hasNewer) this.confirm(id, message);
    const mine = message.author.id === this.myId();
    const reading = id === this.activeIdState() && this.pageVisible();
    this.conversationsState.update((list) =>
      list.map((c) => {
        if (c.id !== id) return c;
        const lastSeq = Math.max(c.last_seq, message.seq);
        if (mine || reading) return { ...c, last_seq: lastSeq };
        return message.seq > c.last_seq ? { ...c, last_seq: lastSeq, unread: c.unread + 1 } : c;
      }),
    );
    if (reading && !mine) void this.markActiveRead();
  }

  /** Tells the server the open conversation has been read up to its newest message. */
  async markActiveRead(): Promise<void> {
    const id = this.activeIdState();
    if (id === null || !this.pageVisible()) return;
    const messages = this.threadsState().get(id)?.messages ?? [];
    const conversation = this.conversationsState().find((c) => c.id === id);
    const lastSeq = Math.max(messages[messages.length - 1]?.seq ?? 0, conversation?.last_seq ?? 0);
    if (lastSeq <= 0) return;
    const alreadyRead = Math.max(conversation?.last_read_seq ?? 0, this.readingSeq.get(id) ?? 0);
    this.conversationsState.update((list) =>
      list.map((c) => (c.id === id ? { ...c, unread: 0, mentions: 0, last_read_seq: Math.max(c.last_read_seq, lastSeq) } : c)),
    );
    if (lastSeq <= alreadyRead) return;
    this.readingSeq.set(id, lastSeq);
    try {
      await this.api.markRead(id, lastSeq);
    } catch {
      this.readingSeq.delete(id); // the next visit tries again
    }
  }

  async create(request: CreateConversationRequest): Promise<ConversationView> {
    const view = await this.api.createConversation(request);
    this.upsert(view);
    return view;
  }

  async join(id: number): Promise<ConversationView> {
    const view = await this.api.join(id);
    this.upsert(view);
    return view;
  }

  private async loadNewest(id: number): Promise<void> {
    try {
      const page = await this.api.listMessages(id, { limit: PAGE_SIZE });
      this.updateThread(id, (t) => ({
        ...t,
        messages: mergeMessages(t.messages, page.items),
        changeSeq: maxChangeSeq(page.items, t.changeSeq),
        hasMore: page.has_more,
        loaded: true,
        error: null,
      }));
    } catch (failure) {
      this.patchThread(id, { error: errorMessage(failure) });
    }
  }

  /** Fetches what arrived while the conversation was not open (a reconnect may have missed some). */
  private readonly catchingUp = new Set<number>();

  private async catchUp(id: number): Promise<void> {
    if (this.catchingUp.has(id)) return; // the running one reads until has_more is false
    this.catchingUp.add(id);
    try {
      for (let round = 0; round < 50; round++) {
        const after = this.threadsState().get(id)?.changeSeq ?? 0;
        const page = await this.api.listChanges(id, after, 200);
        this.applyChanges(id, page.items, true);
        // Purges and conversation changes, in their order (messages and these never share a
        // change_seq, and a purged message has no row left to be among the items).
        for (const event of page.events ?? []) {
          if (event.type === 'messages.purged') this.onPurged(event.conversation_id, event.message_ids);
          else this.onConversationUpdated(event);
        }
        const to = page.to;
        if (typeof to === 'number') this.updateThread(id, (t) => ({ ...t, changeSeq: Math.max(t.changeSeq, to) }));
        const advanced = page.items.length > 0 || (page.events?.length ?? 0) > 0;
        if (!page.has_more || !advanced) break;
      }
    } catch {
      // What is shown stays; live updates continue.
    } finally {
      this.catchingUp.delete(id);
    }
  }

  private async deliver(id: number, clientId: string, text: string, attachments: number[] = []): Promise<void> {
    try {
      let message: ChatMessage;
      const files = attachments.length > 0 ? { attachments } : {};
      if (this.realtime.status() === 'connected') {
        const reply = await this.realtime.request('message.send', { conversation_id: id, text, client_id: clientId, ...files });
        if (reply.type !== 'message.ack') throw new Error('The server gave an unexpected answer.');
        message = reply.message;
      } else {
        message = await this.api.postMessage(id, { text, client_id: clientId, ...files });
      }
      this.confirm(id, message);
      this.conversationsState.update((list) =>
        list.map((c) => (c.id === id ? { ...c, last_seq: Math.max(c.last_seq, message.seq) } : c)),
      );
      if (id === this.activeIdState()) void this.markActiveRead();
    } catch (failure) {
      this.setPendingState(id, clientId, 'failed', errorMessage(failure), failedForConnection(failure));
    }
  }

  /**
   * A new connection: this tab's messages that failed for want of one go out again, once,
   * with their client_id (the server stores each at most once), oldest first. One that
   * fails again stays failed with Retry.
   */
  private resendAfterReconnect(): void {
    for (const [id, thread] of this.threadsState()) {
      const queued = thread.pending.filter((p) => p.state === 'failed' && p.lostConnection).map((p) => p.client_id);
      if (queued.length === 0) continue;
      for (const clientId of queued) this.setPendingState(id, clientId, 'sending', null);
      const run: Promise<void> = (this.resending.get(id) ?? Promise.resolve())
        .then(() => this.resendInOrder(id, queued))
        .finally(() => {
          if (this.resending.get(id) === run) this.resending.delete(id);
        });
      this.resending.set(id, run);
    }
  }

  /** Per conversation, the messages being sent again after a reconnect (new ones wait for them). */
  private readonly resending = new Map<number, Promise<void>>();

  private async resendInOrder(id: number, clientIds: readonly string[]): Promise<void> {
    for (let i = 0; i < clientIds.length; i++) {
      const pending = this.threadsState().get(id)?.pending.find((p) => p.client_id === clientIds[i]);
      if (!pending || pending.state !== 'sending') continue; // stored meanwhile (e.g. the replay brought it)
      await this.deliver(id, pending.client_id, pending.text, pending.attachments ?? []);
      const after = this.threadsState().get(id)?.pending.find((p) => p.client_id === clientIds[i]);
      if (after?.state === 'failed' && after.lostConnection) {
        // The connection went again: the rest wait for the next one, still in order.
        for (const rest of clientIds.slice(i + 1)) this.setPendingState(id, rest, 'failed', after.error, true);
        return;
      }
    }
  }

  /** A stored message replaces its pending copy (matched by client_id) and joins the list once. */
  private confirm(id: number, message: ChatMessage): void {
    const mine = message.author.id === this.myId();
    this.updateThread(id, (t) => ({
      ...t,
      messages: mergeMessages(t.messages, [message]),
      pending: mine ? t.pending.filter((p) => p.client_id !== message.client_id) : t.pending,
    }));
  }

  private setPendingState(id: number, clientId: string, state: PendingMessage['state'], error: string | null, lostConnection = false): void {
    this.updateThread(id, (t) => ({
      ...t,
      pending: t.pending.map((p) => (p.client_id === clientId ? { ...p, state, error, lostConnection } : p)),
    }));
  }

  private upsert(view: ConversationView): void {
    this.conversationsState.update((list) => {
      const index = list.findIndex((c) => c.id === view.id);
      if (index < 0) return [...list, view];
      const before = list[index];
      const merged: ConversationView = {
        ...view,
        members: view.members.length ? view.members : before.members,
        // Live updates may be ahead of a response that was on its way.
        last_seq: Math.max(before.last_seq, view.last_seq),
        last_read_seq: Math.max(before.last_read_seq, view.last_read_seq),
        unread: view.id === this.activeIdState() ? 0 : view.unread,
      };
      return list.map((c, i) => (i === index ? merged : c));
    });
  }

  private updateThread(id: number, change: (thread: Thread) => Thread): void {
    this.threadsState.update((threads) => {
      const next = new Map(threads);
      next.set(id, boundThread(change(threads.get(id) ?? EMPTY_THREAD), this.viewports.get(id)));
      return next;
    });
  }

  /** The seqs on screen per conversation, so trimming never drops what is being read. */
  private readonly viewports = new Map<number, { first: number; last: number }>();

  /** The page reports the first and last seq it draws (null: nothing drawn). */
  setViewport(id: number, first: number | null, last: number | null): void {
    if (first === null || last === null) this.viewports.delete(id);
    else this.viewports.set(id, { first, last });
  }

  private patchThread(id: number, patch: Partial<Thread>): void {
    this.updateThread(id, (t) => ({ ...t, ...patch }));
  }
}
