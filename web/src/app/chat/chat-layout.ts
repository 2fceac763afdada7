import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter, map } from 'rxjs';
import { ConversationView } from './chat-types';
import { BrowseChannelsDialog } from './browse-channels-dialog';
import { ChatStore } from './chat-store';
import { canStartConversations } from './chat.guard';
import { SessionStore } from '../core/session.store';
import { ConversationEntry } from './conversation-list';
import { NewConversationDialog, NewConversationKind } from './new-conversation-dialog';
import { PresenceDot } from './presence-dot';
import { PresenceStore } from './presence-store';
import { PresenceMode } from './presence-events';
import { IconName, UiIcon } from '../ui';

/**
 * The chat page: conversation sidebar on the left, the open conversation (or search, catch-up)
 * on the right. On a phone /chat is the list alone, and a sub-page takes the whole screen
 * with a "Conversations" link back to the list.
 */
@Component({
  selector: 'mer-chat-layout',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, NewConversationDialog, BrowseChannelsDialog, PresenceDot, UiIcon],
  templateUrl: './chat-layout.html',
  styleUrl: './chat-layout.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChatLayout {
  private readonly router = inject(Router);
  protected readonly store = inject(ChatStore);
  private readonly session = inject(SessionStore);
  /** Guests are invited; they start nothing and browse no channels (the server refuses it). */
  protected readonly canStart = computed(() => canStartConversations(this.session.user()?.kind));

  protected readonly creating = signal<NewConversationKind | null>(null);
  protected readonly browsing = signal(false);

  protected readonly presence = inject(PresenceStore);

  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e) => e instanceof NavigationEnd),
      map(() => this.router.url),
    ),
    { initialValue: this.router.url },
  );
  /** Something below /chat is open (not the list's welcome). */
  protected readonly subPage = computed(() => this.url().split(/[?#]/)[0].replace(/\/+$/, '') !== '/chat');

  constructor() {
    void this.store.load();
    // Presence of DM partners, of the open conversation's members, and my own.
    effect(() => {
      const ids = this.store.directs().flatMap((e) => (e.peerId === null ? [] : [e.peerId]));
      for (const m of this.store.active()?.members ?? []) ids.push(m.user_id);
      const me = this.store.myId();
      if (me !== null) ids.push(me);
      untracked(() => void this.presence.want(ids));
    });
  }

  protected chooseMode(mode: PresenceMode): void {
    void this.presence.choose(mode, this.presence.statusText());
  }

  protected chooseText(text: string): void {
    void this.presence.choose(this.presence.mode(), text.trim().slice(0, 100));
  }

  protected symbol(entry: ConversationEntry): IconName {
    if (entry.kind === 'channel') return entry.visibility === 'private' ? 'lock' : 'hash';
    return entry.kind === 'group' ? 'users' : 'at-sign';
  }

  protected opened(view: ConversationView): void {
    this.creating.set(null);
    this.browsing.set(false);
    void this.router.navigate(['/chat', view.id]);
  }
}
