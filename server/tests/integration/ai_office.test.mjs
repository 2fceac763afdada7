// Word, Excel and PowerPoint files against the real server with the built-in provider:
// each is indexed in the background right after its upload and answered with citations to
// its heading, its sheet and row (the sheet named through the workbook's relationships)
// or its slide; a broken archive and a ZIP bomb are read as failed, a question about
// them is refused with 400 and the reason, and the server goes on answering.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, createUser } from './lib/server.mjs';
import { indexedState, uploadFile as upload } from './lib/ai-files.mjs';
import { makeDocx, makePptx, makeXlsx, makeZip } from './lib/office.mjs';

describe('ai over office files', () => {
  let server, admin, ana, ben, space;
  const indexed = (token, id, status = 'ready') => indexedState(server, token, id, status);
  const ask = (token, question, scope) => api(server, 'POST', '/api/v1/ai/ask', { token, body: { question, scope } });

  before(async () => {
    server = await startServer({ webRoot: false });
    admin = await login(server, server.adminEmail, server.adminPassword);
    ana = await createUser(server, admin, { email: 'ana.office@example.test', display_name: 'Ana' });
    ben = await createUser(server, admin, { email: 'ben.office@example.test', display_name: 'Ben' });
    space = (await api(server, 'GET', '/api/v1/spaces', { token: ana.token })).json.items.find((s) => s.kind === 'personal');
  });
  after(async () => server?.stop());

  it('answers from an uploaded Word document with its heading as the section', async () => {
    const docx = await upload(server, ana.token, space.id, 'travel-policy.docx', makeDocx([
      ['Title', 'Travel policy'],
      ['', 'Trains are preferred for trips under four hours.'],
      ['Heading1', 'Per diem'],
      ['', 'The daily meal allowance abroad is 45 euros.'],
      ['', 'Receipts are not needed for meals.'],
    ]));
    const state = await indexed(ana.token, docx.id);
    assert.equal(state.kind, 'docx');
    assert.equal(state.version, 1);
    const r = await ask(ana.token, 'What is the meal allowance abroad?', { all: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.provider, 'builtin');
    const cited = r.json.citations.find((c) => c.file_id === docx.id);
    assert.ok(cited, r.text);
    assert.equal(cited.version, 1);
    assert.equal(cited.section, 'Per diem');
    assert.equal(cited.page, null);
    assert.equal(cited.quote, 'The daily meal allowance abroad is 45 euros.');
    assert.match(r.json.answer, /45 euros\. \[1\]/);
    // Ben may not read Ana's file: it is neither cited nor asked about.
    const other = await ask(ben.token, 'meal allowance abroad', { all: true });
    assert.deepEqual(other.json.citations, []);
    assert.equal((await ask(ben.token, 'meal allowance', { file_id: docx.id })).status, 404);
  });

  it('cites a workbook by sheet name and row, the sheets found through its relationships', async () => {
    const xlsx = await upload(server, ana.token, space.id, 'budget.xlsx', makeXlsx([
      { name: 'Costs', rows: [['item', 'euros'], ['Office rent', 1200], ['Coffee beans', 85]] },
      { name: 'Staff', rows: [['name', 'role'], ['Ada', 'Engineer']] },
    ]));
    const state = await indexed(ana.token, xlsx.id);
    assert.equal(state.kind, 'xlsx');
    const rent = await ask(ana.token, 'How much is the office rent?', { file_id: xlsx.id });
    assert.equal(rent.status, 200, rent.text);
    assert.deepEqual(rent.json.citations.map((c) => [c.section, c.quote]), [['Costs, row 2', 'item: Office rent; euros: 1200.']]);
    const ada = await ask(ana.token, 'What is the role of Ada?', { file_id: xlsx.id });
    assert.equal(ada.json.citations[0]?.section, 'Staff, row 2', ada.text);
  });

  it('cites a presentation by slide', async () => {
    const pptx = await upload(server, ana.token, space.id, 'review.pptx', makePptx([
      ['Quarterly review'],
      ['Revenue grew by 12 percent in the third quarter.'],
      ['Questions?'],
    ]));
    const state = await indexed(ana.token, pptx.id);
    assert.equal(state.kind, 'pptx');
    assert.equal(state.pages, 3);
    const r = await ask(ana.token, 'How much did revenue grow?', { file_id: pptx.id });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.citations.map((c) => [c.section, c.quote]), [['Slide 2', 'Revenue grew by 12 percent in the third quarter.']]);
  });

  it('reads a broken archive and a ZIP bomb as failed, refuses questions about them with 400, and stays up', async () => {
    const broken = await upload(server, ana.token, space.id, 'broken.docx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]));
    const brokenState = await indexed(ana.token, broken.id, 'failed');
    assert.match(brokenState.detail, /not a readable Office file/);

    // 32 MiB of one letter in word/document.xml packs to some 32 KiB.
    const body = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${'a'.repeat(32 * 1024 * 1024)}</w:t></w:r></w:p></w:body></w:document>`;
    const bombBytes = makeZip([['word/document.xml', body]]);
    assert.ok(bombBytes.length < 1024 * 1024);
    const bomb = await upload(server, ana.token, space.id, 'bomb.docx', bombBytes);
    const bombState = await indexed(ana.token, bomb.id, 'failed');
    assert.match(bombState.detail, /unpacks to far more than its size/);
    assert.equal(bombState.chunks, 0);

    for (const file of [broken, bomb]) {
      const r = await ask(ana.token, 'what does it say', { file_id: file.id });
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.error.message, /cannot read this file/);
    }
    // The server is up and the other files still answer.
    const still = await ask(ana.token, 'meal allowance abroad', { all: true });
    assert.equal(still.status, 200, still.text);
    assert.ok(still.json.citations.length > 0);
  });
});
