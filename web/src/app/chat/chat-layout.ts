import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ConversationView } from '../core/api-types';
import { BrowseChannelsDialog } from './browse-channels-dialog';
import { ChatStore, ConversationEntry } from './chat-store';
import { NewConversationDialog, NewConversationKind } from './new-conversation-dialog';

/** The chat page: conversation sidebar on the left, the open conversation on the right. */
@Component({
  selector: 'mer-chat-layout',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, NewConversationDialog, BrowseChannelsDialog],
  templateUrl: './chat-layout.html',
  styleUrl: './chat-layout.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChatLayout {
  private readonly router = inject(Router);
  protected readonly store = inject(ChatStore);

  protected readonly creating = signal<NewConversationKind | null>(null);
  protected readonly browsing = signal(false);

  constructor() {
    void this.store.load();
  }

  protected symbol(entry: ConversationEntry): string {
    if (entry.kind === 'channel') return entry.visibility === 'private' ? '🔒' : '#';
    return entry.kind === 'group' ? '👥' : '@';
  }

  protected opened(view: ConversationView): void {
    this.creating.set(null);
    this.browsing.set(false);
    void this.router.navigate(['/chat', view.id]);
  }
}
