// The AI module's realtime messages (docs/websocket.md, "AI"): added to the core transport's typed maps.
import type { StoredAnswer } from './ai-api';

declare module '../core/realtime.service' {
  interface ServerMessageMap {
    /** The answer as it stands: the words so far, or all of it once it ended. Replaces what was shown. */
    'ai.answer.snapshot': { type: 'ai.answer.snapshot'; id?: string; answer: StoredAnswer };
    /** More words; `offset` is the byte length of the text they follow. */
    'ai.answer.delta': { type: 'ai.answer.delta'; answer_id: number; offset: number; text: string };
    'ai.answer.done': { type: 'ai.answer.done'; answer_id: number; answer: StoredAnswer };
  }
  interface ClientMessageMap {
    'ai.answer.subscribe': { answer_id: number };
    'ai.answer.unsubscribe': { answer_id: number };
  }
}

export {};
