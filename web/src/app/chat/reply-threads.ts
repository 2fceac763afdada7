// The reply thread open in the side panel: its root, its replies, following it, replying.
import { Injectable, computed, inject, signal } from '@angular/core';
import { errorMessage } from '../core/api-error';
import { RealtimeService } from '../core/realtime.service';
import { ChatApi } from './chat-api';
import { DisplayMessage, PAGE_SIZE, displayOf, mergeMessages } from './chat-messages';
import { NEW_CLIENT_ID, PAGE_VISIBLE } from './chat-tokens';
import { ChatMessage } from './chat-types';
import { ConversationList } from './conversation-list';
import { Timelines } from './timelines';

export interface ThreadPanel {
  conversationId: number;
  root: ChatMessage;
  replies: ChatMessage[];
  hasMore: boolean;
  following: boolean;
  loading: boolean;
  error: string | null;
}

@Injectable()
export class ReplyThreads {
  private readonly api = inject(ChatApi);
  private readonly realtime = inject(RealtimeService);
  private readonly list = inject(ConversationList);
  private readonly timelines = inject(Timelines);
  private readonly pageVisible = inject(PAGE_VISIBLE);
  private readonly newClientId = inject(NEW_CLIENT_ID);

  private readonly panelState = signal<ThreadPanel | null>(null);
  /** Per root, the reply seq my read marker was moved to. */
  private readonly threadReadSeq = new Map<number, number>();

  readonly threadPanel = this.panelState.asReadonly();
  readonly threadReplies = computed<DisplayMessage[]>(() => (this.panelState()?.replies ?? []).map(displayOf));
  readonly threadRoot = computed(() => {
    const panel = this.panelState();
    return panel ? displayOf(panel.root) : null;
  });

  async openThread(rootId: number): Promise<void> {
    const id = this.list.activeId();
    if (id === null) return;
    const root = this.timelines.get(id)?.messages.find((m) => m.id === rootId);
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
    if (reply.type === 'message.ack') this.apply(panel.conversationId, [reply.message]);
  }

  async setFollowing(follow: boolean): Promise<void> {
    const panel = this.panelState();
    if (!panel) return;
    await this.api.followThread(panel.conversationId, panel.root.id, follow);
    this.panelState.update((p) => (p && p.root.id === panel.root.id ? { ...p, following: follow } : p));
  }

  /** New or changed messages of `conversationId`: the open thread's replies and root follow them. */
  apply(conversationId: number, changed: readonly ChatMessage[]): void {
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

  /** Retention deleted these messages: the panel closes with its root, or drops the replies. */
  purge(conversationId: number, gone: ReadonlySet<number>): void {
    const panel = this.panelState();
    if (!panel || panel.conversationId !== conversationId) return;
    if (gone.has(panel.root.id)) this.panelState.set(null);
    else if (panel.replies.some((m) => gone.has(m.id))) this.panelState.set({ ...panel, replies: panel.replies.filter((m) => !gone.has(m.id)) });
  }

  /** Moves my read marker in the open thread to its newest reply (only when I follow it). */
  private async markThreadRead(): Promise<void> {
    const panel = this.panelState();
    const last = panel?.replies[panel.replies.length - 1]?.seq;
    if (!panel || !panel.following || last === undefined || !this.pageVisible()) return;
    if ((this.threadReadSeq.get(panel.root.id) ?? 0) >= last) return;
    this.threadReadSeq.set(panel.root.id, last);
    try {
      await this.api.markThreadRead(panel.conversationId, panel.root.id, last);
      await this.list.load(); // thread_unread comes from the server
    } catch {
      this.threadReadSeq.delete(panel.root.id);
    }
  }
}
