// "… is typing": who types in which conversation (shown for a few seconds after each signal),
// and my own signals, at most one per conversation every 2 s.
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { RealtimeService } from '../core/realtime.service';
import { ConversationList } from './conversation-list';

/** How long "… is typing" stays after the last signal. */
export const TYPING_SHOWN_MS = 5_000;
/** At most one typing signal per conversation this often (the server drops more). */
export const TYPING_EVERY_MS = 2_000;

@Injectable()
export class Typing {
  private readonly realtime = inject(RealtimeService);
  private readonly list = inject(ConversationList);

  /** Per conversation, per person typing: until when it shows. */
  private readonly typingState = signal<ReadonlyMap<number, ReadonlyMap<number, number>>>(new Map());
  private readonly lastTypingSent = new Map<number, number>();
  private typingTimer: ReturnType<typeof setTimeout> | null = null;

  /** Names of the people typing in the open conversation right now (not me). */
  readonly activeTyping = computed(() => {
    const id = this.list.activeId();
    const typists = id === null ? undefined : this.typingState().get(id);
    if (!typists || typists.size === 0) return [];
    const members = this.list.active()?.members ?? [];
    return [...typists.keys()].map((userId) => members.find((m) => m.user_id === userId)?.display_name ?? 'Someone');
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      if (this.typingTimer) clearTimeout(this.typingTimer);
    });
  }

  onTyping(conversationId: number, userId: number): void {
    if (userId === this.list.myId()) return;
    const until = Date.now() + TYPING_SHOWN_MS;
    this.typingState.update((all) => {
      const next = new Map(all);
      next.set(conversationId, new Map(all.get(conversationId) ?? []).set(userId, until));
      return next;
    });
    this.schedulePrune();
  }

  /** Tells the others I am typing in the open conversation, at most once every 2 s. */
  sendTyping(): void {
    const id = this.list.activeId();
    if (id === null) return;
    const now = Date.now();
    if (now - (this.lastTypingSent.get(id) ?? 0) < TYPING_EVERY_MS) return;
    if (this.realtime.notify('typing', { conversation_id: id })) this.lastTypingSent.set(id, now);
  }

  private schedulePrune(): void {
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
      if (left) this.schedulePrune();
    }, 1_000);
  }
}
