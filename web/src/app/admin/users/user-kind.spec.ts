import { isMeetingGuest, kindLabel } from './user-kind';

describe('kindLabel', () => {
  it('marks the accounts made for meeting guests', () => {
    const gina = { kind: 'guest' as const, email: 'meeting-guest-4@guests.invalid' };
    expect(isMeetingGuest(gina)).toBe(true);
    expect(kindLabel(gina)).toBe('Meeting guest');
  });

  it('names every other account by its kind', () => {
    expect(isMeetingGuest({ kind: 'guest', email: 'gus@partner.example' })).toBe(false);
    expect(kindLabel({ kind: 'guest', email: 'gus@partner.example' })).toBe('Guest');
    expect(kindLabel({ kind: 'employee', email: 'meeting-guest-4@guests.invalid' })).toBe('Employee');
  });
});
