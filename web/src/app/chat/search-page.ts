import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, ElementRef, afterNextRender, inject, signal, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { errorMessage } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { formatLocalDayTime } from '../core/local-time';
import { ChatStore } from './chat-store';
import { UiButton } from '../ui/button';

export interface SearchHit {
  kind: 'message' | 'note';
  message_id?: number;
  seq?: number;
  note_id?: number;
  conversation: { id: number; kind: string; name: string };
  author: { id: number; display_name: string };
  snippet: string;
  created_at: number;
}

/** A snippet with matches between U+0002 and U+0003, as text parts; never HTML. */
export function snippetParts(snippet: string): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  let match = false;
  let current = '';
  for (const ch of snippet) {
    if (ch === '\u0002' || ch === '\u0003') {
      if (current) parts.push({ text: current, match });
      current = '';
      match = ch === '\u0002';
    } else {
      current += ch;
    }
  }
  if (current) parts.push({ text: current, match });
  return parts;
}

/** Full-text search over the conversations I may read; a hit opens the conversation at that message. */
@Component({
  selector: 'mer-search-page',
  imports: [UiButton, RouterLink],
  template: `
    <header class="head">
      <h1>Search messages</h1>
      <form (submit)="$event.preventDefault(); run()" role="search">
        <label class="sr-only" for="chat-search">Search messages</label>
        <input #box id="chat-search" type="search" placeholder="Words to find, e.g. invoice march" maxlength="200" [value]="query()" (input)="query.set($any($event.target).value)" data-testid="search-input" />
        <button type="submit" uiButton="primary" [disabled]="!query().trim() || busy()" data-testid="search-submit">Search</button>
      </form>
    </header>
    @if (error(); as message) {
      <div class="alert alert-error" role="alert" data-testid="search-error">{{ message }}</div>
    }
    <div class="results" aria-live="polite">
      @if (searched() && hits().length === 0 && !busy() && !error()) {
        <p class="muted" data-testid="search-empty">Nothing found. Every word must appear (as the start of a word) in a message you can read.</p>
      } @else if (!searched()) {
        <p class="muted">Type some words and press Enter. Only conversations you are a member of are searched.</p>
      }
      @for (hit of hits(); track $index) {
        <a class="hit" [routerLink]="['/chat', hit.conversation.id]" [queryParams]="hit.seq ? { seq: hit.seq } : {}" data-testid="search-hit">
          <span class="where">{{ where(hit) }} · {{ hit.author.display_name }} · {{ when(hit.created_at) }}@if (hit.kind === 'note') { · internal note }</span>
          <span class="snippet">@for (part of parts(hit); track $index) {@if (part.match) {<mark>{{ part.text }}</mark>} @else {{{ part.text }}}}</span>
        </a>
      }
    </div>
  `,
  styles: `
    :host { display: flex; flex-direction: column; height: 100%; min-height: 0; background: var(--surface); }
    .head { padding: 0.75rem 1.25rem; border-bottom: 1px solid var(--border); }
    h1 { font-size: 1.1rem; margin: 0 0 0.5rem; }
    form { display: flex; gap: 0.5rem; }
    input { flex: 1; font: inherit; padding: 0.45rem 0.7rem; border: 1px solid var(--border); border-radius: 6px; }
    .results { flex: 1; overflow-y: auto; padding: 0.5rem 1.25rem; }
    .hit { display: block; padding: 0.5rem 0.6rem; border-radius: 6px; color: inherit; text-decoration: none; border-bottom: 1px solid var(--border); }
    .hit:hover { background: var(--surface-muted); }
    .where { display: block; font-size: 0.8rem; color: var(--text-muted); }
    .snippet { white-space: pre-wrap; overflow-wrap: anywhere; }
    mark { background: var(--warn-soft); color: inherit; border-radius: 3px; padding: 0 1px; }
    .muted { color: var(--text-muted); }
    .alert { margin: 0.75rem 1.25rem 0; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SearchPage {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionStore);
  private readonly chat = inject(ChatStore);
  private readonly box = viewChild<ElementRef<HTMLInputElement>>('box');

  protected readonly query = signal('');
  protected readonly hits = signal<SearchHit[]>([]);
  protected readonly busy = signal(false);
  protected readonly searched = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    afterNextRender(() => this.box()?.nativeElement.focus());
  }

  /** The conversation as the sidebar names it ("Ana Silva" for a DM), else its name. */
  protected where(hit: SearchHit): string {
    const known = this.chat.conversations().find((c) => c.id === hit.conversation.id);
    return known ? this.chat.titleOf(known) : hit.conversation.name || 'Direct message';
  }

  protected parts(hit: SearchHit) {
    return snippetParts(hit.snippet);
  }

  protected when(at: number): string {
    return formatLocalDayTime(at, this.session.user()?.time_zone ?? 'UTC');
  }

  protected async run(): Promise<void> {
    const q = this.query().trim();
    if (!q) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const page = await firstValueFrom(this.http.get<{ items: SearchHit[] }>(`${API_BASE}/search`, { params: { q, limit: 50 } }));
      this.hits.set(page.items);
    } catch (failure) {
      this.hits.set([]);
      this.error.set(errorMessage(failure));
    } finally {
      this.busy.set(false);
      this.searched.set(true);
    }
  }
}
