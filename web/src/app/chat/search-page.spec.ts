import { snippetParts } from './search-page';

describe('snippetParts', () => {
  it('splits at the match markers and keeps everything as text', () => {
    expect(snippetParts('the \u0002invoice\u0003 for <b>march</b>')).toEqual([
      { text: 'the ', match: false },
      { text: 'invoice', match: true },
      { text: ' for <b>march</b>', match: false },
    ]);
    expect(snippetParts('\u0002a\u0003\u0002b\u0003')).toEqual([
      { text: 'a', match: true },
      { text: 'b', match: true },
    ]);
    expect(snippetParts('')).toEqual([]);
  });
});
