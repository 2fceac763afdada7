// Safe Markdown for chat messages: markdown-it with raw HTML off and only a small rule set
// (bold, italic, strike, inline code, code blocks, links, lists, quotes, line breaks).
// Everything else stays literal text. Links must be http(s) or mailto and open in a new
// tab without access to this page (rel="noopener noreferrer").
import MarkdownIt from 'markdown-it';

const SAFE_LINK = /^(https?:|mailto:)/i;

function createRenderer(): MarkdownIt {
  const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true, typographer: false });
  md.enable([
    'paragraph',
    'newline',
    'escape',
    'backticks',
    'emphasis',
    'strikethrough',
    'link',
    'autolink',
    'linkify',
    'code',
    'fence',
    'blockquote',
    'list',
  ]);
  // markdown-it's own check already refuses javascript:, vbscript:, file: and data:;
  // this is stricter: only absolute http(s) and mailto links become links.
  md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
  const defaultOpen =
    md.renderer.rules['link_open'] ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules['link_open'] = (tokens, idx, options, env, self) => {
    tokens[idx].attrSet('target', '_blank');
    tokens[idx].attrSet('rel', 'noopener noreferrer');
    return defaultOpen(tokens, idx, options, env, self);
  };
  return md;
}

let renderer: MarkdownIt | null = null;
const cache = new Map<string, string>();
const CACHE_LIMIT = 2_000;

/** The HTML for a message text. Contains no tag or attribute the text itself wrote. */
export function renderMarkdown(text: string): string {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  renderer ??= createRenderer();
  const html = renderer.render(text);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, html);
  return html;
}
