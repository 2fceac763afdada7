// "Nothing acknowledged is lost, nothing is stored twice": the check the fault tests (a node
// killed, PostgreSQL restarted) make at the end, against what the sender's acks said.
import assert from 'node:assert/strict';
import { api } from './server.mjs';

/** Every message of the conversation, as {seq, client_id}, oldest first (paged back by seq). */
export async function storedMessages(server, token, conversationId) {
  const stored = [];
  for (let before = ''; ;) {
    const page = await api(server, 'GET', `/api/v1/conversations/${conversationId}/messages?limit=200${before}`, { token });
    assert.equal(page.status, 200, page.text);
    if (page.json.items.length === 0) break;
    stored.push(...page.json.items.map((m) => ({ seq: m.seq, client_id: m.client_id })));
    before = `&before=${Math.min(...page.json.items.map((m) => m.seq))}`;
  }
  return stored.sort((a, b) => a.seq - b.seq);
}

/** `acked`: client_id -> the seq its ack named. The conversation holds exactly those, 1..n. */
export async function assertStoredAsAcknowledged(server, token, conversationId, acked) {
  const stored = await storedMessages(server, token, conversationId);
  assert.equal(stored.length, acked.size, 'every acknowledged message stored once, none twice');
  stored.forEach((m, i) => {
    assert.equal(m.seq, i + 1, 'no hole in the conversation');
    assert.equal(acked.get(m.client_id), m.seq, `${m.client_id} stored with the seq its ack named`);
  });
}
