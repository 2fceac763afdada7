// "Your data" (issue 14): a person prepares an export from their personal settings, watches
// it get ready and downloads the ZIP; then asks for erasure after a clear confirmation and
// sees it waiting; the administrator sees the request under Privacy requests, erases and
// reads the receipt. Screenshots at 1280x800 and 390x844.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, newPage, signIn, watchErrors } from '../lib/session.mjs';

describe('your data', () => {
  let server;
  let browser;
  const problems = [];
  const ines = { email: `ines.${randomBytes(3).toString('hex')}@example.test`, name: 'Inês Data', password: `pw-${randomBytes(8).toString('hex')}` };

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    await createPeople(server, [ines]);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('downloads the export and asks for erasure; the administrator erases and reads the receipt', async () => {
    const page = await newPage(browser, { timeout: 20_000, acceptDownloads: true });
    watchErrors(page, 'ines', problems);
    await signIn(page, server.url, ines);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-your-data').waitFor();
    await screenshot(page, 'user-menu-1280');
    await page.getByTestId('menu-your-data').click();
    await page.getByRole('heading', { name: 'Your data', exact: true }).waitFor();

    // Consent: she agrees to AI assistance, then withdraws; each answer shows its time.
    const ai = page.locator('[data-purpose="ai_processing"]');
    await page.getByTestId('consent-ai_processing').check();
    await ai.getByText('Agreed on').waitFor();
    await page.getByTestId('consent-ai_processing').uncheck();
    await ai.getByText('Withdrawn on').waitFor();

    // Restriction of processing: she restricts it, sees what stops, and the server keeps it.
    const restriction = page.getByTestId('restriction');
    await page.getByTestId('restriction-switch').check();
    await restriction.getByText('Processing of your data is restricted').waitFor();
    await restriction.getByText('The AI copilot does not work for you', { exact: false }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Your data', exact: true }).waitFor();
    await restriction.getByText('Processing of your data is restricted').waitFor();  // kept by the server
    await page.getByTestId('restriction-switch').uncheck();
    await restriction.getByText('Restrict processing of my data').waitFor();

    await page.getByTestId('export-request').click();
    const link = page.getByTestId('export-download');
    await link.waitFor();
    await screenshot(page, 'your-data-ready-1280');
    const downloading = page.waitForEvent('download');
    await link.click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /^meridian-export-\d+\.zip$/);
    const names = execFileSync('unzip', ['-Z1', await download.path()], { encoding: 'utf8' });
    for (const part of ['manifest.json', 'identity.json', 'chat.json']) assert.ok(names.includes(part), names);
    await page.locator('[data-testid="export-current"][data-state="downloaded"]').waitFor();

    await screenshot(page, 'your-data-downloaded-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'your-data-390');
    await page.getByTestId('erasure-request').click();
    await page.getByRole('alertdialog').getByText('cannot be undone').waitFor();
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="erasure-state"][data-state="requested"]').waitFor();

    const admin = await newPage(browser, { timeout: 20_000 });
    watchErrors(admin, 'admin', problems);
    await signIn(admin, server.url, { email: server.adminEmail, password: server.adminPassword });
    await admin.goto(`${server.url}/admin/privacy`);
    const row = admin.getByTestId('erasures-table').locator(`tbody tr[data-user="${ines.id}"]`);
    await row.getByText(ines.name).waitFor();
    await row.getByText(ines.email).waitFor();
    // Her export (downloaded) is listed with who asked for it.
    await admin.getByTestId('exports-table').locator('tbody tr[data-state="downloaded"]', { hasText: ines.name }).waitFor();
    await screenshot(admin, 'privacy-admin-1280');
    await row.getByTestId('erase-now').click();
    // The confirmation names the person.
    const dialog = admin.getByRole('alertdialog');
    await dialog.getByRole('heading', { name: `Erase ${ines.name}?` }).waitFor();
    await dialog.getByText(ines.email).waitFor();
    await admin.getByTestId('confirm-ok').click();
    const receipt = admin.getByTestId('erasure-receipt');
    await receipt.waitFor();
    await receipt.getByText('identity.users').waitFor();
    await receipt.getByText('privacy.exports').waitFor();
    await screenshot(admin, 'privacy-admin-receipt-1280');
    await admin.setViewportSize({ width: 390, height: 844 });
    await screenshot(admin, 'privacy-admin-receipt-390');
    // The request is no longer open; with finished ones shown it is done, with its receipt.
    await admin.getByTestId('erasures-table').waitFor({ state: 'detached' });
    await admin.getByTestId('erasures-all').check();
    await admin.getByTestId('erasures-table').locator(`tbody tr[data-user="${ines.id}"]`).getByTestId('show-receipt').waitFor();
    // Her session is gone: reloading her page lands on the sign-in form.
    await page.reload();
    await page.locator('input[name="email"]').waitFor();
    // Once she is erased her page's WebSocket is refused when it reconnects: expected.
    const erased = (p) => p.startsWith('ines:') && p.includes('Authentication failed');
    assert.deepEqual(problems.filter((p) => !p.includes('401') && !erased(p)), []);
  });
});
