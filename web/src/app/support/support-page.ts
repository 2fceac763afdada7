import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { AttachmentPicker } from '../chat/attachment-picker';
import { MessageAttachments } from '../chat/message-attachments';
import { SupportStore } from './support-store';

/**
 * /support: a customer's own support conversations (open one, talk in it); for agents
 * and admins, the queue of their teams (claim, then work it in Chat) and their teams'
 * conversations.
 */
@Component({
  selector: 'mer-support-page',
  imports: [AttachmentPicker, FormsModule, MessageAttachments],
  providers: [SupportStore],
  templateUrl: './support-page.html',
  styleUrl: './support-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SupportPage implements OnInit {
  protected readonly store = inject(SupportStore);
  private readonly router = inject(Router);

  protected readonly subject = signal('');
  protected readonly firstMessage = signal('');
  protected readonly draft = signal('');

  ngOnInit(): void {
    void this.store.load();
  }

  protected async openRequest(): Promise<void> {
    if (await this.store.open(this.subject(), this.firstMessage())) {
      this.subject.set('');
      this.firstMessage.set('');
    }
  }

  protected async sendDraft(attach?: AttachmentPicker): Promise<void> {
    // The files leave the tray only once the message is stored (else they can be sent again).
    const files = attach?.readyIds() ?? [];
    if (await this.store.send(this.draft(), files)) {
      this.draft.set('');
      attach?.sent(files);
    }
  }

  protected onComposerKey(event: KeyboardEvent, attach?: AttachmentPicker): void {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void this.sendDraft(attach);
    }
  }

  protected async claim(id: number): Promise<void> {
    if (await this.store.claim(id)) void this.router.navigate(['/chat', id]);
  }

  protected openInChat(id: number): void {
    void this.router.navigate(['/chat', id]);
  }
}
