import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { ChatStore } from './chat-store';
import { canStartConversations } from './chat.guard';
import { SessionStore } from '../core/session.store';

/** /chat with nothing open. */
@Component({
  selector: 'mer-chat-welcome',
  template: `
    <div class="empty" data-testid="chat-welcome">
      @if (store.conversations().length === 0) {
        <strong>No conversations yet</strong>
        @if (canStart()) {
          <p>Start a direct message or browse channels with the buttons on the left.</p>
        } @else {
          <p>As a guest you see the groups and channels you're invited to. Ask the person who invited you to add you.</p>
        }
      } @else {
        <strong>Pick a conversation</strong>
        <p>{{ canStart() ? 'Choose one on the left, or start a new one.' : 'Choose one on the left.' }}</p>
      }
    </div>
  `,
  styles: `:host { display: grid; place-items: center; height: 100%; background: var(--surface); }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChatWelcome {
  protected readonly store = inject(ChatStore);
  private readonly session = inject(SessionStore);
  protected readonly canStart = computed(() => canStartConversations(this.session.user()?.kind));
}
