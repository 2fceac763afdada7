import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  OnInit,
  afterNextRender,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { RemoteSupportInvites } from '../remote-support/remote-support-invites';
import { MinuteClock } from '../core/clock';
import { ChatMessage } from '../chat/chat-types';
import { formatLocalTime } from '../core/local-time';
import { SessionStore } from '../core/session.store';
import { dayKey, dayLabel } from '../chat/timeline';
import { AttachmentPicker } from '../chat/attachment-picker';
import { MessageAttachments } from '../chat/message-attachments';
import { renderMarkdown } from '../chat/markdown';
import { PresenceDot } from '../chat/presence-dot';
import { PresenceStore, describeLocalTime, flagOf, statusLabel } from '../chat/presence-store';
import { SupportStore } from './support-store';
import { UiButton } from '../ui/button';

/** Where focus goes after opening a conversation: its composer, or Reopen when it is closed. */
const COMPOSER = '[data-testid="support-composer"], [data-testid="support-reopen"]';

/**
 * /support: a customer's own support conversations (open one, talk in it: edit and delete
 * their own messages, see their agent's presence and local time and when they have read);
 * for agents and admins, the queue of their teams (claim, then work it in Chat) and their
 * teams' conversations.
 */
@Component({
  selector: 'mer-support-page',
  imports: [UiButton, AttachmentPicker, FormsModule, MessageAttachments, PresenceDot, RouterLink, RemoteSupportInvites],
  providers: [SupportStore, PresenceStore],
  templateUrl: './support-page.html',
  styleUrl: './support-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SupportPage implements OnInit {
  protected readonly store = inject(SupportStore);
  private readonly presence = inject(PresenceStore);
  private readonly clock = inject(MinuteClock);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly subject = signal('');
  protected readonly firstMessage = signal('');
  protected readonly draft = signal('');
  /** The message being edited and its text. */
  protected readonly editing = signal<number | null>(null);
  protected readonly editText = signal('');
  protected readonly confirmingDelete = signal<number | null>(null);

  private readonly timeZone = computed(() => this.session.user()?.time_zone ?? 'UTC');
  /** The messages with their time (in my zone) and a day label where a new day starts. */
  protected readonly rows = computed(() => {
    const zone = this.timeZone();
    const now = this.clock.now();
    let previousDay = '';
    return this.store.messages().map((message) => {
      const day = dayKey(message.created_at, zone);
      const label = day !== previousDay ? dayLabel(message.created_at, now, zone) : null;
      previousDay = day;
      return { message, day: label, time: formatLocalTime(message.created_at, zone) };
    });
  });

  private readonly list = viewChild<ElementRef<HTMLElement>>('messageList');
  /** Follow new messages while the list is scrolled to its end (or was just opened). */
  private stickToEnd = true;

  constructor() {
    // Presence (with country, time zone and working hours) of the agents shown.
    effect(() => {
      const ids = this.store.agents().map((a) => a.user_id);
      if (ids.length) untracked(() => void this.presence.want(ids));
    });
    effect(() => {
      this.store.messages();
      this.list();
      if (!untracked(() => this.stickToEnd)) return;
      afterNextRender(
        () => {
          const list = this.list()?.nativeElement;
          if (list) list.scrollTop = list.scrollHeight;
        },
        { injector: this.injector },
      );
    });
  }

  /** Older messages go above; the view stays where the reader is. */
  protected async loadEarlier(): Promise<void> {
    const list = this.list()?.nativeElement;
    const fromEnd = list ? list.scrollHeight - list.scrollTop : 0;
    this.stickToEnd = false;
    await this.store.loadEarlier();
    afterNextRender(
      () => {
        if (list) list.scrollTop = list.scrollHeight - fromEnd;
      },
      { injector: this.injector },
    );
  }

  protected onListScroll(event: Event): void {
    const list = event.target as HTMLElement;
    this.stickToEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  }

  ngOnInit(): void {
    void this.store.load();
  }

  /** "🇵🇹 14:02 in Lisbon, outside working hours" (empty while unknown). */
  protected localTime(userId: number): string {
    const info = this.presence.all().get(userId);
    const local = describeLocalTime(info, this.clock.now());
    return local ? `${flagOf(info)} ${local}`.trim() : '';
  }

  protected statusOf(userId: number): string {
    const info = this.presence.all().get(userId);
    return info ? statusLabel(info.status) : '';
  }

  /** The chat's safe Markdown subset (no raw HTML; only http(s)/mailto links, new tab, noopener). */
  protected html(text: string): string {
    return renderMarkdown(text);
  }

  protected isMine(message: ChatMessage): boolean {
    return message.author.id === this.store.myId();
  }

  protected async choose(id: number): Promise<void> {
    this.cancelEdit(false);
    this.confirmingClose.set(false);
    this.stickToEnd = true;
    const selecting = this.store.select(id);
    this.focus(COMPOSER);
    await selecting;
  }

  protected async openRequest(): Promise<void> {
    this.stickToEnd = true;
    if (await this.store.open(this.subject(), this.firstMessage())) {
      this.subject.set('');
      this.firstMessage.set('');
      this.focus(COMPOSER);
    }
  }

  protected readonly confirmingClose = signal(false);

  protected askClose(): void {
    this.confirmingClose.set(true);
    this.focus('[data-testid="support-close-confirm"]');
  }

  protected async close(id: number): Promise<void> {
    this.confirmingClose.set(false);
    if (await this.store.close(id)) this.focus(COMPOSER);
  }

  protected keepOpen(): void {
    this.confirmingClose.set(false);
    this.focus(COMPOSER);
  }

  protected async reopen(id: number): Promise<void> {
    if (await this.store.reopen(id)) this.focus(COMPOSER);
  }

  protected async sendDraft(attach?: AttachmentPicker): Promise<void> {
    // The files leave the tray only once the message is stored (else they can be sent again).
    const files = attach?.readyIds() ?? [];
    this.stickToEnd = true; // my own message always comes into view
    if (await this.store.send(this.draft(), files)) {
      this.draft.set('');
      attach?.sent(files);
    }
  }

  protected onComposerKey(event: KeyboardEvent, attach?: AttachmentPicker): void {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void this.sendDraft(attach);
    } else if (event.key === 'ArrowUp' && !this.draft()) {
      const last = this.store.lastEditable();
      if (last) {
        event.preventDefault();
        this.startEdit(last);
      }
    }
  }

  protected startEdit(message: ChatMessage): void {
    this.confirmingDelete.set(null);
    this.editing.set(message.id);
    this.editText.set(message.text);
    this.focus('[data-testid="support-edit-input"]');
  }

  protected cancelEdit(refocus = true): void {
    if (this.editing() === null) return;
    this.editing.set(null);
    if (refocus) this.focus(COMPOSER);
  }

  protected async saveEdit(): Promise<void> {
    const id = this.editing();
    if (id === null) return;
    if (await this.store.edit(id, this.editText())) this.cancelEdit();
  }

  protected onEditKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void this.saveEdit();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.cancelEdit();
    }
  }

  protected askDelete(id: number): void {
    this.cancelEdit(false);
    this.confirmingDelete.set(id);
    this.focus(`[data-testid="support-delete-confirm"]`);
  }

  protected keep(): void {
    this.confirmingDelete.set(null);
    this.focus(COMPOSER);
  }

  protected async remove(id: number): Promise<void> {
    this.confirmingDelete.set(null);
    if (await this.store.remove(id)) this.focus(COMPOSER);
  }

  protected async claim(id: number): Promise<void> {
    if (await this.store.claim(id)) void this.router.navigate(['/chat', id]);
  }

  protected openInChat(id: number): void {
    void this.router.navigate(['/chat', id]);
  }

  /** Focuses the element once the page has rendered the state just set (zoneless: later). */
  private focus(selector: string): void {
    afterNextRender(
      () => {
        const element = this.host.nativeElement.querySelector<HTMLElement>(selector);
        if (element && !(element as HTMLTextAreaElement).disabled) element.focus();
      },
      { injector: this.injector },
    );
  }
}
