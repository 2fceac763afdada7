// The file manager as a Nextcloud/Seafile user uses it: several uploads with progress per
// file, pause and resume (tus), list/grid, image preview, search by name, sharing with a
// team and a customer who then see the file, and the activity panel showing a download.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { createPeople, newPage, openFilesPage, request, watchErrors } from '../lib/session.mjs';

const TIMEOUT = 30_000;

/** A real PNG (width x height, a colour gradient) so that libmagic and the browser agree. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([Math.floor((255 * x) / width), Math.floor((255 * y) / height), 160], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

describe('file manager', () => {
  let server;
  let browser;
  let admin;
  const problems = [];
  const tag = randomBytes(3).toString('hex');
  const person = (name, kind = 'employee') => ({
    email: `${name.split(' ')[0].toLowerCase()}.fm.${tag}@example.test`,
    name,
    password: `pw-${randomBytes(8).toString('hex')}`,
    kind,
  });
  const alice = person('Alice Almeida');
  const bruno = person('Bruno Braga');
  const carla = person('Carla Cardoso', 'customer');
  const api = (method, path, token, body) => request(server.url, method, path, token, body);
  const tokenOf = async (who) => (await api('POST', '/api/v1/auth/login', null, { email: who.email, password: who.password })).json.token;

  const pageFor = (who, options = {}) => openFilesPage(browser, server.url, who, problems, { timeout: TIMEOUT, acceptDownloads: true, ...options });

  before(async () => {
    server = await startServer();
    admin = await createPeople(server, [alice, bruno, carla], { country: 'PT', timeZone: 'Europe/Lisbon' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('uploads several files with a progress bar each, pauses and resumes one, and toggles the grid', async () => {
    const page = await pageFor(alice);
    await page.getByTestId('files-empty').waitFor();
    await screenshot(page, 'files-empty');

    const files = ['alpha.txt', 'beta.txt', 'gamma.txt'].map((name, i) => ({
      name,
      mimeType: 'text/plain',
      buffer: Buffer.from(`${name}\n`.repeat(2000 * (i + 1))),
    }));
    await page.getByTestId('file-input').setInputFiles(files);
    for (const f of files) {
      const row = page.getByTestId(`transfer-${f.name}`);
      await row.waitFor();
      assert.equal(await row.locator('progress').count(), 1, `${f.name} has its own progress bar`);
      await page.locator(`[data-testid="transfer-${f.name}"][data-state="done"]`).waitFor();
      await row.locator('.pct', { hasText: '100%' }).waitFor();
      await page.getByTestId(`node-${f.name}`).waitFor();
    }

    // Drag and drop of several files onto the folder.
    await page.getByTestId('drop-zone').evaluate((zone) => {
      const data = new DataTransfer();
      data.items.add(new File(['dropped one'], 'drop-1.txt', { type: 'text/plain' }));
      data.items.add(new File(['dropped two'], 'drop-2.txt', { type: 'text/plain' }));
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    for (const name of ['drop-1.txt', 'drop-2.txt']) {
      await page.locator(`[data-testid="transfer-${name}"][data-state="done"]`).waitFor();
      await page.getByTestId(`node-${name}`).waitFor();
    }

    // A slow link (CDP throttling) so that there is time to pause mid-way.
    const big = randomBytes(3 * 1024 * 1024);
    big.set([0x00, 0xff, 0x00, 0xff, 0x4d, 0x45, 0x52, 0x49]);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 5, downloadThroughput: -1, uploadThroughput: 400 * 1024 });
    const patches = [];
    page.on('request', (r) => {
      if (r.method() === 'PATCH' && r.url().includes('/api/v1/uploads/')) patches.push(Number(r.headers()['upload-offset']));
    });
    await page.getByTestId('file-input').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: big });
    const bigRow = page.getByTestId('transfer-big.bin');
    await page.locator('[data-testid="transfer-big.bin"][data-state="running"]').waitFor();
    // Pause past the first MiB: the server hands the body to the store in 1 MiB pieces, so
    // what it had not received as a whole piece when the request was cut is sent again.
    await page.waitForFunction(() => {
      const pct = document.querySelector('[data-testid="transfer-big.bin"] .pct')?.textContent ?? '0';
      return parseInt(pct, 10) >= 60;
    });
    await bigRow.getByTestId('transfer-pause').click();
    await page.locator('[data-testid="transfer-big.bin"][data-state="paused"]').waitFor();
    const pausedAt = parseInt(await bigRow.locator('.pct').textContent(), 10);
    assert.ok(pausedAt >= 60 && pausedAt < 100, `paused at ${pausedAt}%`);
    await page.waitForTimeout(1000);
    assert.equal(parseInt(await bigRow.locator('.pct').textContent(), 10), pausedAt, 'nothing moves while paused');
    await screenshot(page, 'files-paused');

    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await bigRow.getByTestId('transfer-resume').click();
    await page.locator('[data-testid="transfer-big.bin"][data-state="done"]').waitFor();
    // The second PATCH continued from where the first stopped; the server holds the same bytes.
    assert.ok(patches.length >= 2, `PATCHes: ${patches}`);
    assert.equal(patches[0], 0);
    assert.ok(patches.at(-1) > 0, `resumed at offset ${patches.at(-1)}, not from the start`);
    const token = await tokenOf(alice);
    const spaces = await api('GET', '/api/v1/spaces', token);
    const space = spaces.json.items.find((s) => s.kind === 'personal');
    const children = await api('GET', `/api/v1/spaces/${space.id}/children`, token);
    const stored = children.json.items.find((n) => n.name === 'big.bin');
    assert.equal(stored.size, big.length);
    assert.equal(stored.sha256, sha256(big));

    // Grid view, remembered across a reload.
    await page.getByTestId('view-grid').click();
    await page.getByTestId('files-grid').waitFor();
    await page.locator('[data-testid="files-grid"] [data-testid="node-alpha.txt"]').waitFor();
    await screenshot(page, 'files-grid');
    await page.reload();
    await page.getByTestId('files-grid').waitFor();
    await page.getByTestId('view-list').click();
    await page.getByTestId('files-list').waitFor();

    // Rename and the versions panel from the row's menu.
    await page.getByTestId('more-beta.txt').click();
    await page.getByTestId('rename-beta.txt').click();
    await page.getByTestId('rename-input').fill('beta renamed.txt');
    await page.getByTestId('rename-input').press('Enter');
    await page.getByTestId('node-beta renamed.txt').waitFor();
    await page.getByTestId('more-gamma.txt').click();
    await page.getByTestId('versions-gamma.txt').click();
    await page.getByTestId('versions-panel').getByText('current').waitFor();
    assert.deepEqual(problems, []);
  });

  it('previews an image and finds files by name, never another user’s', async () => {
    const alicePage = await pageFor(alice);
    const image = png(320, 200);
    await alicePage.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: image });
    await alicePage.getByTestId('node-photo.png').waitFor();
    await alicePage.getByTestId('preview-photo.png').click();
    const img = alicePage.getByTestId('preview-image');
    await img.waitFor();
    await alicePage.waitForFunction(() => document.querySelector('[data-testid="preview-image"]')?.naturalWidth === 320);
    assert.match(await img.getAttribute('src'), /^blob:/);
    await screenshot(alicePage, 'files-preview');
    await alicePage.keyboard.press('Escape');
    await alicePage.getByTestId('file-preview').waitFor({ state: 'detached' });

    // Bruno has a file of the same name; Alice's search never shows it.
    const brunoToken = await tokenOf(bruno);
    const brunoSpace = (await api('GET', '/api/v1/spaces', brunoToken)).json.items.find((s) => s.kind === 'personal');
    const up = await fetch(`${server.url}/api/v1/spaces/${brunoSpace.id}/files?name=photo-bruno.png&parent_id=0`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brunoToken}`, 'content-type': 'application/octet-stream' },
      body: image,
    });
    assert.equal(up.status, 201);
    await alicePage.getByTestId('files-search').fill('PHOTO');
    await alicePage.getByTestId('files-search').press('Enter');
    await alicePage.getByTestId('search-results').waitFor();
    await alicePage.getByTestId('hit-photo.png').waitFor();
    assert.equal(await alicePage.getByTestId('hit-photo-bruno.png').count(), 0);
    await screenshot(alicePage, 'files-search');
    await alicePage.getByTestId('files-search').fill('no such name');
    await alicePage.getByTestId('files-search').press('Enter');
    await alicePage.getByTestId('search-empty').waitFor();
    await alicePage.getByTestId('search-results').getByRole('button', { name: 'Back to folder' }).click();
    await alicePage.getByTestId('node-photo.png').waitFor();
    assert.deepEqual(problems, []);
  });

  it('shares with a team and a customer, who then see the file; a link works without an account; the activity panel shows the download', async (t) => {
    // The team and customer pickers use the directories GET /api/v1/teams and /customers.
    const directories = await api('GET', '/api/v1/teams', await tokenOf(alice));
    if (directories.status === 404) {
      t.skip('GET /api/v1/teams is not on this server yet');
      return;
    }
    const alicePage = await pageFor(alice);
    const image = png(320, 200);
    await alicePage.getByTestId('node-photo.png').waitFor();

    // A team with Bruno in it; Alice shares alpha.txt with the team and photo.png with Carla.
    const team = await api('POST', '/api/v1/admin/teams', admin.token, { name: `Design ${tag}` });
    assert.equal(team.status, 201, JSON.stringify(team.json));
    assert.equal((await api('PUT', `/api/v1/admin/teams/${team.json.id}/members/${bruno.id}`, admin.token)).status, 204);

    await alicePage.getByTestId('share-alpha.txt').click();
    const dialog = alicePage.getByTestId('share-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('share-tab-teams').click();
    await dialog.getByTestId('share-query').fill('Design');
    await dialog.getByTestId('share-query').press('Enter');
    await dialog.getByTestId(`share-match-team-Design ${tag}`).getByRole('button', { name: 'Viewer' }).click();
    await dialog.getByTestId('share-message').filter({ hasText: `Shared with Design ${tag} as viewer` }).waitFor();
    await dialog.getByTestId(`grant-Design ${tag}`).waitFor();
    await screenshot(alicePage, 'files-share-team');
    await alicePage.keyboard.press('Escape');

    await alicePage.getByTestId('share-photo.png').click();
    await dialog.waitFor();
    await dialog.getByTestId('share-tab-customers').click();
    await dialog.getByTestId('share-query').fill('Carla');
    await dialog.getByTestId('share-query').press('Enter');
    await dialog.getByTestId(`share-match-${carla.email}`).getByRole('button', { name: 'Viewer' }).click();
    await dialog.getByTestId('share-message').filter({ hasText: 'Shared with Carla Cardoso as viewer' }).waitFor();
    // A link with an expiry and a download limit.
    await dialog.getByTestId('link-days').fill('3');
    await dialog.getByTestId('link-max').fill('5');
    await dialog.getByTestId('link-create').click();
    await dialog.getByTestId('share-link').waitFor();
    await dialog.getByTestId('links').filter({ hasText: '0 of 5 downloads' }).waitFor();
    const linkUrl = await dialog.getByTestId('share-link').locator('input').inputValue();
    assert.match(linkUrl, /\/s\/[A-Za-z0-9_-]{20,}$/);
    await alicePage.keyboard.press('Escape');

    // Someone without an account opens the link page and downloads the same bytes.
    const visitor = await newPage(browser, { timeout: TIMEOUT, acceptDownloads: true });
    watchErrors(visitor, 'visitor', problems);
    await visitor.goto(linkUrl);
    await visitor.getByTestId('link-name').filter({ hasText: 'photo.png' }).waitFor();
    const fetched = visitor.waitForEvent('download');
    await visitor.getByTestId('link-download').click();
    assert.ok((await readFile(await (await fetched).path())).equals(image), 'the visitor got the same bytes');
    await visitor.context().close();

    // Bruno (through his team) sees Alice's space, labelled with her name, and alpha.txt.
    const brunoPage = await pageFor(bruno);
    await brunoPage.getByTestId('space-personal').filter({ hasText: "Alice Almeida's files" }).click();
    await brunoPage.getByTestId('node-alpha.txt').waitFor();
    assert.equal(await brunoPage.getByTestId('node-photo.png').count(), 0);
    const downloading = brunoPage.waitForEvent('download');
    await brunoPage.getByTestId('download-alpha.txt').click();
    const download = await downloading;
    assert.equal((await readFile(await download.path())).toString(), 'alpha.txt\n'.repeat(2000));

    // Carla, a customer, sees photo.png in Alice's space and previews it.
    const carlaPage = await pageFor(carla);
    await carlaPage.getByTestId('space-personal').filter({ hasText: "Alice Almeida's files" }).click();
    await carlaPage.getByTestId('node-photo.png').waitFor();
    assert.equal(await carlaPage.getByTestId('node-alpha.txt').count(), 0);
    await carlaPage.getByTestId('preview-photo.png').click();
    await carlaPage.getByTestId('preview-image').waitFor();
    // Alice's personal quota is none of Carla's business (issue 15, defect 11).
    assert.equal(await carlaPage.getByTestId('quota').count(), 0, "Carla is not shown Alice's quota");

    // Alice's activity panel for alpha.txt shows Bruno's download.
    await alicePage.getByTestId('more-alpha.txt').click();
    await alicePage.getByTestId('activity-alpha.txt').click();
    const panel = alicePage.getByTestId('activity-panel');
    await panel.waitFor();
    await panel.locator('[data-testid="activity-row"][data-action="download"]', { hasText: 'Bruno Braga' }).waitFor();
    // The share names the team, not "team 3 viewer" (issue 15, defect 11).
    const shared = panel.locator('[data-testid="activity-row"][data-action="grant"]');
    assert.match(await shared.first().innerText(), new RegExp(`shared with team Design ${tag} \\(viewer\\)`));
    await panel.getByTestId('activity-action').selectOption('upload');
    await panel.locator('[data-testid="activity-row"][data-action="upload"]').first().waitFor();
    // The unfiltered rows (uploads among them) stay until the filtered page arrives: wait for
    // the download rows to go rather than counting at once (this flaked in CI).
    await panel.locator('[data-testid="activity-row"][data-action="download"]').first().waitFor({ state: 'detached', timeout: 10000 });
    assert.equal(await panel.locator('[data-testid="activity-row"][data-action="download"]').count(), 0);
    const csv = alicePage.waitForEvent('download');
    await panel.getByTestId('activity-csv').click();
    assert.match((await readFile(await (await csv).path())).toString(), /^id,at,space_id,node_id,node_name/);
    await panel.getByTestId('activity-action').selectOption('download');
    await screenshot(alicePage, 'files-activity');
    assert.deepEqual(problems, []);
  });
});
