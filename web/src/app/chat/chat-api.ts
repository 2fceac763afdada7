import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE, params } from '../core/api-client';
import { Items, Page, User } from '../core/api-types';
import { ChangesPage, ChatMessage, Conversation, ConversationRole, ConversationView, CreateConversationRequest, MessagePage, MessagesQuery, PostMessageRequest, ThreadPage } from './chat-types';

export interface RetentionInForce {
  conversation_id: number;
  /** null: kept forever. */
  policy: { scope: string; keep_days: number } | null;
  legal_hold?: boolean;
}

export interface ChannelSettings {
  announcement: boolean;
  broadcast_mentions: 'everyone' | 'moderators' | 'nobody';
  allowed_countries: string[];
  allowed_regions: string[];
}

/** The chat part of the REST API; failures reject with an ApiError like ApiClient. */
@Injectable({ providedIn: 'root' })
export class ChatApi {
  private readonly http = inject(HttpClient);

  listConversations(): Promise<Items<ConversationView>> {
    return firstValueFrom(this.http.get<Items<ConversationView>>(`${API_BASE}/conversations`));
  }

  getConversation(id: number): Promise<ConversationView> {
    return firstValueFrom(this.http.get<ConversationView>(`${API_BASE}/conversations/${id}`));
  }

  createConversation(body: CreateConversationRequest): Promise<ConversationView> {
    return firstValueFrom(this.http.post<ConversationView>(`${API_BASE}/conversations`, body));
  }

  browseChannels(q = ''): Promise<Items<Conversation>> {
    return firstValueFrom(this.http.get<Items<Conversation>>(`${API_BASE}/channels`, { params: params({ q }) }));
  }

  join(id: number): Promise<ConversationView> {
    return firstValueFrom(this.http.post<ConversationView>(`${API_BASE}/conversations/${id}/join`, {}));
  }

  leave(id: number): Promise<void> {
    return firstValueFrom(this.http.post<void>(`${API_BASE}/conversations/${id}/leave`, {}));
  }

  listMessages(id: number, query: MessagesQuery = {}): Promise<MessagePage> {
    return firstValueFrom(
      this.http.get<MessagePage>(`${API_BASE}/conversations/${id}/messages`, {
        params: params({ before: query.before, after: query.after, limit: query.limit }),
      }),
    );
  }

  postMessage(id: number, body: PostMessageRequest): Promise<ChatMessage> {
    return firstValueFrom(this.http.post<ChatMessage>(`${API_BASE}/conversations/${id}/messages`, body));
  }

  editMessage(id: number, messageId: number, text: string): Promise<ChatMessage> {
    return firstValueFrom(this.http.patch<ChatMessage>(`${API_BASE}/conversations/${id}/messages/${messageId}`, { text }));
  }

  deleteMessage(id: number, messageId: number): Promise<ChatMessage> {
    return firstValueFrom(this.http.delete<ChatMessage>(`${API_BASE}/conversations/${id}/messages/${messageId}`));
  }

  /**
   * Everything changed after `after` (a change_seq): messages once each in their latest
   * state, and the purges and conversation changes as `events`.
   */
  listChanges(id: number, after: number, limit = 200): Promise<ChangesPage> {
    return firstValueFrom(
      this.http.get<ChangesPage>(`${API_BASE}/conversations/${id}/changes`, { params: params({ after, limit }) }),
    );
  }

  listThread(id: number, rootId: number, query: MessagesQuery = {}): Promise<ThreadPage> {
    return firstValueFrom(
      this.http.get<ThreadPage>(`${API_BASE}/conversations/${id}/messages/${rootId}/replies`, {
        params: params({ before: query.before, after: query.after, limit: query.limit }),
      }),
    );
  }

  followThread(id: number, rootId: number, follow: boolean): Promise<void> {
    const url = `${API_BASE}/conversations/${id}/messages/${rootId}/follow`;
    return firstValueFrom(follow ? this.http.put<void>(url, {}) : this.http.delete<void>(url));
  }

  markThreadRead(id: number, rootId: number, seq: number): Promise<void> {
    return firstValueFrom(this.http.post<void>(`${API_BASE}/conversations/${id}/messages/${rootId}/read`, { seq }));
  }

  /** Owners and moderators of a group or channel: name and topic (members get conversation.updated). */
  updateConversation(id: number, patch: { name?: string; topic?: string }): Promise<ConversationView> {
    return firstValueFrom(this.http.patch<ConversationView>(`${API_BASE}/conversations/${id}`, patch));
  }

  /** The retention policy in force (members); legal_hold only for admins. */
  getRetention(id: number): Promise<RetentionInForce> {
    return firstValueFrom(this.http.get<RetentionInForce>(`${API_BASE}/conversations/${id}/retention`));
  }

  getSettings(id: number): Promise<ChannelSettings> {
    return firstValueFrom(this.http.get<ChannelSettings>(`${API_BASE}/conversations/${id}/settings`));
  }

  updateSettings(id: number, patch: Partial<ChannelSettings>): Promise<ChannelSettings> {
    return firstValueFrom(this.http.patch<ChannelSettings>(`${API_BASE}/conversations/${id}/settings`, patch));
  }

  setMemberRole(id: number, userId: number, role: ConversationRole): Promise<unknown> {
    return firstValueFrom(this.http.patch(`${API_BASE}/conversations/${id}/members/${userId}`, { role }));
  }

  /** Announcement mode: whether a member may post (owners and moderators decide). */
  setMemberCanPost(id: number, userId: number, canPost: boolean): Promise<unknown> {
    return firstValueFrom(this.http.patch(`${API_BASE}/conversations/${id}/members/${userId}`, { can_post: canPost }));
  }

  addMember(id: number, userId: number): Promise<void> {
    return firstValueFrom(this.http.put<void>(`${API_BASE}/conversations/${id}/members/${userId}`, {}));
  }

  removeMember(id: number, userId: number): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${API_BASE}/conversations/${id}/members/${userId}`));
  }

  markRead(id: number, seq: number): Promise<void> {
    return firstValueFrom(this.http.post<void>(`${API_BASE}/conversations/${id}/read`, { seq }));
  }

  /**
   * The people directory (employees and agents), for starting conversations; with `guests`
   * also the guests one may invite to a group or channel.
   */
  searchPeople(q = '', options: { guests?: boolean } = {}): Promise<Page<User>> {
    const include = options.guests ? 'guests' : undefined;
    return firstValueFrom(this.http.get<Page<User>>(`${API_BASE}/users`, { params: params({ q, limit: 20, include }) }));
  }
}
