// Sending my messages: shown at once as pending, delivered over the socket (REST when it is
// down), retried with the same client_id, and sent again in order after a reconnect.
import { Injectable, inject } from '@angular/core';
import { errorMessage } from '../core/api-error';
import { RealtimeService } from '../core/realtime.service';
import { ChatApi } from './chat-api';
import { PendingMessage, failedForConnection } from './chat-messages';
import { NEW_CLIENT_ID } from './chat-tokens';
import { ChatMessage } from './chat-types';
import { ConversationList } from './conversation-list';
import { Timelines } from './timelines';

@Injectable()
export class Outbox {
  private readonly api = inject(ChatApi);
  private readonly realtime = inject(RealtimeService);
  private readonly list = inject(ConversationList);
  private readonly timelines = inject(Timelines);
  private readonly newClientId = inject(NEW_CLIENT_ID);

  /** Per conversation, the messages being sent again after a reconnect (new ones wait for them). */
  private readonly resending = new Map<number, Promise<void>>();

  /** Shows the message at once and delivers it; resolves when it is stored or has failed. */
  send(text: string, attachments: number[] = []): Promise<void> {
    const id = this.list.activeId();
    if (id === null || (!text.trim() && attachments.length === 0)) return Promise.resolve();
    const pending: PendingMessage = { client_id: this.newClientId(), text, created_at: Date.now(), state: 'sending', error: null, attachments };
    this.timelines.update(id, (t) => ({ ...t, pending: [...t.pending, pending] }));
    // Typed while earlier messages are being sent again: it goes after them.
    const resending = this.resending.get(id);
    if (resending) return resending.then(() => this.deliver(id, pending.client_id, text, attachments));
    return this.deliver(id, pending.client_id, text, attachments);
  }

  /** Sends a failed message again with the same client_id, so the server stores it at most once. */
  retry(clientId: string): Promise<void> {
    const id = this.list.activeId();
    if (id === null) return Promise.resolve();
    const pending = this.timelines.get(id)?.pending.find((p) => p.client_id === clientId);
    if (!pending || pending.state !== 'failed') return Promise.resolve();
    this.setPendingState(id, clientId, 'sending', null);
    return this.deliver(id, clientId, pending.text, pending.attachments ?? []);
  }

  /** Drops a failed message the person gave up on. */
  discard(clientId: string): void {
    const id = this.list.activeId();
    if (id === null) return;
    this.timelines.update(id, (t) => ({ ...t, pending: t.pending.filter((p) => p.client_id !== clientId) }));
  }

  /**
   * A new connection: this tab's messages that failed for want of one go out again, once,
   * with their client_id (the server stores each at most once), oldest first. One that
   * fails again stays failed with Retry.
   */
  resendAfterReconnect(): void {
    for (const [id, timeline] of this.timelines.all()) {
      const queued = timeline.pending.filter((p) => p.state === 'failed' && p.lostConnection).map((p) => p.client_id);
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
      this.timelines.confirm(id, message);
      this.list.noteSent(id, message.seq);
      if (id === this.list.activeId()) void this.timelines.markActiveRead();
    } catch (failure) {
      this.setPendingState(id, clientId, 'failed', errorMessage(failure), failedForConnection(failure));
    }
  }

  private async resendInOrder(id: number, clientIds: readonly string[]): Promise<void> {
    for (let i = 0; i < clientIds.length; i++) {
      const pending = this.timelines.get(id)?.pending.find((p) => p.client_id === clientIds[i]);
      if (!pending || pending.state !== 'sending') continue; // stored meanwhile (e.g. the replay brought it)
      await this.deliver(id, pending.client_id, pending.text, pending.attachments ?? []);
      const after = this.timelines.get(id)?.pending.find((p) => p.client_id === clientIds[i]);
      if (after?.state === 'failed' && after.lostConnection) {
        // The connection went again: the rest wait for the next one, still in order.
        for (const rest of clientIds.slice(i + 1)) this.setPendingState(id, rest, 'failed', after.error, true);
        return;
      }
    }
  }

  private setPendingState(id: number, clientId: string, state: PendingMessage['state'], error: string | null, lostConnection = false): void {
    this.timelines.update(id, (t) => ({
      ...t,
      pending: t.pending.map((p) => (p.client_id === clientId ? { ...p, state, error, lostConnection } : p)),
    }));
  }
}
