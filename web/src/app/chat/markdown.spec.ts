import { renderMarkdown, splitMentions } from './markdown';

function dom(text: string): HTMLElement {
  const el = document.createElement('div');
  el.innerHTML = renderMarkdown(text);
  return el;
}

describe('renderMarkdown', () => {
  it('marks mentions as the server reads them, the reader\'s own and @channel/@here more strongly', () => {
    const el = document.createElement('div');
    el.innerHTML = renderMarkdown('@Ben.Silva and @ana, see @here. Mail ana@example.test, not `@code`; **@bold**', 'ana');
    const marks = [...el.querySelectorAll('.mention')].map((m) => [m.textContent, m.getAttribute('data-mention'), m.classList.contains('mention-me')]);
    expect(marks).toEqual([
      ['@Ben.Silva', 'ben.silva', false],
      ['@ana', 'ana', true],
      ['@here', 'here', true],
      ['@bold', 'bold', false],
    ]);
    expect(el.textContent?.trim()).toBe('@Ben.Silva and @ana, see @here. Mail ana@example.test, not @code; @bold');
    expect(el.querySelector('code .mention')).toBeNull();
  });

  it('a mention cannot carry markup', () => {
    const el = document.createElement('div');
    el.innerHTML = renderMarkdown('@a"><img src=x onerror=alert(1)>', 'a');
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('.mention')?.getAttribute('data-mention')).toBe('a');
  });

  it('splits text at mentions with the server\'s rules (trailing dot ends a handle, e-mails are no mentions)', () => {
    expect(splitMentions('hi @bob. x@y @-')).toEqual([{ text: 'hi ' }, { mention: '@bob', handle: 'bob' }, { text: '. x@y @-' }]);
  });

  it('renders the chat subset', () => {
    const el = dom('**bold** _it_ ~~gone~~ `x<y`\n\n```\nconst a = 1;\n```\n\n> quoted\n\n- one\n- two\n\n1. first');
    expect(el.querySelector('strong')?.textContent).toBe('bold');
    expect(el.querySelector('em')?.textContent).toBe('it');
    expect(el.querySelector('s')?.textContent).toBe('gone');
    expect(el.querySelector('p code')?.textContent).toBe('x<y');
    expect(el.querySelector('pre code')?.textContent).toBe('const a = 1;\n');
    expect(el.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
    expect(el.querySelectorAll('ul li').length).toBe(2);
    expect(el.querySelectorAll('ol li').length).toBe(1);
  });

  it('keeps raw HTML as text', () => {
    const el = dom('<script>window.pwned = 1</script><img src=x onerror="alert(1)"> <b>hi</b>');
    expect(el.querySelector('script, img, b')).toBeNull();
    expect(el.textContent).toContain('<script>window.pwned = 1</script>');
    expect(el.querySelectorAll('*').length).toBe(1); // just the <p>
  });

  it('opens links in a new tab without an opener', () => {
    const a = dom('see [docs](https://example.com/a?b=1) and https://meridian.test').querySelectorAll('a');
    expect(a.length).toBe(2);
    for (const link of Array.from(a)) {
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(link.getAttribute('href')).toMatch(/^https:/);
    }
  });

  it('never makes a javascript:, data: or vbscript: link', () => {
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>1</script>', 'vbscript:x', '&#106;avascript:alert(1)']) {
      const el = dom(`[click](${href}) <${href}>`);
      expect(el.querySelector('a')).toBeNull();
    }
  });

  it('leaves headings, images and tables as text', () => {
    const el = dom('# title\n\n![x](https://example.com/x.png)\n\n| a |\n| - |\n| b |');
    expect(el.querySelector('h1, img, table')).toBeNull();
  });
});
