import { ChangeDetectionStrategy, Component, DestroyRef, afterNextRender, computed, inject, output, signal, viewChild } from '@angular/core';
import { errorMessage } from '../core/api-error';
import { Conversation, ConversationView } from './chat-types';
import { ChatApi } from './chat-api';
import { ChatStore } from './chat-store';
import { UiButton, UiModal } from '../ui';

/** Find public channels and join them (or open those already joined). */
@Component({
  imports: [UiButton, UiModal],
  selector: 'mer-browse-channels-dialog',
  template: `
    <ui-modal labelledBy="browse-title" testId="browse-channels-dialog" (closed)="closed.emit()">
      <header><h2 id="browse-title">Browse channels</h2></header>
      <div class="body">
        @if (error(); as message) {
          <div class="alert alert-error" role="alert">{{ message }}</div>
        }
        <label class="field">
          <span>Search</span>
          <input type="search" autocomplete="off" placeholder="Channel name" [value]="query()" (input)="onQuery($event)" data-testid="channel-search" />
        </label>
        <ul class="channels">
          @for (channel of channels(); track channel.id) {
            <li>
              <div class="what">
                <strong># {{ channel.name }}</strong>
                @if (channel.topic) {
                  <span class="muted">{{ channel.topic }}</span>
                }
              </div>
              @if (joined().has(channel.id)) {
                <button type="button" uiButton uiSize="sm" (click)="open(channel)">Open</button>
              } @else {
                <button type="button" uiButton="primary" uiSize="sm" (click)="join(channel)" [disabled]="busy()" data-testid="channel-join">Join</button>
              }
            </li>
          } @empty {
            <li class="muted">{{ searching() ? 'Searching…' : 'No public channels match. Create one with “+” next to Channels.' }}</li>
          }
        </ul>
      </div>
      <footer><button type="button" uiButton (click)="modal().close()">Close</button></footer>
    </ui-modal>
  `,
  styles: `
    .channels { list-style: none; margin: 0 0 0.5rem; padding: 0; }
    .channels li { display: flex; align-items: center; gap: 0.75rem; padding: 0.55rem 0; border-top: 1px solid var(--border); }
    .what { flex: 1; display: flex; flex-direction: column; min-width: 0; }
    .what .muted { font-size: 0.85rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BrowseChannelsDialog {
  private readonly api = inject(ChatApi);
  private readonly store = inject(ChatStore);

  readonly opened = output<ConversationView>();
  readonly closed = output<void>();

  protected readonly modal = viewChild.required(UiModal);

  protected readonly query = signal('');
  protected readonly channels = signal<Conversation[]>([]);
  protected readonly searching = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly joined = computed(() => new Set(this.store.conversations().map((c) => c.id)));

  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;

  constructor() {
    afterNextRender(() => void this.search());
    inject(DestroyRef).onDestroy(() => {
      if (this.timer) clearTimeout(this.timer);
    });
  }

  protected onQuery(event: Event): void {
    this.query.set((event.target as HTMLInputElement).value);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.search(), 200);
  }

  protected async join(channel: Conversation): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const view = await this.store.join(channel.id);
      this.opened.emit(view);
      this.modal().close();
    } catch (failure) {
      this.error.set(errorMessage(failure));
    } finally {
      this.busy.set(false);
    }
  }

  protected open(channel: Conversation): void {
    const view = this.store.conversations().find((c) => c.id === channel.id);
    if (!view) return;
    this.opened.emit(view);
    this.modal().close();
  }

  private async search(): Promise<void> {
    const generation = ++this.generation;
    this.searching.set(true);
    try {
      const { items } = await this.api.browseChannels(this.query().trim());
      if (generation === this.generation) this.channels.set(items);
    } catch (failure) {
      if (generation === this.generation) this.error.set(errorMessage(failure));
    } finally {
      if (generation === this.generation) this.searching.set(false);
    }
  }
}
