import { canStartConversations, canUseChat } from './chat.guard';

describe('who uses chat', () => {
  it('employees, agents and invited guests use chat; customers use Support instead', () => {
    expect(canUseChat('employee')).toBe(true);
    expect(canUseChat('agent')).toBe(true);
    expect(canUseChat('guest')).toBe(true);
    expect(canUseChat('customer')).toBe(false);
    expect(canUseChat(undefined)).toBe(false);
  });

  it('only staff start conversations or browse channels; a guest is invited', () => {
    expect(canStartConversations('employee')).toBe(true);
    expect(canStartConversations('agent')).toBe(true);
    expect(canStartConversations('guest')).toBe(false);
    expect(canStartConversations('customer')).toBe(false);
  });
});
