// Follows one stored answer over /ws (docs/websocket.md, "AI"): the snapshot of the words so
// far, each delta after it, the end. After a reload or a reconnect it subscribes again and
// the snapshot replaces what was shown, so nothing is lost or doubled.
import { signal } from '@angular/core';
import { Subscription } from 'rxjs';
import { RealtimeService } from '../core/realtime.service';
import { StoredAnswer } from './ai-api';
import './ai-events';

const encoder = new TextEncoder();

export class AnswerFollower {
  private readonly state = signal<StoredAnswer | null>(null);
  /** The answer as I have it now. */
  readonly answer = this.state.asReadonly();
  /** Bytes of the text shown (the server's deltas count bytes). */
  private bytes = 0;
  private readonly subscriptions: Subscription[];

  constructor(private readonly realtime: Pick<RealtimeService, 'messages' | 'request' | 'notify'>) {
    this.subscriptions = [
      realtime.messages('ai.answer.snapshot').subscribe((m) => {
        if (m.answer.id === this.state()?.id) this.show(m.answer);
      }),
      realtime.messages('ai.answer.delta').subscribe((m) => {
        const a = this.state();
        if (!a || a.id !== m.answer_id || a.status !== 'streaming') return;
        if (m.offset !== this.bytes) {
          this.subscribe(); // out of step: the snapshot puts it right
          return;
        }
        this.bytes += encoder.encode(m.text).length;
        this.state.set({ ...a, text: a.text + m.text });
      }),
      realtime.messages('ai.answer.done').subscribe((m) => {
        if (m.answer_id === this.state()?.id) this.show(m.answer);
      }),
      // A new connection (after a drop): the server forgot this one's subscription.
      realtime.messages('hello').subscribe(() => this.subscribe()),
    ];
  }

  /** Shows this answer and, while it is written, its words as they come. */
  follow(answer: StoredAnswer | null): void {
    const before = this.state();
    if (before && before.status === 'streaming' && before.id !== answer?.id) this.realtime.notify('ai.answer.unsubscribe', { answer_id: before.id });
    this.show(answer);
    this.subscribe();
  }

  destroy(): void {
    const a = this.state();
    if (a?.status === 'streaming') this.realtime.notify('ai.answer.unsubscribe', { answer_id: a.id });
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private show(answer: StoredAnswer | null): void {
    this.bytes = answer ? encoder.encode(answer.text).length : 0;
    this.state.set(answer);
  }

  private subscribe(): void {
    const a = this.state();
    if (!a || a.status !== 'streaming') return;
    // The snapshot comes back as a message too (handled above); not connected: hello subscribes again.
    this.realtime.request('ai.answer.subscribe', { answer_id: a.id }).catch(() => undefined);
  }
}
