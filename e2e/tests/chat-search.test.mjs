// Search page: a hit is highlighted as text (never HTML) and opens the conversation at that message;
// someone outside the conversation finds nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { aliceAndBruno } from '../lib/chat-pair.mjs';

const TIMEOUT = 15_000;
const HOSTILE = 'Olá <script>alert(1)</script>';

describe('search finds what I may read and opens the conversation at the hit', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, tag, alice, bruno, api, signIn } = pair;
  /** @type {import('../lib/server.mjs').MeridianServer} */
  let server;
  let pageA;
  let pageB;
  before(() => ({ server, pageA, pageB } = pair));

  it('A writes to B; B finds it by a word prefix and jumps to it; an outsider finds nothing', async () => {
    const { json: la } = await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password });
    const { json: people } = await api('GET', `/api/v1/users?q=${encodeURIComponent(bruno.name)}`, la.token);
    const dm = await api('POST', '/api/v1/conversations', la.token, { kind: 'direct', member_ids: [people.items[0].id] });
    assert.ok(dm.status === 201 || dm.status === 200, JSON.stringify(dm.json));
    for (let i = 1; i <= 30; i++) {
      const text = i === 7 ? `The invoice${tag} for <b>March</b> is attached` : `filler ${i}`;
      const r = await api('POST', `/api/v1/conversations/${dm.json.id}/messages`, la.token, { text, client_id: `s-${tag}-${i}` });
      assert.equal(r.status, 201, JSON.stringify(r.json));
    }
    await signIn(pageB, bruno);
    await pageB.goto(`${server.url}/chat/search`);
    await pageB.getByTestId('search-input').fill(`invoice${tag.slice(0, 3)}`);
    await pageB.getByTestId('search-input').press('Enter');
    const hit = pageB.getByTestId('search-hit').first();
    await hit.waitFor();
    assert.match(await hit.locator('mark').first().innerText(), new RegExp(`invoice${tag}`, 'i'));
    assert.equal(await hit.locator('b').count(), 0, 'the snippet is text, not HTML');
    assert.match(await hit.innerText(), /<b>March<\/b>/);
    await screenshot(pageB, 'chat-search');
    await hit.click();
    const target = pageB.locator('[data-testid="message"][data-seq="7"]');
    await target.waitFor();
    // The highlight is set once the jump has loaded its page, maybe a render after the message.
    await pageB.locator('[data-testid="message"][data-seq="7"].highlighted').waitFor();
    assert.match(await target.getAttribute('class'), /highlighted/);

    // Someone who is not in the conversation finds nothing.
    const { json: admin } = await api('POST', '/api/v1/auth/login', null, { email: server.adminEmail, password: server.adminPassword });
    const outsider = { email: `olga.${tag}@example.test`, name: 'Olga Outsider', password: `pw-${randomBytes(8).toString('hex')}` };
    const made = await api('POST', '/api/v1/admin/users', admin.token, { email: outsider.email, display_name: outsider.name, password: outsider.password, kind: 'employee', country: 'PT', time_zone: 'Europe/Lisbon' });
    assert.equal(made.status, 201);
    const { json: lo } = await api('POST', '/api/v1/auth/login', null, { email: outsider.email, password: outsider.password });
    const none = await api('GET', `/api/v1/search?q=invoice${tag}`, lo.token);
    assert.equal(none.status, 200);
    assert.deepEqual(none.json.items, []);
  });

  it('no dialog fired and no page logged an error', () => {
    assert.deepEqual(problems, []);
  });
});
