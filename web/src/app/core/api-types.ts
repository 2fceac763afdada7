// The REST contract of /api/v1, as the server speaks it (snake_case on the wire).

export type UserKind = 'employee' | 'agent' | 'customer' | 'guest';
export type Role = 'admin' | 'employee' | 'agent' | 'customer' | 'guest';

export const USER_KINDS: readonly UserKind[] = ['employee', 'agent', 'customer', 'guest'];
export const ROLES: readonly Role[] = ['admin', 'employee', 'agent', 'customer', 'guest'];

/** ISO weekday numbers: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface WorkingHours {
  /** "HH:MM", local to the user's time zone. */
  start: string;
  end: string;
  days: IsoWeekday[];
}

export interface GdprFlags {
  restrict_processing: boolean;
  exclude_from_ai: boolean;
}

export interface TeamRef {
  id: number;
  name: string;
}

export interface User {
  id: number;
  email: string;
  display_name: string;
  kind: UserKind;
  /** ISO 3166-1 alpha-2, e.g. "PT". */
  country: string;
  /** e.g. "EU". */
  region: string;
  /** IANA zone, e.g. "Europe/Lisbon". */
  time_zone: string;
  working_hours: WorkingHours;
  roles: Role[];
  teams: TeamRef[];
  active: boolean;
  gdpr: GdprFlags;
  /** Unix milliseconds. */
  created_at: number;
}

export type FeatureFlags = Record<string, boolean>;

export interface Me extends User {
  features: FeatureFlags;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface LoginResponse {
  token: string;
  /** Unix milliseconds. */
  expires_at: number;
  user: User;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface ListUsersQuery {
  q?: string;
  limit?: number;
  offset?: number;
}

export interface CreateUserRequest {
  email: string;
  display_name: string;
  password: string;
  kind: UserKind;
  country: string;
  time_zone: string;
  roles?: Role[];
  working_hours?: WorkingHours;
}

export interface UpdateUserRequest {
  display_name?: string;
  kind?: UserKind;
  country?: string;
  time_zone?: string;
  working_hours?: WorkingHours;
  roles?: Role[];
  active?: boolean;
  gdpr?: GdprFlags;
}

export interface ResetPasswordResponse {
  password: string;
}

export interface TeamSummary {
  id: number;
  name: string;
  region: string;
  member_count: number;
}

export interface TeamDetail {
  id: number;
  name: string;
  region: string;
  members: User[];
}

export interface CreateTeamRequest {
  name: string;
}

export interface FeatureToggle {
  feature: string;
  description: string;
  default_enabled: boolean;
  /** Per-country overrides keyed by ISO code. */
  countries: Record<string, boolean>;
}

export interface UpdateFeatureToggleRequest {
  default_enabled?: boolean;
  /** `null` removes that country's override. */
  countries?: Record<string, boolean | null>;
}

export interface Items<T> {
  items: T[];
}

export interface AuditEntry {
  id: number | string;
  /** Unix milliseconds. */
  at: number;
  actor_id: number | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  country: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  actor_id?: number;
  /** Unix milliseconds. */
  since?: number;
  until?: number;
  limit?: number;
  cursor?: string;
}

export interface AuditPage {
  items: AuditEntry[];
  next_cursor: string | null;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

// --- chat -------------------------------------------------------------------

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
