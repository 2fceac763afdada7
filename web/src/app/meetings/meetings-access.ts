import { Me } from '../core/api-types';

/**
 * Who may host (start or schedule) a meeting: the server's policy (policy_table.csv,
 * system,host_meeting) lets admins, employees and agents; customers and guests are refused,
 * so they are offered only the meetings they are invited to.
 */
export function canHostMeetings(user: Pick<Me, 'kind' | 'roles'> | null | undefined): boolean {
  if (!user) return false;
  return user.roles.includes('admin') || user.kind === 'employee' || user.kind === 'agent';
}

/** Who has a Meetings page at all: everyone signed in but a guest (a guest has only a meeting link). */
export function canSeeMeetings(kind: string | undefined): boolean {
  return kind !== undefined && kind !== 'guest';
}
