// Safe Markdown for chat messages: markdown-it with raw HTML off and only a small rule set
// (bold, italic, strike, inline code, code blocks, links, lists, quotes, line breaks).
// Everything else stays literal text. Links must be http(s) or mailto and open in a new
// tab without access to this page (rel="noopener noreferrer").
// An @handle is drawn as a mention (the server's grammar: chat/mentions.cpp); one that names
// the reader, or @channel / @here, stands out more.
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

const SAFE_LINK = /^(https?:|mailto:)/i;
const HANDLE_CHAR = /[A-Za-z0-9._-]/;
/** Before an `@`, these make it part of an e-mail address, not a mention. */
const EMAIL_CHAR = /[A-Za-z0-9._\-+%@]/;
const EVERYONE = new Set(['channel', 'all', 'everyone', 'here']);

export type TextPiece = { text: string } | { mention: string; handle: string };

/** Splits text into plain pieces and mentions ("@Ben.Silva" -> handle "ben.silva"), as the server reads them. */
export function splitMentions(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let plainFrom = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '@' || (i > 0 && EMAIL_CHAR.test(text[i - 1]))) continue;
    let end = i + 1;
    while (end < text.length && HANDLE_CHAR.test(text[end])) end++;
    while (end > i + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    if (end === i + 1 || end - i - 1 > 64) continue;
    if (i > plainFrom) pieces.push({ text: text.slice(plainFrom, i) });
    const written = text.slice(i, end);
    pieces.push({ mention: written, handle: written.slice(1).toLowerCase() });
    plainFrom = end;
    i = end - 1;
  }
  if (plainFrom < text.length) pieces.push({ text: text.slice(plainFrom) });
  return pieces;
}

/** Replaces each text token holding a mention by text and mention tokens. */
function markMentions(md: MarkdownIt): void {
  md.core.ruler.push('mentions', (state) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      const out: Token[] = [];
      for (const child of block.children) {
        if (child.type !== 'text' || !child.content.includes('@')) {
          out.push(child);
          continue;
        }
        for (const piece of splitMentions(child.content)) {
          if ('text' in piece) {
            const text = new state.Token('text', '', 0);
            text.content = piece.text;
            out.push(text);
          } else {
            const mention = new state.Token('mention', 'span', 0);
            mention.content = piece.mention;
            mention.meta = { handle: piece.handle };
            out.push(mention);
          }
        }
      }
      block.children = out;
    }
  });
  md.renderer.rules['mention'] = (tokens, idx, _options, env: { me?: string }) => {
    const { content, meta } = tokens[idx];
    const handle: string = meta.handle;
    const mine = handle === env.me || EVERYONE.has(handle);
    const escaped = md.utils.escapeHtml(content);
    return `<span class="mention${mine ? ' mention-me' : ''}" data-mention="${md.utils.escapeHtml(handle)}">${escaped}</span>`;
  };
}

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
  markMentions(md);
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

/**
 * The HTML for a message text. Contains no tag or attribute the text itself wrote. `me` is the
 * reader's handle: mentions of them (and @channel, @here) are marked `mention-me`.
 */
export function renderMarkdown(text: string, me = ''): string {
  const key = `${me}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  renderer ??= createRenderer();
  const html = renderer.render(text, { me });
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, html);
  return html;
}

/** The handle others write to mention this person: the lower-cased local part of the e-mail. */
export function handleOf(email: string | undefined): string {
  return (email ?? '').split('@')[0].toLowerCase();
}
