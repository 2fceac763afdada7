// Office Open XML files made in memory for tests that upload them: a ZIP archive written
// here by hand (local headers, central directory, deflated with node's zlib), holding the
// XML parts Word, Excel and PowerPoint write.
import { deflateRawSync } from 'node:zlib';
import * as zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 =
  typeof zlib.crc32 === 'function'
    ? (buf) => zlib.crc32(buf) >>> 0
    : (buf) => {
        let c = 0xffffffff;
        for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
        return (c ^ 0xffffffff) >>> 0;
      };

/** A ZIP archive of [name, contents] pairs (contents a string or Buffer), deflated. */
export function makeZip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, contents] of entries) {
    const data = Buffer.isBuffer(contents) ? contents : Buffer.from(contents, 'utf8');
    const packed = deflateRawSync(data);
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(packed.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(fileName.length, 28);
    header.writeUInt32LE(offset, 42);
    locals.push(local, fileName, packed);
    central.push(header, fileName);
    offset += local.length + fileName.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const esc = (s) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE = 'application/vnd.openxmlformats-officedocument';

function contentTypes(overrides) {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    overrides.map(([part, type]) => `<Override PartName="/${part}" ContentType="${type}"/>`).join('') +
    '</Types>'
  );
}

function rootRels(main) {
  return `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="${main}"/></Relationships>`;
}

/** A Word document of [style, text] paragraphs (style '' for body text, 'Title', 'Heading1'...). */
export function makeDocx(paragraphs) {
  const body = paragraphs
    .map(([style, text]) =>
      `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`)
    .join('');
  return makeZip([
    ['[Content_Types].xml', contentTypes([['word/document.xml', `${OFFICE}.wordprocessingml.document.main+xml`]])],
    ['_rels/.rels', rootRels('word/document.xml')],
    ['word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`],
  ]);
}

/**
 * An Excel workbook of sheets [{name, rows: [[cell, ...], ...]}] in tab order. The sheet
 * parts are numbered in the reverse order, as after moving tabs in Excel: only the
 * workbook's relationships say which part is which sheet.
 */
export function makeXlsx(sheets) {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const parts = sheets.map((s, i) => `worksheets/sheet${sheets.length - i}.xml`);
  const workbook =
    `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}" xmlns:r="${REL}"><sheets>` +
    sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
    '</sheets></workbook>';
  const rels =
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL}">` +
    parts.map((p, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="${p}"/>`).join('') +
    '</Relationships>';
  const sheetXml = (rows) =>
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}"><sheetData>` +
    rows
      .map((cells, r) =>
        `<row r="${r + 1}">` +
        cells.map((c) => (typeof c === 'number' ? `<c><v>${c}</v></c>` : `<c t="inlineStr"><is><t>${esc(c)}</t></is></c>`)).join('') +
        '</row>')
      .join('') +
    '</sheetData></worksheet>';
  return makeZip([
    ['[Content_Types].xml', contentTypes([
      ['xl/workbook.xml', `${OFFICE}.spreadsheetml.sheet.main+xml`],
      ...parts.map((p) => [`xl/${p}`, `${OFFICE}.spreadsheetml.worksheet+xml`]),
    ])],
    ['_rels/.rels', rootRels('xl/workbook.xml')],
    ['xl/workbook.xml', workbook],
    ['xl/_rels/workbook.xml.rels', rels],
    ...sheets.map((s, i) => [`xl/${parts[i]}`, sheetXml(s.rows)]),
  ]);
}

/** A PowerPoint presentation of slides, each an array of paragraphs, in order. */
export function makePptx(slides) {
  const p = 'http://schemas.openxmlformats.org/presentationml/2006/main';
  const a = 'http://schemas.openxmlformats.org/drawingml/2006/main';
  const presentation =
    `<?xml version="1.0" encoding="UTF-8"?><p:presentation xmlns:p="${p}" xmlns:r="${REL}"><p:sldIdLst>` +
    slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 1}"/>`).join('') +
    '</p:sldIdLst></p:presentation>';
  const rels =
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL}">` +
    slides.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/slide" Target="slides/slide${i + 1}.xml"/>`).join('') +
    '</Relationships>';
  const slideXml = (paras) =>
    `<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:p="${p}" xmlns:a="${a}"><p:cSld><p:spTree><p:sp><p:txBody>` +
    paras.map((t) => `<a:p><a:r><a:t>${esc(t)}</a:t></a:r></a:p>`).join('') +
    '</p:txBody></p:sp></p:spTree></p:cSld></p:sld>';
  return makeZip([
    ['[Content_Types].xml', contentTypes([
      ['ppt/presentation.xml', `${OFFICE}.presentationml.presentation.main+xml`],
      ...slides.map((_, i) => [`ppt/slides/slide${i + 1}.xml`, `${OFFICE}.presentationml.slide+xml`]),
    ])],
    ['_rels/.rels', rootRels('ppt/presentation.xml')],
    ['ppt/presentation.xml', presentation],
    ['ppt/_rels/presentation.xml.rels', rels],
    ...slides.map((s, i) => [`ppt/slides/slide${i + 1}.xml`, slideXml(s)]),
  ]);
}
