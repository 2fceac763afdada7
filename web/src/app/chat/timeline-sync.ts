// Keeping what is loaded in step with the server: changes to messages (timeline and reply
// thread alike), retention purges, and catching up after a reconnect (socket `sync`, with
// REST /changes as the fallback).
import { Injectable, inject } from '@angular/core';
import { RealtimeService } from '../core/realtime.service';
import { ChatApi } from './chat-api';
import { ChatMessage } from './chat-types';
import { ConversationList } from './conversation-list';
import { ReplyThreads } from './reply-threads';
import { Timelines } from './timelines';

@Injectable()
export class TimelineSync {
  private readonly api = inject(ChatApi);
  private readonly realtime = inject(RealtimeService);
  private readonly list = inject(ConversationList);
  private readonly timelines = inject(Timelines);
  private readonly replies = inject(ReplyThreads);

  private syncCounter = 0;
  /** Socket replays asked for, by request id. */
  private readonly syncing = new Map<string, { conversationId: number; to: number | null }>();
  /** Conversations being caught up over REST. */
  private readonly catchingUp = new Set<number>();

  /** Edited, deleted or reacted-to messages (or new ones from storage), wherever they are shown. */
  applyChanges(id: number, changed: ChatMessage[], fromStorage = false): void {
    this.replies.apply(id, changed);
    this.timelines.applyChanges(id, changed, fromStorage);
  }

  /** Retention deleted these messages: they leave the timeline and the thread panel. */
  purge(conversationId: number, messageIds: readonly number[]): void {
    const gone = new Set(messageIds);
    this.timelines.purge(conversationId, gone);
    this.replies.purge(conversationId, gone);
  }

  /**
   * A new connection and `id` is open: resume over the socket (`sync`), where the server
   * replays every change after our cursor from storage, then carries on live. Applying is
   * idempotent (merge by seq, newest change wins), so events that raced the replay do no
   * harm. REST /changes is the fallback when the socket refuses or the replay is cut short.
   */
  resume(id: number | null): void {
    if (id === null || !this.timelines.get(id)?.loaded) return;
    const requestId = `sync${++this.syncCounter}`;
    const cursor = this.timelines.get(id)?.changeSeq ?? 0;
    if (this.realtime.notify('sync', { id: requestId, cursors: { [String(id)]: cursor } })) {
      this.syncing.set(requestId, { conversationId: id, to: null });
    } else {
      void this.catchUp(id);
    }
  }

  onSyncReplay(event: { id?: string; conversation_id: number; to: number; complete: boolean; error?: unknown }): void {
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
  onSyncDone(requestId: string | undefined): void {
    const pending = requestId ? this.syncing.get(requestId) : undefined;
    if (!pending) return;
    this.syncing.delete(requestId as string);
    const to = pending.to;
    if (to !== null) this.timelines.caughtUpTo(pending.conversationId, to);
  }

  /** Fetches what arrived while the conversation was not open (a reconnect may have missed some). */
  async catchUp(id: number): Promise<void> {
    if (this.catchingUp.has(id)) return; // the running one reads until has_more is false
    this.catchingUp.add(id);
    try {
      for (let round = 0; round < 50; round++) {
        const after = this.timelines.get(id)?.changeSeq ?? 0;
        const page = await this.api.listChanges(id, after, 200);
        this.applyChanges(id, page.items, true);
        // Purges and conversation changes, in their order (messages and these never share a
        // change_seq, and a purged message has no row left to be among the items).
        for (const event of page.events ?? []) {
          if (event.type === 'messages.purged') this.purge(event.conversation_id, event.message_ids);
          else this.list.onConversationUpdated(event);
        }
        const to = page.to;
        if (typeof to === 'number') this.timelines.caughtUpTo(id, to);
        const advanced = page.items.length > 0 || (page.events?.length ?? 0) > 0;
        if (!page.has_more || !advanced) break;
      }
    } catch {
      // What is shown stays; live updates continue.
    } finally {
      this.catchingUp.delete(id);
    }
  }
}
