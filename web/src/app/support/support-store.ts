import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { ApiError } from '../core/api-error';
import { ChatMessage } from '../core/api-types';
import { RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { ChatApi } from '../chat/chat-api';
import { SupportApi, SupportConversation } from './support-api';

function newClientId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `c-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong; try again.';
}

/**
 * The support page's state. A customer sees their own conversations and talks in the
 * selected one here; an agent sees their teams' queue and conversations and claims from
 * the queue (the conversation itself is then worked in Chat).
 */
@Injectable()
export class SupportStore {
  private readonly api = inject(SupportApi);
  private readonly chat = inject(ChatApi);
  private readonly session = inject(SessionStore);
  private readonly realtime = inject(RealtimeService);

  private readonly listState = signal<SupportConversation[]>([]);
  private readonly queueState = signal<SupportConversation[]>([]);
  private readonly selectedState = signal<number | null>(null);
  private readonly messagesState = signal<ChatMessage[]>([]);
  private readonly errorState = signal('');

  readonly conversations = this.listState.asReadonly();
  readonly queue = this.queueState.asReadonly();
  readonly selectedId = this.selectedState.asReadonly();
  readonly messages = this.messagesState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly isCustomer = computed(() => this.session.user()?.kind === 'customer');
  readonly isAgent = computed(() => this.session.user()?.kind === 'agent' || this.session.isAdmin());
  readonly selected = computed(() => this.listState().find((c) => c.id === this.selectedState()) ?? null);

  constructor() {
    const subscriptions = [
      this.realtime.messages('message.new').subscribe((event) => {
        if (event.conversation_id === this.selectedState()) this.add(event.message);
      }),
      this.realtime.messages('support.updated').subscribe(() => void this.load()),
    ];
    inject(DestroyRef).onDestroy(() => subscriptions.forEach((s) => s.unsubscribe()));
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
    } catch (e) {
      this.errorState.set(describe(e));
    }
  }

  async open(subject: string, text: string): Promise<boolean> {
    try {
      const opened = await this.api.open({ subject: subject.trim(), text, client_id: newClientId() });
      const { message, ...conversation } = opened;
      this.listState.update((list) => [conversation, ...list.filter((c) => c.id !== conversation.id)]);
      this.selectedState.set(conversation.id);
      this.messagesState.set(message ? [message] : []);
      this.errorState.set('');
      return true;
    } catch (e) {
      this.errorState.set(describe(e));
      return false;
    }
  }

  async select(id: number): Promise<void> {
    this.selectedState.set(id);
    this.messagesState.set([]);
    try {
      const page = await this.chat.listMessages(id, { limit: 200 });
      if (this.selectedState() === id) this.messagesState.set(page.items);
    } catch (e) {
      this.errorState.set(describe(e));
    }
  }

  async send(text: string, attachments: number[] = []): Promise<boolean> {
    const id = this.selectedState();
    if (id === null || (!text.trim() && attachments.length === 0)) return false;
    try {
      const files = attachments.length > 0 ? { attachments } : {};
      this.add(await this.chat.postMessage(id, { text, client_id: newClientId(), ...files }));
      return true;
    } catch (e) {
      this.errorState.set(describe(e));
      return false;
    }
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

  private add(message: ChatMessage): void {
    this.messagesState.update((list) =>
      list.some((m) => m.id === message.id) ? list : [...list, message].sort((a, b) => a.seq - b.seq),
    );
  }
}
