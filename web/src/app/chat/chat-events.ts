// The chat's realtime messages (docs/websocket.md): added to the core transport's typed maps.
import { ChatMessage, ConversationRole, ConversationView } from './chat-types';

declare module '../core/realtime.service' {
  interface ServerMessageMap {
    'message.ack': { type: 'message.ack'; id: string; message: ChatMessage; duplicate: boolean };
    'message.new': { type: 'message.new'; conversation_id: number; message: ChatMessage };
    'message.updated': { type: 'message.updated'; conversation_id: number; message: ChatMessage };
    typing: { type: 'typing'; conversation_id: number; user: { id: number } };
    'reaction.ack': { type: 'reaction.ack'; id: string; changed: boolean; on: boolean; message: ChatMessage };
    'reaction.updated': { type: 'reaction.updated'; conversation_id: number; message_id: number; emoji: string; on: boolean; message: ChatMessage };
    'sync.replay': {
      type: 'sync.replay';
      id?: string;
      conversation_id: number;
      from: number;
      to: number;
      complete: boolean;
      error?: { code: string; message: string };
    };
    'sync.done': { type: 'sync.done'; id?: string };
    /** A conversation's name, topic, settings or one member's role / can_post changed (replayed by sync). */
    'conversation.updated': ConversationUpdated;
    /** Retention deleted these messages (and replies): clients drop them (replayed by sync). */
    'messages.purged': { type: 'messages.purged'; conversation_id: number; change_seq?: number; message_ids: number[] };
    'read.updated': { type: 'read.updated'; conversation_id: number; user_id: number; last_read_seq: number };
    mention: { type: 'mention'; conversation_id: number; kind: 'user' | 'channel' | 'here'; message: ChatMessage };
    /** I was added to a conversation (or made one on another device): read it and list it. */
    'conversation.added': { type: 'conversation.added'; conversation_id: number; by: number };
    /** I was removed from a conversation, or left it on another device: it goes. */
    'conversation.removed': { type: 'conversation.removed'; conversation_id: number; by: number };
    /** People came into or left a conversation I am in. */
    'conversation.members': { type: 'conversation.members'; conversation_id: number; added: number[]; removed: number[]; by: number };
  }

  interface ClientMessageMap {
    'message.send': { conversation_id: number; text: string; client_id: string; thread_root_id?: number; attachments?: number[] };
    sync: { id: string; cursors: Record<string, number> };
    'reaction.toggle': { conversation_id: number; message_id: number; emoji: string; on?: boolean };
    typing: { conversation_id: number };
  }
}

export interface ConversationUpdated {
  type: 'conversation.updated';
  conversation_id: number;
  change_seq?: number;
  change: 'details' | 'settings' | 'member';
  conversation: Partial<ConversationView> & { id: number };
  member?: { user_id: number; role: ConversationRole; can_post: boolean };
}
