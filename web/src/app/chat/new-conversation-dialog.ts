import { ChangeDetectionStrategy, Component, DestroyRef, afterNextRender, computed, inject, input, output, signal, viewChild } from '@angular/core';
import { errorMessage } from '../core/api-error';
import { User } from '../core/api-types';
import { ConversationView, ConversationVisibility } from './chat-types';
import { SessionStore } from '../core/session.store';
import { ChatApi } from './chat-api';
import { ChatStore } from './chat-store';
import { UiBadge, UiButton, UiIcon, UiModal } from '../ui';
import { ProfileCardTrigger } from '../availability/profile-card';

export type NewConversationKind = 'direct' | 'group' | 'channel';

const SEARCH_DELAY_MS = 200;

/** Start a direct message (one person), a group (several) or a channel (name, topic, visibility). */
@Component({
  imports: [UiBadge, UiButton, UiIcon, UiModal, ProfileCardTrigger],
  selector: 'mer-new-conversation-dialog',
  templateUrl: './new-conversation-dialog.html',
  styleUrl: './new-conversation-dialog.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NewConversationDialog {
  private readonly api = inject(ChatApi);
  private readonly store = inject(ChatStore);
  private readonly session = inject(SessionStore);

  readonly kind = input.required<NewConversationKind>();
  readonly created = output<ConversationView>();
  readonly closed = output<void>();

  private readonly modal = viewChild.required(UiModal);

  protected readonly query = signal('');
  protected readonly people = signal<User[]>([]);
  protected readonly searching = signal(false);
  protected readonly selected = signal<User[]>([]);
  protected readonly name = signal('');
  protected readonly topic = signal('');
  protected readonly visibility = signal<ConversationVisibility>('public');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly title = computed(() => {
    switch (this.kind()) {
      case 'direct':
        return 'New direct message';
      case 'group':
        return 'New group';
      default:
        return 'New channel';
    }
  });
  protected readonly candidates = computed(() => {
    const me = this.session.user()?.id;
    const chosen = new Set(this.selected().map((u) => u.id));
    return this.people().filter((u) => u.id !== me && !chosen.has(u.id));
  });
  protected readonly canCreate = computed(() => {
    if (this.busy()) return false;
    if (this.kind() === 'channel') return this.name().trim() !== '';
    return this.selected().length > 0;
  });

  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;

  constructor() {
    afterNextRender(() => {
      if (this.kind() !== 'channel') void this.search();
    });
    inject(DestroyRef).onDestroy(() => {
      if (this.timer) clearTimeout(this.timer);
    });
  }

  protected onQuery(event: Event): void {
    this.query.set((event.target as HTMLInputElement).value);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.search(), SEARCH_DELAY_MS);
  }

  protected text(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async pick(person: User): Promise<void> {
    if (this.kind() === 'direct') {
      await this.submit([person]);
      return;
    }
    this.selected.update((list) => [...list, person]);
  }

  protected unpick(person: User): void {
    this.selected.update((list) => list.filter((u) => u.id !== person.id));
  }

  protected async submit(people = this.selected()): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const kind = this.kind();
      const view = await this.store.create(
        kind === 'channel'
          ? { kind, name: this.name().trim(), topic: this.topic().trim() || undefined, visibility: this.visibility() }
          : { kind, name: kind === 'group' ? this.name().trim() || undefined : undefined, member_ids: people.map((u) => u.id) },
      );
      // The page usually closes the dialog for this; otherwise it closes here.
      this.created.emit(view);
      this.modal().close();
    } catch (failure) {
      this.error.set(errorMessage(failure));
    } finally {
      this.busy.set(false);
    }
  }

  protected cancel(): void {
    this.modal().close();
  }

  protected onClose(): void {
    this.closed.emit();
  }

  private async search(): Promise<void> {
    const generation = ++this.generation;
    this.searching.set(true);
    try {
      // A group may invite guests; a direct message is between colleagues (the server refuses guests there).
      const page = await this.api.searchPeople(this.query().trim(), { guests: this.kind() === 'group' });
      if (generation === this.generation) this.people.set(page.items);
    } catch (failure) {
      if (generation === this.generation) this.error.set(errorMessage(failure));
    } finally {
      if (generation === this.generation) this.searching.set(false);
    }
  }
}
