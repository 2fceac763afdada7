// Chat attachments in Chromium: Alice attaches an image and a file in a direct message
// (progress bar, then sent); Bruno sees both live, the image as a thumbnail, and downloads
// the file byte for byte.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import { aliceAndBruno } from '../lib/chat-pair.mjs';
import { liveLink } from '../lib/session.mjs';
import { untilCount } from '../lib/wait.mjs';

const TIMEOUT = 20_000;
// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('chat attachments', () => {
  const pair = aliceAndBruno({ timeout: TIMEOUT });
  const { problems, alice, bruno, api, signIn } = pair;
  let pageA;
  let pageB;
  let conversationId;
  const content = Buffer.concat([Buffer.from('%meridian attachment\n'), randomBytes(2 * 1024 * 1024)]);
  before(() => ({ pageA, pageB } = pair));

  it('Alice and Bruno open their direct conversation', async () => {
    const { json: login } = await api('POST', '/api/v1/auth/login', null, { email: alice.email, password: alice.password });
    const dm = await api('POST', '/api/v1/conversations', login.token, { kind: 'direct', member_ids: [bruno.id] });
    assert.equal(dm.status, 201, JSON.stringify(dm.json));
    conversationId = dm.json.id;
    await signIn(pageA, alice);
    await signIn(pageB, bruno);
    const url = new URL(pageA.url());
    for (const page of [pageA, pageB]) {
      await page.goto(`${url.origin}/chat/${conversationId}`);
      await page.getByTestId('composer-input').waitFor();
      await liveLink(page); // the reloaded page's socket, before the message Bruno must see live
    }
  });

  it('Alice attaches a file and an image with a progress bar each, and sends them with a line of text', async () => {
    await pageA.getByTestId('attachment-input').setInputFiles([
      { name: 'report.bin', mimeType: 'application/octet-stream', buffer: content },
      { name: 'dot.png', mimeType: 'image/png', buffer: PNG },
    ]);
    const uploads = pageA.getByTestId('attachment-upload');
    await uploads.nth(1).waitFor();
    await pageA.locator('[data-testid="attachment-upload"][data-state="done"]').nth(1).waitFor();
    // Each upload's tick is drawn in its own change detection: wait for both, don't count at once.
    assert.equal(await untilCount(pageA.getByTestId('attachment-ready'), 2), 2);
    await pageA.getByTestId('composer-input').fill('the report');
    await pageA.getByTestId('composer-input').press('Enter');
    const sent = pageA.locator('[data-testid="message"][data-state="sent"]').last();
    await sent.getByTestId('message-attachment').nth(1).waitFor();
    assert.equal(await untilCount(pageA.getByTestId('attachment-upload'), 0), 0, 'the tray is empty once sent');
  });

  it('Bruno sees the message live with the thumbnail and downloads the same bytes', async () => {
    const message = pageB.locator('[data-testid="message"]').filter({ hasText: 'the report' });
    await message.waitFor();
    const names = await message.getByTestId('attachment-name').allInnerTexts();
    assert.deepEqual(names, ['report.bin', 'dot.png']);
    assert.equal(await message.getByTestId('attachment-size').first().innerText(), '2.0 MB');
    const thumb = message.getByTestId('attachment-thumbnail');
    await thumb.waitFor();
    assert.match(await thumb.getAttribute('src'), /^blob:/);
    await pageB.waitForFunction(() => {
      const img = document.querySelector('[data-testid="attachment-thumbnail"]');
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth === 1;
    });

    const downloading = pageB.waitForEvent('download');
    await message.getByTestId('attachment-download').first().click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), 'report.bin');
    const bytes = await readFile(await download.path());
    assert.ok(bytes.equals(content), 'Bruno got the bytes Alice attached');
    assert.deepEqual(problems, []);
  });
});
