import { ConversationView } from './chat-types';

/**
 * Why I cannot post in this conversation's main timeline, or '' when I can. The server
 * refuses the same cases (403); the composer shows this instead of letting a send fail.
 */
export function composerBlockedReason(c: ConversationView | null | undefined): string {
  if (!c) return '';
  if (c.observer) return 'Claim this conversation to reply';
  if (c.my_role === 'read_only') return c.kind === 'channel' ? 'You can read this channel' : 'You can read this conversation';
  const manages = c.my_role === 'owner' || c.my_role === 'moderator';
  if (c.kind === 'channel' && c.settings?.announcement && !manages && !c.my_can_post)
    return 'Announcement channel: only owners, moderators and chosen members post';
  return '';
}

/** The same for thread replies: announcement mode still lets members reply in threads. */
export function threadReplyBlockedReason(c: ConversationView | null | undefined): string {
  if (!c) return '';
  if (c.observer) return 'Claim this conversation to reply';
  if (c.my_role === 'read_only') return c.kind === 'channel' ? 'You can read this channel' : 'You can read this conversation';
  return '';
}
