// Two employees chat in a direct message: live delivery both ways, unread badge, text shown literally.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { screenshot } from '../lib/browser.mjs';
import { aliceAndBruno } from '../lib/chat-pair.mjs';
import { untilCount } from '../lib/wait.mjs';

const TIMEOUT = 15_000;
const HOSTILE = 'Olá <script>alert(1)</script>';

describe('two employees chat in a direct message', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, tag, alice, bruno, api, signIn } = pair;
  /** @type {import('../lib/server.mjs').MeridianServer} */
  let server;
  let pageA;
  let pageB;
  before(() => ({ server, pageA, pageB } = pair));

  it('both sign in and open Chat, which starts empty and says what to do', async () => {
    await signIn(pageA, alice);
    await signIn(pageB, bruno);
    for (const page of [pageA, pageB]) {
      await page.getByTestId('nav-chat').click();
      await page.waitForURL(/\/chat$/);
      await page.getByTestId('chat-sidebar-empty').waitFor();
    }
  });

  it('A starts a direct message with B from the directory; focus lands in the composer', async () => {
    await pageA.getByTestId('chat-new-direct').click();
    // The CDK dialog (role=dialog, named by its heading); it was a native <dialog open> before.
    const dialog = pageA.getByRole('dialog', { name: 'New direct message' });
    await dialog.getByTestId('people-search').fill('Bruno');
    await dialog.locator(`[data-testid="person-option"][data-email="${bruno.email}"]`).click();
    await pageA.waitForURL(/\/chat\/\d+$/);
    assert.equal(await pageA.getByTestId('conversation-title').innerText(), bruno.name);
    await pageA.getByTestId('conversation-empty').waitFor();
    await pageA.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'composer-input');
    assert.equal(await pageA.getByTestId('composer-send').isDisabled(), true, 'send is disabled while the box is empty');
  });

  it('A sends with Enter; B sees it live, literally, with an unread badge before opening', async () => {
    await pageA.getByTestId('composer-input').fill(HOSTILE);
    await pageA.getByTestId('composer-input').press('Enter');
    const sent = pageA.locator('[data-testid="message"][data-state="sent"]').last();
    await sent.waitFor();
    assert.equal(await sent.getByTestId('message-text').innerText(), HOSTILE);
    assert.equal(await pageA.getByTestId('composer-input').inputValue(), '', 'the composer is cleared');

    // B never reloads: the DM appears in the sidebar with a badge, through the live connection.
    const item = pageB.locator('[data-testid="conversation-item"]').filter({ hasText: alice.name });
    await item.waitFor();
    await item.getByTestId('unread-badge').waitFor();
    assert.equal((await item.getByTestId('unread-badge').innerText()).trim(), '1');
    assert.match(await item.getAttribute('class'), /unread/);
    assert.equal((await pageB.getByTestId('nav-chat-unread').innerText()).trim(), '1', 'the top navigation counts it too');

    await item.click();
    const received = pageB.locator('[data-testid="message"]').last();
    await received.waitFor();
    assert.equal(await received.getByTestId('message-text').innerText(), HOSTILE);
    assert.equal(await received.getByTestId('message-author').innerText(), alice.name);
    assert.equal(await pageB.locator('script:text("alert(1)")').count(), 0);
    await item.getByTestId('unread-badge').waitFor({ state: 'detached' });
    await pageB.getByTestId('nav-chat-unread').waitFor({ state: 'detached' });
    // A sees that B has read it ("seen" in direct conversations).
    await pageA.locator('[data-testid="message"]').last().getByTestId('message-seen').waitFor();
  });

  it('B replies on two lines with Shift+Enter; A sees the reply live', async () => {
    const box = pageB.getByTestId('composer-input');
    await box.click();
    await box.pressSequentially('Olá Alice!');
    await box.press('Shift+Enter');
    await box.pressSequentially('Tudo bem?');
    await box.press('Enter');
    await pageB.locator('[data-testid="message"][data-state="sent"]').nth(1).waitFor();

    const reply = pageA.locator('[data-testid="message"]').filter({ hasText: 'Tudo bem?' });
    await reply.waitFor();
    assert.equal(await reply.getByTestId('message-text').innerText(), 'Olá Alice!\nTudo bem?');
    assert.equal(await reply.getByTestId('message-author').innerText(), bruno.name);
    // A is looking at the conversation, so it is not counted as unread.
    assert.equal(await pageA.getByTestId('unread-badge').count(), 0);
    await screenshot(pageA, 'chat-dm');
    await screenshot(pageB, 'chat-dm-b');
  });

  it('after a reload the history is still there, in order, with one copy of each message', async () => {
    await pageA.reload();
    await pageA.locator('[data-testid="message"]').nth(1).waitFor();
    const texts = await pageA.getByTestId('message-text').allInnerTexts();
    assert.deepEqual(texts, [HOSTILE, 'Olá Alice!\nTudo bem?']);
  });

  it('Markdown renders for both, and neither <script> nor a javascript: link ever runs', async () => {
    const text =
      '**bold** _it_ `code` [docs](https://example.com/docs) [evil](javascript:window.__pwned=1) <img src=x onerror="window.__pwned=2"> <script>window.__pwned=3</script>';
    await pageA.getByTestId('composer-input').fill(text);
    await pageA.getByTestId('composer-input').press('Enter');
    for (const page of [pageA, pageB]) {
      const message = page.locator('[data-testid="message"]').filter({ hasText: 'bold' }).last();
      await message.waitFor();
      const body = message.getByTestId('message-text');
      assert.equal(await body.locator('strong').innerText(), 'bold');
      assert.equal(await body.locator('em').innerText(), 'it');
      assert.equal(await body.locator('code').innerText(), 'code');
      const links = body.locator('a');
      assert.equal(await links.count(), 1, 'only the https link becomes a link');
      assert.equal(await links.first().getAttribute('href'), 'https://example.com/docs');
      assert.equal(await links.first().getAttribute('target'), '_blank');
      assert.equal(await links.first().getAttribute('rel'), 'noopener noreferrer');
      assert.equal(await body.locator('img, script').count(), 0);
      assert.match(await body.innerText(), /\[evil\]\(javascript:window.__pwned=1\)/);
      // Clicking the text where the javascript: link would be does nothing.
      await body.getByText('[evil]', { exact: false }).click();
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
    }
  });

  it('B sees A typing; A edits the last message with Up, B sees it edited; A deletes it, B sees a tombstone', async () => {
    const box = pageA.getByTestId('composer-input');
    await box.click();
    await box.pressSequentially('Hold on', { delay: 20 });
    await pageB.getByTestId('typing-indicator').waitFor();
    assert.equal(await pageB.getByTestId('typing-indicator').innerText(), `${alice.name} is typing…`);
    await box.fill('');
    await box.press('ArrowUp');
    await pageA.getByTestId('composer-editing').waitFor();
    assert.match(await box.inputValue(), /^\*\*bold\*\*/);
    await box.fill('Fixed *text*');
    await box.press('Enter');
    const editedB = pageB.locator('[data-testid="message"]').filter({ hasText: 'Fixed text' });
    await editedB.getByTestId('message-edited').waitFor();
    assert.equal(await editedB.locator('em').innerText(), 'text');
    // A leaves edit mode on Enter, drawn in A's next change detection: wait, don't count at once.
    assert.equal(await untilCount(pageA.getByTestId('composer-editing'), 0), 0);

    // Escape leaves edit mode without saving.
    await box.press('ArrowUp');
    await pageA.getByTestId('composer-editing').waitFor();
    await box.press('Escape');
    await pageA.getByTestId('composer-editing').waitFor({ state: 'detached' });
    assert.equal(await box.inputValue(), '');

    const mine = pageA.locator('[data-testid="message"]').filter({ hasText: 'Fixed text' });
    await mine.hover();
    await mine.getByTestId('message-delete').click();
    await mine.getByTestId('message-delete-confirm').click();
    await pageB.getByTestId('message-deleted').waitFor();
    assert.equal(await pageB.locator('[data-testid="message"]').filter({ hasText: 'Fixed text' }).count(), 0);
    // B may not edit or delete A's messages in a DM.
    const theirs = pageB.locator('[data-testid="message"]').first();
    await theirs.hover();
    assert.equal(await theirs.getByTestId('message-edit').count(), 0);
    assert.equal(await theirs.getByTestId('message-delete').count(), 0);
    await screenshot(pageB, 'chat-edit-delete');
  });

  it('presence: each sees the other online with local time and working hours; dnd shows on the other side', async () => {
    const dotOfAlice = pageB.locator('[data-testid="conversation-item"]').filter({ hasText: alice.name }).getByTestId('presence-dot');
    await pageB.waitForFunction(
      (name) => [...document.querySelectorAll('[data-testid="conversation-item"]')].some((a) => a.textContent.includes(name) && a.querySelector('[data-status="online"]')),
      alice.name,
    );
    // The country as its code: a title attribute cannot hold the flag picture (issue 15, #12).
    assert.match(await dotOfAlice.getAttribute('title'), /^Active · PT \d\d:\d\d in Lisbon, (inside|outside) working hours$/);
    assert.match(await pageA.getByTestId('peer-local-time').innerText(), /in Lisbon, (inside|outside) working hours/);
    await pageA.getByTestId('my-mode').selectOption('dnd');
    await pageB.waitForFunction(
      (name) => [...document.querySelectorAll('[data-testid="conversation-item"]')].some((a) => a.textContent.includes(name) && a.querySelector('[data-status="dnd"]')),
      alice.name,
    );
    await pageA.getByTestId('my-mode').selectOption('auto');
    await screenshot(pageB, 'chat-presence');
  });

  it('the members panel lists both people; a direct message cannot be left', async () => {
    await pageA.getByTestId('member-count').click();
    await pageA.getByTestId('members-list').waitFor();
    // The list may be drawn before every member is: wait for the count rather than read it once.
    assert.equal(await untilCount(pageA.getByTestId('member'), 2), 2);
    assert.equal(await pageA.getByTestId('conversation-leave').count(), 0);
    await pageA.getByTestId('members-close').click();
  });

  it('a long channel keeps at most a window of messages in the page; scrolling up reaches the start; ?seq= jumps', async () => {
    const { json: login } = await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password });
    const channel = await api('POST', '/api/v1/conversations', login.token, { kind: 'channel', name: `long-${tag}`, visibility: 'public' });
    assert.equal(channel.status, 201, JSON.stringify(channel.json));
    const total = 400;
    for (let i = 1; i <= total; i++) {
      const text = i % 25 === 0 ? `Message ${i}\n\n\`\`\`\nsome code\nmore code\n\`\`\`` : `Message ${i}`;
      const r = await api('POST', `/api/v1/conversations/${channel.json.id}/messages`, login.token, { text, client_id: `long-${tag}-${i}` });
      assert.equal(r.status, 201, JSON.stringify(r.json));
    }
    await pageA.goto(`${server.url}/chat/${channel.json.id}`);
    await pageA.locator('[data-testid="message"]').filter({ hasText: `Message ${total}` }).waitFor();
    const list = pageA.getByTestId('message-list');
    let seen = new Set();
    for (let round = 0; round < 60; round++) {
      const count = await pageA.locator('[data-testid="message"]').count();
      assert.ok(count <= 150 + 50, `at most a window of messages in the DOM, found ${count}`);
      for (const seq of await pageA.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => Number(e.dataset.seq)))) seen.add(seq);
      if (await pageA.getByText('This is the start of the conversation.').count()) break;
      const firstSeq = await pageA.locator('[data-testid="message"]').first().getAttribute('data-seq');
      await list.evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); });
      // Until the window has moved up (older messages drawn, from memory or a loaded page) or
      // the start shows, rather than a fixed pause a loaded machine may overrun.
      await pageA
        .waitForFunction(
          (before) =>
            document.querySelector('[data-testid="message"]')?.getAttribute('data-seq') !== before ||
            document.querySelector('[data-testid="message-list"] .start') !== null,
          firstSeq,
          { timeout: 1000 },
        )
        .catch(() => undefined); // nothing moved: scroll again
    }
    await pageA.getByText('This is the start of the conversation.').waitFor();
    assert.equal(seen.size, total, 'every message was shown on the way up, none twice in one view');
    const firstText = await pageA.locator('[data-testid="message"]').first().getByTestId('message-text').innerText();
    assert.equal(firstText, 'Message 1');

    await pageA.goto(`${server.url}/chat/${channel.json.id}?seq=123`);
    const target = pageA.locator('[data-testid="message"][data-seq="123"]');
    await target.waitFor();
    // The highlight is set once the jump has loaded its page, maybe a render after the message.
    await pageA.locator('[data-testid="message"][data-seq="123"].highlighted').waitFor();
    assert.match(await target.getAttribute('class'), /highlighted/);
    assert.ok(await target.isVisible());
    await pageA.getByTestId('jump-latest').click();
    await pageA.locator('[data-testid="message"]').filter({ hasText: `Message ${total}` }).waitFor();
    await screenshot(pageA, 'chat-long-channel');

    // The owner turns on announcement mode from the channel's panel.
    await pageA.getByTestId('member-count').click();
    await pageA.getByTestId('setting-announcement').check();
    await pageA.getByTestId('setting-countries').fill('pt, de');
    await pageA.getByTestId('setting-countries').press('Tab');
    await pageA.waitForFunction(() => document.querySelector('[data-testid="setting-countries"]')?.value === 'PT, DE');
    const settings = await api('GET', `/api/v1/conversations/${channel.json.id}/settings`, login.token);
    assert.equal(settings.json.announcement, true);
    assert.deepEqual(settings.json.allowed_countries, ['PT', 'DE']);
    await screenshot(pageA, 'chat-channel-settings');
    await pageA.getByTestId('members-close').click();
  });

  it('no dialog fired and no page logged an error', () => {
    assert.deepEqual(problems, []);
  });
});
