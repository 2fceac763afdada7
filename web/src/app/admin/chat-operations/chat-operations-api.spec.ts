import { buildScope, describeScope } from './chat-operations-api';

describe('retention and routing scopes', () => {
  it('builds only scopes the server accepts', () => {
    expect(buildScope('global', 'ignored')).toBe('global');
    expect(buildScope('default', '')).toBe('default');
    expect(buildScope('kind', 'channel')).toBe('kind:channel');
    expect(buildScope('kind', 'meeting')).toBeNull();
    expect(buildScope('country', ' de ')).toBe('country:DE');
    expect(buildScope('country', 'Germany')).toBeNull();
    expect(buildScope('region', 'EU')).toBe('region:EU');
    expect(buildScope('region', 'E U')).toBeNull();
    expect(buildScope('conversation', '12')).toBe('conversation:12');
    expect(buildScope('conversation', '0')).toBeNull();
    expect(buildScope('user', '7x')).toBeNull();
    expect(buildScope('planet', 'earth')).toBeNull();
  });

  it('describes scopes for people', () => {
    expect(describeScope('kind:channel')).toBe('All channels');
    expect(describeScope('country:DE')).toBe('Support customers in DE');
    expect(describeScope('conversation:12')).toBe('Conversation #12');
    expect(describeScope('global')).toBe('Everything (global default)');
  });
});
