import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { ApiError } from '../core/api-error';
import { ChatMessage, ConversationMember } from '../chat/chat-types';
import { RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { ChatApi } from '../chat/chat-api';
import { PAGE_VISIBLE } from '../chat/chat-tokens';
import { TYPING_EVERY_MS, TYPING_SHOWN_MS } from '../chat/typing';
import { SupportApi, SupportConversation } from './support-api';
import './support-events';

function newClientId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `c-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong; try again.';
}

/** Newer state wins: a live event older than what a REST answer already gave is ignored. */
function isNewer(next: ChatMessage, current: ChatMessage): boolean {
  return (next.change_seq ?? 0) >= (current.change_seq ?? 0);
}

/**
 * The support page's state. A customer sees their own conversations and talks in the
 * selected one here (edit and delete their own messages, the agents' presence and "Seen");
 * an agent sees their teams' queue and conversations and claims from the queue (the
 * conversation itself is then worked in Chat).
 */
@Injectable()
export class SupportStore {
  private readonly api = inject(SupportApi);
  private readonly chat = inject(ChatApi);
  private readonly session = inject(SessionStore);
  private readonly realtime = inject(RealtimeService);
  private readonly pageVisible = inject(PAGE_VISIBLE);

  private readonly listState = signal<SupportConversation[]>([]);
  private readonly queueState = signal<SupportConversation[]>([]);
  private readonly loadedState = signal(false);
  private readonly selectedState = signal<number | null>(null);
  private readonly messagesState = signal<ChatMessage[]>([]);
  private readonly messagesLoadedState = signal(false);
  private readonly hasEarlierState = signal(false);
  private readonly membersState = signal<ConversationMember[]>([]);
  private readonly errorState = signal('');
  /** Unread messages per conversation (the customer's list shows them). */
  private readonly unreadState = signal<ReadonlyMap<number, number>>(new Map());
  /** The highest seq this person has told the server they read, per conversation. */
  private readonly readSeq = new Map<number, number>();
  /** The open conversation's catch-up point: the highest change_seq read from storage. */
  private changeSeq = 0;
  /** Who is typing in the open conversation, until when (ms). */
  private readonly typingState = signal<ReadonlyMap<number, number>>(new Map());
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private lastTypingSent = 0;

  readonly conversations = this.listState.asReadonly();
  readonly queue = this.queueState.asReadonly();
  /** The first list answer arrived (an empty list means "none", not "loading"). */
  readonly loaded = this.loadedState.asReadonly();
  readonly selectedId = this.selectedState.asReadonly();
  readonly messages = this.messagesState.asReadonly();
  readonly messagesLoaded = this.messagesLoadedState.asReadonly();
  /** Older messages exist on the server (history pages hold at most 200). */
  readonly hasEarlier = this.hasEarlierState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly myId = computed(() => this.session.user()?.id ?? null);
  readonly isCustomer = computed(() => this.session.user()?.kind === 'customer');
  readonly isAgent = computed(() => this.session.user()?.kind === 'agent' || this.session.isAdmin());
  readonly selected = computed(() => this.listState().find((c) => c.id === this.selectedState()) ?? null);
  /** Messages from the agent I have not read yet in this conversation (0 for the open one). */
  unread(id: number): number {
    return id === this.selectedState() ? 0 : (this.unreadState().get(id) ?? 0);
  }

  /** The other members of the selected conversation: its agent(s), never the customer. */
  readonly agents = computed(() => this.membersState().filter((m) => m.user_id !== this.myId()));

  /** "Ada is typing…" for the open conversation (empty when nobody is). */
  readonly typing = computed(() => {
    const names = [...this.typingState().keys()].map(
      (id) => this.membersState().find((m) => m.user_id === id)?.display_name ?? 'Your agent',
    );
    if (names.length === 0) return '';
    return names.length === 1 ? `${names[0]} is typing…` : `${names.join(' and ')} are typing…`;
  });

  /**
   * The id of my newest message (as in the staff chat, a tombstone too) once an agent has
   * read it ("Seen"), else null: an agent's `last_read_seq` reaches its seq (a
   * `read.updated`, or their own later message).
   */
  readonly seenMessageId = computed(() => {
    const me = this.myId();
    const mine = this.messagesState().filter((m) => m.author.id === me).at(-1);
    if (!mine) return null;
    const seen = Math.max(0, ...this.agents().map((a) => a.last_read_seq ?? 0));
    return seen >= mine.seq ? mine.id : null;
  });

  constructor() {
    const subscriptions = [
      this.realtime.messages('message.new').subscribe((event) => {
        if (event.message.thread_root_id) return;
        if (event.conversation_id !== this.selectedState()) {
          if (event.message.author.id !== this.myId()) this.bumpUnread(event.conversation_id);
          return;
        }
        this.add(event.message);
        this.authorRead(event.message);
        this.stopTyping(event.message.author.id);
        if (event.message.author.id !== this.myId()) void this.markRead();
      }),
      this.realtime.messages('message.updated').subscribe((event) => {
        if (event.conversation_id === this.selectedState()) this.replace(event.message);
      }),
      this.realtime.messages('messages.purged').subscribe((event) => {
        if (event.conversation_id === this.selectedState()) this.drop(event.message_ids);
      }),
      this.realtime.messages('read.updated').subscribe((event) => {
        if (event.conversation_id !== this.selectedState()) return;
        if (!this.membersState().some((m) => m.user_id === event.user_id)) {
          void this.loadMembers(event.conversation_id); // a new agent (assigned or transferred)
          return;
        }
        this.moveReadMarker(event.user_id, event.last_read_seq);
      }),
      this.realtime.messages('typing').subscribe((event) => {
        if (event.conversation_id === this.selectedState() && event.user.id !== this.myId()) this.onTyping(event.user.id);
      }),
      this.realtime.messages('support.updated').subscribe((event) => {
        void this.load();
        if (event.conversation.id === this.selectedState()) void this.loadMembers(event.conversation.id);
      }),
      // A new socket missed what happened meanwhile: replay the open conversation's changes.
      this.realtime.messages('hello').subscribe(() => {
        const id = this.selectedState();
        if (id !== null && this.messagesLoadedState()) void this.catchUp(id);
      }),
    ];
    const visibility = () => void this.markRead();
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', visibility);
    inject(DestroyRef).onDestroy(() => {
      subscriptions.forEach((s) => s.unsubscribe());
      if (this.typingTimer) clearTimeout(this.typingTimer);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', visibility);
    });
  }

  async load(): Promise<void> {
    try {
      const [list, queue] = await Promise.all([
        this.api.list(),
        this.isAgent() ? this.api.queue() : Promise.resolve({ items: [] as SupportConversation[] }),
      ]);
      this.listState.set(list.items);
      this.queueState.set(queue.items);
      this.errorState.set('');
      if (this.isCustomer()) void this.loadUnread();
    } catch (e) {
      this.errorState.set(describe(e));
    } finally {
      this.loadedState.set(true);
    }
  }

  /** Unread counts come with chat's conversation list (a customer's are all support). */
  private async loadUnread(): Promise<void> {
    try {
      const { items } = await this.chat.listConversations();
      this.unreadState.set(new Map(items.map((c) => [c.id, c.unread])));
    } catch {
      // The list works without the counts.
    }
  }

  private bumpUnread(id: number): void {
    this.unreadState.update((all) => new Map(all).set(id, (all.get(id) ?? 0) + 1));
  }

  async open(subject: string, text: string): Promise<boolean> {
    try {
      const opened = await this.api.open({ subject: subject.trim(), text, client_id: newClientId() });
      const { message, ...conversation } = opened;
      this.listState.update((list) => [conversation, ...list.filter((c) => c.id !== conversation.id)]);
      this.selectedState.set(conversation.id);
      this.messagesState.set(message ? [message] : []);
      this.changeSeq = message?.change_seq ?? 0;
      this.hasEarlierState.set(false);
      this.messagesLoadedState.set(true);
      this.membersState.set([]);
      this.errorState.set('');
      void this.loadMembers(conversation.id);
      return true;
    } catch (e) {
      this.errorState.set(describe(e));
      return false;
    }
  }

  async select(id: number): Promise<void> {
    this.selectedState.set(id);
    this.typingState.set(new Map());
    if (this.unreadState().has(id)) this.unreadState.update((all) => new Map([...all].filter(([key]) => key !== id)));
    this.messagesState.set([]);
    this.messagesLoadedState.set(false);
    this.hasEarlierState.set(false);
    this.membersState.set([]);
    this.changeSeq = 0;
    try {
      const [page] = await Promise.all([this.chat.listMessages(id, { limit: 200 }), this.loadMembers(id)]);
      if (this.selectedState() !== id) return;
      this.messagesState.set([...page.items].sort((a, b) => a.seq - b.seq));
      this.changeSeq = Math.max(0, ...page.items.map((m) => m.change_seq ?? 0));
      this.hasEarlierState.set(page.has_more);
      this.messagesLoadedState.set(true);
      void this.markRead();
    } catch (e) {
      this.errorState.set(describe(e));
    }
  }

  /**
   * After a reconnect: every change since the last one read from storage, once, in order
   * (`GET .../changes`: new, edited and deleted messages in their latest state, purges),
   * and the members again (read markers are not replayed). Like the Chat app, only what
   * came from storage moves the catch-up point.
   */
  private async catchUp(id: number): Promise<void> {
    try {
      for (let round = 0; round < 50; round++) {
        const page = await this.chat.listChanges(id, this.changeSeq, 200);
        if (this.selectedState() !== id) return;
        const oldest = this.hasEarlierState() ? (this.messagesState()[0]?.seq ?? 0) : 0;
        for (const m of page.items) {
          if (m.thread_root_id) continue;
          if (this.messagesState().some((known) => known.id === m.id)) this.replace(m);
          else if (m.seq >= oldest) this.add(m); // not above an unread earlier page
        }
        for (const event of page.events ?? []) {
          if (event.type === 'messages.purged') this.drop(event.message_ids);
        }
        this.changeSeq = Math.max(this.changeSeq, page.to ?? 0, ...page.items.map((m) => m.change_seq ?? 0));
        const advanced = page.items.length > 0 || (page.events?.length ?? 0) > 0;
        if (!page.has_more || !advanced) break;
      }
      await this.loadMembers(id);
      void this.markRead();
    } catch {
      // What is shown stays; live updates continue.
    }
  }

  /** The page of messages before the oldest one shown. */
  async loadEarlier(): Promise<void> {
    const id = this.selectedState();
    const oldest = this.messagesState()[0]?.seq;
    if (id === null || oldest === undefined || !this.hasEarlierState()) return;
    try {
      const page = await this.chat.listMessages(id, { before: oldest, limit: 200 });
      if (this.selectedState() !== id) return;
      for (const m of page.items) this.add(m);
      this.hasEarlierState.set(page.has_more);
    } catch (e) {
      this.errorState.set(describe(e));
    }
  }

  private async loadMembers(id: number): Promise<void> {
    try {
      const conversation = await this.chat.getConversation(id);
      if (this.selectedState() !== id) return;
      this.membersState.set(conversation.members ?? []);
      this.readSeq.set(id, Math.max(this.readSeq.get(id) ?? 0, conversation.last_read_seq ?? 0));
    } catch {
      // The names in the list still show; presence and "Seen" wait for the next change.
    }
  }

  async send(text: string, attachments: number[] = []): Promise<boolean> {
    const id = this.selectedState();
    if (id === null || (!text.trim() && attachments.length === 0)) return false;
    try {
      const files = attachments.length > 0 ? { attachments } : {};
      this.add(await this.chat.postMessage(id, { text, client_id: newClientId(), ...files }));
      this.errorState.set('');
      return true;
    } catch (e) {
      this.errorState.set(describe(e));
      return false;
    }
  }

  /** Tells the agent I am typing, at most once every 2 s (the server drops more). */
  sendTyping(): void {
    const id = this.selectedState();
    const now = Date.now();
    if (id === null || this.selected()?.status === 'closed' || now - this.lastTypingSent < TYPING_EVERY_MS) return;
    if (this.realtime.notify('typing', { conversation_id: id })) this.lastTypingSent = now;
  }

  /** Only my own messages; the server refuses others' (403) and the page offers no edit on them. */
  async edit(messageId: number, text: string): Promise<boolean> {
    const id = this.selectedState();
    const message = this.messagesState().find((m) => m.id === messageId);
    if (id === null || !message || !text.trim()) return false;
    if (message.text === text) return true;
    try {
      this.replace(await this.chat.editMessage(id, messageId, text));
      this.errorState.set('');
      return true;
    } catch (e) {
      this.errorState.set(describe(e));
      return false;
    }
  }

  async remove(messageId: number): Promise<boolean> {
    const id = this.selectedState();
    if (id === null) return false;
    try {
      this.replace(await this.chat.deleteMessage(id, messageId));
      this.errorState.set('');
      return true;
    } catch (e) {
      this.errorState.set(describe(e));
      return false;
    }
  }

  /** My newest message that can still be edited (Up in an empty composer edits it). */
  lastEditable(): ChatMessage | null {
    const me = this.myId();
    return this.messagesState().filter((m) => m.author.id === me && !m.deleted && m.text).at(-1) ?? null;
  }

  async claim(id: number): Promise<boolean> {
    try {
      await this.api.claim(id);
      await this.load();
      return true;
    } catch (e) {
      this.errorState.set(describe(e));
      return false;
    }
  }

  /** The customer closes their request (solved); Reopen brings it back. */
  async close(id: number): Promise<boolean> {
    try {
      const closed = await this.api.close(id);
      this.listState.update((list) => list.map((c) => (c.id === id ? closed : c)));
      this.errorState.set('');
      return true;
    } catch (e) {
      this.errorState.set(describe(e));
      return false;
    }
  }

  /** A closed conversation takes no messages until reopened (back to its agent or the queue). */
  async reopen(id: number): Promise<boolean> {
    try {
      const reopened = await this.api.reopen(id);
      this.listState.update((list) => list.map((c) => (c.id === id ? reopened : c)));
      this.errorState.set('');
      return true;
    } catch (e) {
      this.errorState.set(describe(e));
      return false;
    }
  }

  /** Tells the server I read the open conversation up to its newest message (the agent's "Seen"). */
  async markRead(): Promise<void> {
    const id = this.selectedState();
    if (id === null || !this.messagesLoadedState() || !this.pageVisible()) return;
    const last = this.messagesState().at(-1)?.seq ?? 0;
    if (last <= (this.readSeq.get(id) ?? 0)) return;
    this.readSeq.set(id, last);
    try {
      await this.chat.markRead(id, last);
    } catch {
      this.readSeq.delete(id); // tried again with the next message
    }
  }

  private add(message: ChatMessage): void {
    this.messagesState.update((list) =>
      list.some((m) => m.id === message.id) ? list : [...list, message].sort((a, b) => a.seq - b.seq),
    );
  }

  private drop(ids: readonly number[]): void {
    const gone = new Set(ids);
    this.messagesState.update((list) => list.filter((m) => !gone.has(m.id)));
  }

  private replace(message: ChatMessage): void {
    this.messagesState.update((list) =>
      list.map((m) => (m.id === message.id && isNewer(message, m) ? { ...m, ...message } : m)),
    );
  }

  /** Whoever posts has read everything up to their message (the server moves their marker too). */
  private authorRead(message: ChatMessage): void {
    if (message.author.id !== this.myId()) this.moveReadMarker(message.author.id, message.seq);
  }

  private onTyping(userId: number): void {
    this.typingState.update((all) => new Map(all).set(userId, Date.now() + TYPING_SHOWN_MS));
    this.schedulePruneTyping();
  }

  private stopTyping(userId: number): void {
    if (this.typingState().has(userId)) {
      this.typingState.update((all) => new Map([...all].filter(([id]) => id !== userId)));
    }
  }

  private schedulePruneTyping(): void {
    if (this.typingTimer) return;
    this.typingTimer = setTimeout(() => {
      this.typingTimer = null;
      const now = Date.now();
      this.typingState.update((all) => new Map([...all].filter(([, until]) => until > now)));
      if (this.typingState().size > 0) this.schedulePruneTyping();
    }, 1_000);
  }

  private moveReadMarker(userId: number, seq: number): void {
    this.membersState.update((members) =>
      members.map((m) => (m.user_id === userId ? { ...m, last_read_seq: Math.max(m.last_read_seq ?? 0, seq) } : m)),
    );
  }
}
