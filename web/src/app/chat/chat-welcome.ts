import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ChatStore } from './chat-store';

/** /chat with nothing open. */
@Component({
  selector: 'mer-chat-welcome',
  template: `
    <div class="empty" data-testid="chat-welcome">
      @if (store.conversations().length === 0) {
        <strong>No conversations yet</strong>
        <p>Start a direct message or browse channels with the buttons on the left.</p>
      } @else {
        <strong>Pick a conversation</strong>
        <p>Choose one on the left, or start a new one.</p>
      }
    </div>
  `,
  styles: `:host { display: grid; place-items: center; height: 100%; background: var(--surface); }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChatWelcome {
  protected readonly store = inject(ChatStore);
}
