// The setup of the two-employee chat tests, registered as before/after hooks of the calling describe:
// a server, Alice and Bruno (employees in Portugal, Europe/Lisbon), and one UTC page for each
// (A and B, not yet signed in) whose dialogs, console errors and page errors land in `problems`.
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { launchChromium } from './browser.mjs';
import { startServer } from './server.mjs';
import { createPeople, newPage, request, signIn, watchProblems } from './session.mjs';

export function aliceAndBruno({ timeout }) {
  const tag = randomBytes(3).toString('hex');
  const pair = {
    /** @type {import('./server.mjs').MeridianServer} */
    server: undefined,
    /** @type {import('playwright-core').Browser} */
    browser: undefined,
    pageA: undefined,
    pageB: undefined,
    problems: [],
    tag,
    alice: { email: `alice.${tag}@example.test`, name: 'Alice Almeida', password: `pw-${randomBytes(8).toString('hex')}` },
    bruno: { email: `bruno.${tag}@example.test`, name: 'Bruno Braga', password: `pw-${randomBytes(8).toString('hex')}` },
    api: (method, path, token, body) => request(pair.server.url, method, path, token, body),
    signIn: (page, who) => signIn(page, pair.server.url, who),
  };

  before(async () => {
    pair.server = await startServer();
    await createPeople(pair.server, [pair.alice, pair.bruno], { kind: 'employee', country: 'PT', timeZone: 'Europe/Lisbon' });
    pair.browser = await launchChromium();
    pair.pageA = await newPage(pair.browser, { timeout, timezoneId: 'UTC' });
    watchProblems(pair.pageA, 'A', pair.problems);
    pair.pageB = await newPage(pair.browser, { timeout, timezoneId: 'UTC' });
    watchProblems(pair.pageB, 'B', pair.problems);
  });

  after(async () => {
    await pair.browser?.close().catch(() => undefined);
    await pair.server?.stop();
  });

  return pair;
}
