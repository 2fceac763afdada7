import { Injectable, signal } from '@angular/core';

/** The chat's total unread count, for the top navigation (ChatStore lives under /chat). */
@Injectable({ providedIn: 'root' })
export class ChatUnread {
  readonly total = signal(0);
}
