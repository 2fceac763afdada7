import { ConsentState, ConsentStep, RemoteSupportSession, STEPS } from './remote-support-types';

/** What the customer is asked, in plain words, one step at a time. */
export const ASK_WORDS: Record<ConsentStep, { title: string; text: string; allow: string }> = {
  chat: {
    title: 'Chat with the agent',
    text: 'The agent would like to write to you here. They cannot see your screen.',
    allow: 'Allow chat',
  },
  view: {
    title: 'Show your screen',
    text: 'The agent would like to see your screen. You choose the whole screen, one window or one tab. They can only look: they cannot click or type. You can stop at any moment.',
    allow: 'Choose what to show',
  },
  annotate: {
    title: 'Let the agent point and draw',
    text: 'The agent would like to highlight things and draw on the picture of your screen. The drawings appear here on this page; nothing on your computer is changed.',
    allow: 'Allow drawing',
  },
};

export const STEP_LABEL: Record<ConsentStep, string> = { chat: 'Chat', view: 'Screen', annotate: 'Drawing' };

export const STATE_LABEL: Record<ConsentState, string> = {
  not_asked: 'not asked',
  asked: 'waiting for the customer',
  granted: 'allowed',
  denied: 'declined',
  revoked: 'withdrawn',
};

/** The step the customer is being asked now (the agent asks one at a time), or null. */
export function pendingQuestion(s: RemoteSupportSession): ConsentStep | null {
  return STEPS.find((step) => s.consent[step] === 'asked') ?? null;
}

/** The next step the agent may ask: the lowest not granted whose step below is granted. */
export function nextAsk(s: RemoteSupportSession): ConsentStep | null {
  if (s.status !== 'active') return null;
  for (const [i, step] of STEPS.entries()) {
    if (s.consent[step] === 'granted') continue;
    if (s.consent[step] === 'asked') return null;
    if (i > 0 && s.consent[STEPS[i - 1]] !== 'granted') return null;
    if (step !== 'chat' && !s.screen_share.allowed) return null;
    if (step !== 'chat' && needsApproval(s)) return null;
    return step;
  }
  return null;
}

/**
 * The steps the agent may ask as one question under the session's consent policy (at most
 * 4 - separate_questions of them, from nextAsk up), or null when only one step may be asked.
 */
export function nextAskTogether(s: RemoteSupportSession): ConsentStep[] | null {
  const first = nextAsk(s);
  if (!first) return null;
  const most = 4 - (s.consent_policy?.separate_questions ?? 3);
  const out: ConsentStep[] = [];
  for (const step of STEPS.slice(STEPS.indexOf(first))) {
    if (out.length >= most) break;
    if (step !== 'chat' && (!s.screen_share.allowed || needsApproval(s))) break;
    out.push(step);
  }
  return out.length > 1 ? out : null;
}

/** A sensitive customer's screen is not asked for before a supervisor approved. */
export function needsApproval(s: RemoteSupportSession): boolean {
  return !!s.approval?.needed && s.approval.status !== 'approved';
}

/** "4 min 05 s" for a summary. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
}

/** Codes are read out as two groups of four: "ABCD EFGH". */
export function groupCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)} ${code.slice(4)}` : code;
}

/** The agents' list of sessions, in one line: which steps are allowed now, and paused. */
export function consentLine(s: Pick<RemoteSupportSession, 'consent' | 'paused' | 'status'>): string {
  if (s.status === 'ended') return 'ended';
  const allowed = STEPS.filter((step) => s.consent[step] === 'granted').map((step) => STEP_LABEL[step]);
  const asked = STEPS.filter((step) => s.consent[step] === 'asked').map((step) => STEP_LABEL[step]);
  const parts = [allowed.length ? `${allowed.join(', ')} allowed` : 'nothing allowed yet'];
  if (asked.length) parts.push(`${asked.join(', ')} asked`);
  if (s.paused) parts.push('sharing paused');
  return parts.join(' · ');
}
