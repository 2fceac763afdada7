import { canHostMeetings, canSeeMeetings } from './meetings-access';

describe('meetings access', () => {
  it('lets admins, employees and agents host, as the server policy does, and not customers or guests', () => {
    expect(canHostMeetings({ kind: 'employee', roles: ['employee'] })).toBe(true);
    expect(canHostMeetings({ kind: 'agent', roles: ['agent'] })).toBe(true);
    expect(canHostMeetings({ kind: 'employee', roles: ['admin', 'employee'] })).toBe(true);
    expect(canHostMeetings({ kind: 'customer', roles: ['customer'] })).toBe(false);
    expect(canHostMeetings({ kind: 'guest', roles: [] })).toBe(false);
    expect(canHostMeetings(null)).toBe(false);
  });

  it('gives everyone signed in but a guest a Meetings page', () => {
    expect(canSeeMeetings('customer')).toBe(true);
    expect(canSeeMeetings('employee')).toBe(true);
    expect(canSeeMeetings('guest')).toBe(false);
    expect(canSeeMeetings(undefined)).toBe(false);
  });
});
