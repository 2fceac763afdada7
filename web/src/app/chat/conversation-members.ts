// Who is in the open conversation: adding and removing people, their roles, who may post
// in announcement mode, and leaving a conversation myself.
import { Injectable, inject } from '@angular/core';
import { ChatApi } from './chat-api';
import { ConversationRole } from './chat-types';
import { ConversationList } from './conversation-list';

@Injectable()
export class ConversationMembers {
  private readonly api = inject(ChatApi);
  private readonly list = inject(ConversationList);

  async addMember(userId: number): Promise<void> {
    await this.changeActive((id) => this.api.addMember(id, userId));
  }

  /** Owners only: member, moderator, read-only or owner. */
  async setMemberRole(userId: number, role: ConversationRole): Promise<void> {
    await this.changeActive((id) => this.api.setMemberRole(id, userId, role));
  }

  /** Announcement mode: lets a member post (or not). */
  async setMemberCanPost(userId: number, canPost: boolean): Promise<void> {
    await this.changeActive((id) => this.api.setMemberCanPost(id, userId, canPost));
  }

  async removeMember(userId: number): Promise<void> {
    await this.changeActive((id) => this.api.removeMember(id, userId));
  }

  /** Leaves a group or channel; it disappears from the sidebar. */
  async leave(id: number): Promise<void> {
    await this.api.leave(id);
    this.list.remove(id);
  }

  /** A change to the open conversation's members, then its members as the server has them. */
  private async changeActive(change: (id: number) => Promise<unknown>): Promise<void> {
    const id = this.list.activeId();
    if (id === null) return;
    await change(id);
    this.list.upsert(await this.api.getConversation(id));
  }
}
