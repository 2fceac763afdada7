import { ConversationView } from './chat-types';
import { composerBlockedReason, threadReplyBlockedReason } from './composer-access';

function view(patch: Partial<ConversationView>): ConversationView {
  return {
    id: 1,
    kind: 'channel',
    name: 'news',
    topic: '',
    visibility: 'public',
    region: 'EU',
    created_by: 1,
    created_at: 0,
    last_seq: 0,
    my_role: 'member',
    last_read_seq: 0,
    unread: 0,
    members: [],
    ...patch,
  } as ConversationView;
}

describe('composerBlockedReason', () => {
  it('lets members post in ordinary conversations', () => {
    expect(composerBlockedReason(view({}))).toBe('');
    expect(composerBlockedReason(null)).toBe('');
  });

  it('explains read-only membership', () => {
    expect(composerBlockedReason(view({ my_role: 'read_only' }))).toBe('You can read this channel');
    expect(composerBlockedReason(view({ kind: 'group', my_role: 'read_only' }))).toBe('You can read this conversation');
    expect(threadReplyBlockedReason(view({ my_role: 'read_only' }))).toBe('You can read this channel');
  });

  it('explains announcement mode to members but not to owners, moderators or chosen posters', () => {
    const settings = { announcement: true };
    expect(composerBlockedReason(view({ settings }))).toBe('Announcement channel: only owners, moderators and chosen members post');
    expect(composerBlockedReason(view({ settings, my_role: 'owner' }))).toBe('');
    expect(composerBlockedReason(view({ settings, my_role: 'moderator' }))).toBe('');
    expect(composerBlockedReason(view({ settings, my_can_post: true }))).toBe('');
    // Members still reply in threads there.
    expect(threadReplyBlockedReason(view({ settings }))).toBe('');
  });

  it('asks a support agent to claim before replying', () => {
    const unclaimed = view({ kind: 'group', my_role: 'read_only', observer: true });
    expect(composerBlockedReason(unclaimed)).toBe('Claim this conversation to reply');
    expect(threadReplyBlockedReason(unclaimed)).toBe('Claim this conversation to reply');
  });
});
