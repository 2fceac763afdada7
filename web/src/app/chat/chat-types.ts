// The chat feature's REST contract (snake_case on the wire, as the server speaks it).

export type ConversationKind = 'direct' | 'group' | 'channel' | 'support';
export type ConversationVisibility = 'public' | 'private';
export type ConversationRole = 'owner' | 'moderator' | 'member' | 'read_only';

export interface ConversationMember {
  user_id: number;
  display_name: string;
  role: ConversationRole;
  /** What "@handle" matches (after chat features land). */
  handle?: string;
  /** Direct conversations only: how far this member has read ("seen" receipts). */
  last_read_seq?: number;
  /** Announcement mode: chosen to post although not an owner or moderator. */
  can_post?: boolean;
  /** Someone from outside the company, invited to this conversation. */
  guest?: boolean;
}

/** A conversation as GET /channels lists it (no per-viewer fields). */
export interface Conversation {
  id: number;
  kind: ConversationKind;
  name: string;
  topic: string;
  visibility: ConversationVisibility;
  region: string;
  created_by: number;
  /** Unix milliseconds. */
  created_at: number;
  last_seq: number;
  /** The chat of a meeting: named after it, its members follow the meeting. */
  meeting?: boolean;
}

/** A conversation as one member sees it. `members` is empty for channels in the list. */
export interface ConversationView extends Conversation {
  my_role: ConversationRole;
  last_read_seq: number;
  unread: number;
  /** Unread messages that mention me (after chat features land). */
  mentions?: number;
  /** Unread replies in threads I follow (after chat features land). */
  thread_unread?: number;
  members: ConversationMember[];
  /** A chosen poster in announcement mode. */
  my_can_post?: boolean;
  /** Not a member: a support agent reading before claiming (no posting or reacting). */
  observer?: boolean;
  /** Channel settings; `announcement`: only owners, moderators and chosen posters post. */
  settings?: { announcement: boolean };
}

export interface CreateConversationRequest {
  kind: ConversationKind;
  name?: string;
  topic?: string;
  visibility?: ConversationVisibility;
  member_ids?: number[];
}

export interface ChatMessage {
  id: number;
  conversation_id: number;
  seq: number;
  author: { id: number; display_name: string };
  client_id: string;
  text: string;
  /** Unix milliseconds. */
  created_at: number;
  /** The conversation sequence number of this message's latest change (create, edit, delete). */
  change_seq?: number;
  /** Unix milliseconds of the last edit, or null. */
  edited_at?: number | null;
  /** A tombstone: `text` is empty. */
  deleted?: boolean;
  /** A thread reply: the root message's id; null/absent in the main timeline. */
  thread_root_id?: number | null;
  reply_count?: number;
  last_reply_at?: number | null;
  reactions?: Reaction[];
  /** Files posted with the message (none once deleted); bytes at /files/{id}/content. */
  attachments?: ChatAttachment[];
}

/** A file attached to a chat message; it lives in the conversation's file space. */
export interface ChatAttachment {
  id: number;
  name: string;
  size: number;
  content_type: string;
}

export interface Reaction {
  emoji: string;
  count: number;
  /** Whether the receiving user reacted with it. */
  me: boolean;
  user_ids?: number[];
}

export interface ThreadPage {
  root: ChatMessage;
  items: ChatMessage[];
  has_more: boolean;
  following: boolean;
}

export interface PostMessageRequest {
  text: string;
  client_id: string;
  /** File ids uploaded into the conversation's space; then text may be empty. */
  attachments?: number[];
}

export interface MessagesQuery {
  before?: number;
  after?: number;
  limit?: number;
}

export interface MessagePage {
  /** Ascending seq. */
  items: ChatMessage[];
  has_more: boolean;
}

/** GET /conversations/{id}/changes: messages and the other changes, merged by change_seq. */
export interface ChangesPage extends MessagePage {
  /** Retention purges and conversation changes, as the socket sends them. */
  events?: ChangeEvent[];
  /** The highest change_seq this page covers: the next `after`. */
  to?: number;
}

export type ChangeEvent =
  | { type: 'messages.purged'; conversation_id: number; change_seq: number; message_ids: number[] }
  | {
      type: 'conversation.updated';
      conversation_id: number;
      change_seq: number;
      change: 'details' | 'settings' | 'member';
      conversation: Partial<ConversationView> & { id: number };
      member?: { user_id: number; role: ConversationRole; can_post: boolean };
    };
