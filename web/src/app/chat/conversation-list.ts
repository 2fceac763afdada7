// The person's conversations: the sidebar's sections and unread counts, which one is open,
// and the changes to a conversation (name, members, roles, read positions) as they arrive.
import { Injectable, computed, inject, signal } from '@angular/core';
import { errorMessage } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { ChatApi } from './chat-api';
import { ConversationUpdated } from './chat-events';
import { PAGE_VISIBLE } from './chat-tokens';
import { ChatMessage, ConversationView, CreateConversationRequest } from './chat-types';

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

function byName(a: { label: string }, b: { label: string }): number {
  return a.label.localeCompare(b.label, undefined, { sensitivity: 'base' });
}

@Injectable()
export class ConversationList {
  private readonly api = inject(ChatApi);
  private readonly session = inject(SessionStore);
  private readonly pageVisible = inject(PAGE_VISIBLE);

  private readonly conversationsState = signal<ConversationView[]>([]);
  private readonly activeIdState = signal<number | null>(null);
  private readonly loadedState = signal(false);
  private readonly errorState = signal<string | null>(null);
  private readonly openErrorState = signal<string | null>(null);
  /** Per conversation, the read position already sent to the server. */
  private readonly readingSeq = new Map<number, number>();

  readonly conversations = this.conversationsState.asReadonly();
  readonly loaded = this.loadedState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly openError = this.openErrorState.asReadonly();
  /** The open conversation does not exist or is not mine (the server answers 404 for both). */
  private readonly openMissingState = signal(false);
  readonly openMissing = this.openMissingState.asReadonly();
  /** The open conversation is missing because I was just removed from it (not an old link). */
  private readonly openRemovedState = signal(false);
  readonly openRemoved = this.openRemovedState.asReadonly();
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

  /** Whether I may delete others' messages in the open conversation. */
  readonly canModerate = computed(() => {
    const role = this.active()?.my_role;
    return role === 'owner' || role === 'moderator';
  });

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

  knows(id: number): boolean {
    return this.conversationsState().some((c) => c.id === id);
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

  /** Makes `id` the open conversation and reads its details (my role, members, settings). */
  async select(id: number): Promise<void> {
    this.activeIdState.set(id);
    this.openErrorState.set(null);
    this.openMissingState.set(false);
    this.openRemovedState.set(false);
    try {
      this.upsert(await this.api.getConversation(id));
    } catch (failure) {
      if (this.activeIdState() !== id) return;
      this.openErrorState.set(errorMessage(failure));
      this.openMissingState.set(isMissing(failure));
    }
  }

  close(): void {
    this.activeIdState.set(null);
  }

  /** Reads the open conversation again (my role, observer, can_post) and the list. */
  async refreshActive(): Promise<void> {
    const id = this.activeIdState();
    if (id === null) return;
    try {
      this.upsert(await this.api.getConversation(id));
      this.openMissingState.set(false);
    } catch (failure) {
      this.openErrorState.set(errorMessage(failure));
      this.openMissingState.set(isMissing(failure));
    }
    await this.load();
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

  /** Name and topic; the answer (and conversation.updated for the others) updates the list. */
  async updateDetails(id: number, patch: { name?: string; topic?: string }): Promise<void> {
    this.upsert(await this.api.updateConversation(id, patch));
  }

  /** The conversation as the server answered it, merged with what live events already told. */
  upsert(view: ConversationView): void {
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

  /** Gone from the list (I left it). */
  remove(id: number): void {
    this.conversationsState.update((list) => list.filter((c) => c.id !== id));
  }

  /** I was removed (or left on another device): gone from the list, and the open page says so. */
  removedFromMe(id: number): void {
    this.remove(id);
    if (id === this.activeIdState()) {
      this.openErrorState.set(null);
      this.openRemovedState.set(true);
      this.openMissingState.set(true);
    }
  }

  /** A new message in the timeline of `id`: its last seq, and one more unread unless `seen`. */
  countReceived(id: number, seq: number, seen: boolean): void {
    this.conversationsState.update((list) =>
      list.map((c) => {
        if (c.id !== id) return c;
        const lastSeq = Math.max(c.last_seq, seq);
        if (seen) return { ...c, last_seq: lastSeq };
        return seq > c.last_seq ? { ...c, last_seq: lastSeq, unread: c.unread + 1 } : c;
      }),
    );
  }

  /** My own message was stored: the conversation reaches at least its seq. */
  noteSent(id: number, seq: number): void {
    this.conversationsState.update((list) => list.map((c) => (c.id === id ? { ...c, last_seq: Math.max(c.last_seq, seq) } : c)));
  }

  /** Tells the server conversation `id` has been read up to its newest message (at least `shownSeq`). */
  async markRead(id: number, shownSeq: number): Promise<void> {
    if (!this.pageVisible()) return;
    const conversation = this.conversationsState().find((c) => c.id === id);
    const lastSeq = Math.max(shownSeq, conversation?.last_seq ?? 0);
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

  onMention(conversationId: number, message: ChatMessage): void {
    const reading = conversationId === this.activeIdState() && this.pageVisible() && !message.thread_root_id;
    if (reading) return;
    this.conversationsState.update((list) =>
      list.map((c) => (c.id === conversationId ? { ...c, mentions: (c.mentions ?? 0) + 1 } : c)),
    );
  }

  onReadUpdated(conversationId: number, userId: number, lastReadSeq: number): void {
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

  /** I was added to a conversation: it joins the sidebar at once, as the server shows it to me. */
  async onAdded(id: number): Promise<void> {
    try {
      this.upsert(await this.api.getConversation(id));
    } catch {
      // Removed again meanwhile, or a network error: the next load settles it.
    }
  }

  /** People came or went in a conversation I am in: its member list (when shown) is read again. */
  async onMembersChanged(id: number): Promise<void> {
    if (id !== this.activeIdState()) return;
    try {
      this.upsert(await this.api.getConversation(id));
    } catch {
      // Gone for me too: conversation.removed says so.
    }
  }

  /** Name, topic, settings or a member's role changed (by someone, maybe in another tab). */
  onConversationUpdated(event: ConversationUpdated): void {
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
}

/** A 404 (an ApiError or a raw HTTP failure): no such conversation, or one I may not see. */
function isMissing(failure: unknown): boolean {
  return (failure as { status?: unknown } | null)?.status === 404;
}
