// The "no access" words fit what happened (issue 15, defect 9): a customer opening a chat link is
// told chat is for staff and pointed to Support (not "Administration is for users with the admin
// role"); a conversation that does not exist (or is not yours) says so, with no message box under it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, newPage, signIn } from '../lib/session.mjs';

describe('no-access texts', () => {
  let server;
  let browser;
  const tag = randomBytes(3).toString('hex');
  const cleo = { email: `cleo.${tag}@example.test`, name: 'Cleo Customer', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'customer' };
  const erin = { email: `erin.${tag}@example.test`, name: 'Erin Employee', password: `pw-${randomBytes(8).toString('hex')}`, kind: 'employee' };

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    await createPeople(server, [cleo, erin]);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tells a customer who opens a chat link that chat is for staff, and where to go instead', async () => {
    const page = await newPage(browser, { timeout: 20_000 });
    await signIn(page, server.url, cleo);
    await page.goto(`${server.url}/chat/5`);
    const box = page.getByTestId('not-allowed');
    await box.waitFor();
    const text = await box.innerText();
    assert.doesNotMatch(text, /admin/i, text);
    assert.match(text, /Chat is for/i, text);
    await box.getByRole('link', { name: /Support/ }).click();
    await page.waitForURL((url) => url.pathname === '/support');
  });

  it('says a conversation does not exist or is not yours, with no message box under it', async () => {
    const page = await newPage(browser, { timeout: 20_000 });
    await signIn(page, server.url, erin);
    await page.goto(`${server.url}/chat/999999`);
    const missing = page.getByTestId('conversation-missing');
    await missing.waitFor();
    assert.match(await missing.innerText(), /doesn.t exist|not a member/i);
    assert.equal(await page.locator('textarea:visible').count(), 0, 'no message box');
    assert.equal(await page.getByTestId('message-list').count(), 0, 'no message list');
    await screenshot(page, 'chat-missing-conversation');
  });
});
