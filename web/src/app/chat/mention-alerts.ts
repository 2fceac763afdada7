import { DestroyRef, Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import { Subscription } from 'rxjs';
import { BROWSER_NOTIFICATIONS } from '../core/browser-notifications';
import { RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { Toasts } from '../ui/toast';
import { ChatApi } from './chat-api';
import './chat-events';
import { PAGE_VISIBLE } from './chat-tokens';
import { ConversationView } from './chat-types';

/** How long a mention's toast stays when the page is in view (it also has a close button). */
const TOAST_MS = 10_000;
const PREVIEW_CHARS = 140;

type MentionKind = 'user' | 'channel' | 'here';

/** "Alice Almeida mentioned you in #news", "... mentioned @here in Launch group". */
export function mentionTitle(author: string, kind: MentionKind, place: string): string {
  const whom = kind === 'user' ? 'you' : kind === 'here' ? '@here' : '@channel';
  return `${author} mentioned ${whom} in ${place}`;
}

/** Where a message was written, as a person says it. */
export function placeName(c: Pick<ConversationView, 'kind' | 'name'>): string {
  switch (c.kind) {
    case 'channel':
      return `#${c.name}`;
    case 'group':
      return c.name ? c.name : 'a group';
    case 'direct':
      return 'a direct message';
    default:
      return 'a conversation';
  }
}

/** The message's words without Markdown marks, shortened for a toast or a notification. */
export function preview(text: string): string {
  const plain = text.replace(/[*_~`>#]/g, '').replace(/\s+/g, ' ').trim();
  return plain.length > PREVIEW_CHARS ? `${plain.slice(0, PREVIEW_CHARS - 1)}…` : plain;
}

/**
 * Tells a person they were mentioned, wherever they are in the app: a toast with an Open button
 * while the page is in view, a system notification while it is hidden (if they allowed them in
 * the bell's panel; otherwise the toast waits for them). Nothing when the conversation is open
 * in view: they see the message arrive.
 */
@Injectable({ providedIn: 'root' })
export class MentionAlerts {
  private readonly realtime = inject(RealtimeService);
  private readonly router = inject(Router);
  private readonly toasts = inject(Toasts);
  private readonly api = inject(ChatApi);
  private readonly session = inject(SessionStore);
  private readonly pageVisible = inject(PAGE_VISIBLE);
  private readonly notifications = inject(BROWSER_NOTIFICATIONS);
  /** Asked once per conversation, also when mentions arrive together. */
  private readonly places = new Map<number, Promise<string>>();
  private subscription: Subscription | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  start(): void {
    this.subscription ??= this.realtime.messages('mention').subscribe((event) => void this.onMention(event.conversation_id, event.kind, event.message));
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  private async onMention(conversationId: number, kind: MentionKind, message: { id: number; author: { id: number; display_name: string }; text: string }): Promise<void> {
    if (message.author.id === this.session.user()?.id) return;
    const openHere = this.router.url.split(/[?#]/)[0] === `/chat/${conversationId}`;
    if (openHere && this.pageVisible()) return;
    const title = mentionTitle(message.author.display_name, kind, await this.place(conversationId));
    const body = preview(message.text);
    const open = { label: 'Open', run: () => void this.router.navigate(['/chat', conversationId]) };
    if (this.pageVisible()) {
      this.toasts.show(`${title}: “${body}”`, { durationMs: TOAST_MS, action: open });
    } else if (this.notifications.permission() === 'granted') {
      this.notifications.show(title, { body, tag: `mention-${message.id}` });
    } else {
      this.toasts.show(`${title}: “${body}”`, { durationMs: 0, action: open }); // there when they come back
    }
  }

  private place(conversationId: number): Promise<string> {
    let name = this.places.get(conversationId);
    if (!name) {
      name = this.api.getConversation(conversationId).then(placeName, () => {
        this.places.delete(conversationId); // ask again next time
        return 'a conversation';
      });
      this.places.set(conversationId, name);
    }
    return name;
  }
}
