// How Admin -> Users names a kind of account. A meeting guest is an account the server makes
// for someone who joined a meeting by link and wrote in its chat (meetings/meeting_chat.cpp:
// "meeting-guest-<n>@guests.invalid", no password): it is not someone who can sign in.
import { User } from '../../core/api-types';

const MEETING_GUEST_DOMAIN = '@guests.invalid';

export function isMeetingGuest(user: Pick<User, 'kind' | 'email'>): boolean {
  return user.kind === 'guest' && user.email.toLowerCase().endsWith(MEETING_GUEST_DOMAIN);
}

/** "Employee", "Agent", "Customer", "Guest" or "Meeting guest". */
export function kindLabel(user: Pick<User, 'kind' | 'email'>): string {
  if (isMeetingGuest(user)) return 'Meeting guest';
  return user.kind.charAt(0).toUpperCase() + user.kind.slice(1);
}
