import { describe, expect, it } from 'vitest';
import { consentLine, formatDuration, groupCode, needsApproval, nextAsk, nextAskTogether, pendingQuestion } from './consent-words';
import { ConsentState, ConsentStep, RemoteSupportSession } from './remote-support-types';

function session(consent: Partial<Record<ConsentStep, ConsentState>>, extra: Partial<RemoteSupportSession> = {}): RemoteSupportSession {
  return {
    id: 1,
    status: 'active',
    conversation_id: null,
    agent: { id: 2, name: 'Ada' },
    customer: { name: 'Carla', country: 'DE', walk_in: true },
    topic: '',
    consent: { chat: 'not_asked', view: 'not_asked', annotate: 'not_asked', ...consent },
    approval: { needed: false, status: 'none', requested_at: null, decided_at: null },
    consent_policy: { separate_questions: 3, lowered: false, changed_at: null },
    paused: false,
    screen_share: { allowed: true, reason: '' },
    agent_sees: '',
    created_at: 0,
    code_expires_at: null,
    redeemed_at: 0,
    ended_at: null,
    ended_by: '',
    ...extra,
  };
}

describe('steps asked together under a lowered consent policy', () => {
  const policy = (n: number) => ({ consent_policy: { separate_questions: n, lowered: n < 3, changed_at: n < 3 ? 1 : null } });
  it('never under the default policy', () => {
    expect(nextAskTogether(session({}))).toBeNull();
    expect(nextAskTogether(session({ chat: 'granted' }))).toBeNull();
  });
  it('as many steps as the policy allows, from the next one up', () => {
    expect(nextAskTogether(session({}, policy(2)))).toEqual(['chat', 'view']);
    expect(nextAskTogether(session({ chat: 'granted' }, policy(2)))).toEqual(['view', 'annotate']);
    expect(nextAskTogether(session({}, policy(1)))).toEqual(['chat', 'view', 'annotate']);
    expect(nextAskTogether(session({ chat: 'granted', view: 'granted' }, policy(1)))).toBeNull();
  });
  it('not the screen where it is off or waits for a supervisor', () => {
    expect(nextAskTogether(session({}, { ...policy(1), screen_share: { allowed: false, reason: 'x' } }))).toBeNull();
    const waiting = { ...policy(1), approval: { needed: true, status: 'pending' as const, requested_at: 1, decided_at: null } };
    expect(nextAskTogether(session({}, waiting))).toBeNull();
  });
});

describe('the consent ladder as the pages see it', () => {
  it('offers the agent one step at a time, from the bottom', () => {
    expect(nextAsk(session({}))).toBe('chat');
    expect(nextAsk(session({ chat: 'granted' }))).toBe('view');
    expect(nextAsk(session({ chat: 'granted', view: 'granted' }))).toBe('annotate');
    expect(nextAsk(session({ chat: 'granted', view: 'granted', annotate: 'granted' }))).toBeNull();
  });

  it('offers nothing while a question waits, above a refused step, or before the customer joined', () => {
    expect(nextAsk(session({ chat: 'asked' }))).toBeNull();
    expect(nextAsk(session({ chat: 'granted', view: 'asked' }))).toBeNull();
    // A step the customer declined or withdrew may be asked again; the one above may not.
    expect(nextAsk(session({ chat: 'granted', view: 'revoked', annotate: 'revoked' }))).toBe('view');
    expect(nextAsk(session({ chat: 'denied' }))).toBe('chat');
    expect(nextAsk(session({}, { status: 'waiting' }))).toBeNull();
    expect(nextAsk(session({}, { status: 'ended' }))).toBeNull();
  });

  it('does not offer viewing where screen sharing is switched off for the customer', () => {
    expect(nextAsk(session({ chat: 'granted' }, { screen_share: { allowed: false, reason: 'off in DE' } }))).toBeNull();
  });

  it('does not offer viewing a sensitive customer\'s screen before a supervisor approved', () => {
    const approval = (status: 'none' | 'pending' | 'approved' | 'refused') => ({ needed: true, status, requested_at: null, decided_at: null });
    for (const status of ['none', 'pending', 'refused'] as const) {
      const s = session({ chat: 'granted' }, { approval: approval(status) });
      expect(needsApproval(s)).toBe(true);
      expect(nextAsk(s)).toBeNull();
    }
    expect(nextAsk(session({}, { approval: approval('none') }))).toBe('chat');
    const approved = session({ chat: 'granted' }, { approval: approval('approved') });
    expect(needsApproval(approved)).toBe(false);
    expect(nextAsk(approved)).toBe('view');
  });

  it('names the question the customer is being asked', () => {
    expect(pendingQuestion(session({}))).toBeNull();
    expect(pendingQuestion(session({ chat: 'granted', view: 'asked' }))).toBe('view');
  });

  it('writes codes in two groups and durations in minutes and seconds', () => {
    expect(groupCode('ABCD2345')).toBe('ABCD 2345');
    expect(groupCode('ABC')).toBe('ABC');
    expect(formatDuration(9_400)).toBe('9 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(-5)).toBe('0 s');
  });
});

describe('consentLine', () => {
  it('says which steps are allowed, asked and whether sharing is paused', () => {
    expect(consentLine(session({}))).toBe('nothing allowed yet');
    expect(consentLine(session({ chat: 'granted', view: 'asked' }))).toBe('Chat allowed · Screen asked');
    expect(consentLine(session({ chat: 'granted', view: 'granted' }, { paused: true }))).toBe('Chat, Screen allowed · sharing paused');
    expect(consentLine(session({ chat: 'granted', view: 'revoked', annotate: 'revoked' }))).toBe('Chat allowed');
    expect(consentLine(session({ chat: 'granted' }, { status: 'ended' }))).toBe('ended');
  });
});
