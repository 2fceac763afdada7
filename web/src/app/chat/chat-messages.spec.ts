import { ChatMessage } from './chat-types';
import { boundTimeline, mergeMessages } from './chat-messages';

const BIA = 8;

function message(seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: 100 + seq,
    conversation_id: 1,
    seq,
    author: { id: BIA, display_name: 'Bia Costa' },
    client_id: `c-${seq}`,
    text: `message ${seq}`,
    created_at: 1_700_000_000_000 + seq * 1000,
    ...overrides,
  };
}

describe('mergeMessages', () => {
  // Speed is measured in bench/chat_scroll.mjs (Chromium), not asserted here.
  it('appends and prepends to 100,000 messages in order', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => message(i + 1));
    let merged = big;
    for (let i = 0; i < 20; i++) merged = mergeMessages(merged, [message(100_001 + i)]);
    merged = mergeMessages(merged, [message(-1), message(0)]);
    expect(merged.length).toBe(100_022);
    expect(merged[0].seq).toBe(-1);
    expect(merged.at(-1)?.seq).toBe(100_020);
    expect(merged.every((m, i) => i === 0 || m.seq === merged[i - 1].seq + 1)).toBe(true);
  });

  it('keeps one copy per seq, in ascending order, whichever way they arrive', () => {
    const merged = mergeMessages([message(3), message(1)], [message(2), message(3), message(1)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});

describe('boundTimeline', () => {
  it('centres the kept messages on what is on screen', () => {
    const timeline = { messages: Array.from({ length: 1000 }, (_, i) => message(i + 1)), hasMore: false, hasNewer: false };
    const kept = boundTimeline(timeline, { first: 101, last: 250 }, 600);
    expect(kept.messages[0].seq).toBe(1);
    expect(kept.messages.at(-1)?.seq).toBe(600);
    expect(kept).toMatchObject({ hasMore: false, hasNewer: true });
    const middle = boundTimeline(timeline, { first: 451, last: 600 }, 600);
    expect(middle.messages[0].seq).toBe(226);
    expect(middle).toMatchObject({ hasMore: true, hasNewer: true });
    const newest = boundTimeline(timeline, undefined, 600);
    expect(newest.messages[0].seq).toBe(401);
    expect(newest).toMatchObject({ hasMore: true, hasNewer: false });
  });
});
