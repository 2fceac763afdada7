// Sample AI answers shared by the assistant panel's and the catch-up page's unit tests.
import { Summary } from '../app/ai/ai-api';

/** Lets pending promises (the HTTP answers just flushed) settle. */
export const flushAll = () => new Promise((r) => setTimeout(r, 0));

/** GET /ai/status for someone who may use the copilot (built-in summaries). */
export const aiStatus = { copilot: true, external: false, excluded: false, available: true, reason: null, providers: { summaries: 'builtin' } };

/** A summary with one decision (two messages) and one action item owned by Ben Stone. */
export function makeSummary(extra: Partial<Summary> = {}): Summary {
  const decision = { kind: 'decision' as const, text: 'We decided to ship on Monday.', message_ids: [11, 15], message_seqs: [3, 7] };
  const task = { kind: 'action_item' as const, text: '@ben can you write the notes?', message_ids: [12], message_seqs: [4], owner_user_id: 2, owner_name: 'Ben Stone' };
  return {
    provider: 'builtin', language: 'en', summary: '…', points: [decision, task], decisions: [decision], action_items: [task],
    open_questions: [], message_count: 5, excluded_messages: 0, older_left_out: false, ...extra,
  };
}
