// Remote support (issue 13): the REST shapes (docs/openapi.yaml, tag remote-support) and the
// remote_support.* realtime messages (docs/websocket.md "Remote support"), added to the core
// transport's typed maps.

export type ConsentStep = 'chat' | 'view' | 'annotate';
export type ConsentState = 'not_asked' | 'asked' | 'granted' | 'denied' | 'revoked';
export const STEPS: readonly ConsentStep[] = ['chat', 'view', 'annotate'];

export interface RemoteSupportSummary {
  started_at: number;
  ended_at: number | null;
  duration_ms: number;
  steps_granted: ConsentStep[];
  ended_by: string;
  annotations: number;
}

export interface RemoteSupportSession {
  id: number;
  status: 'waiting' | 'active' | 'ended';
  conversation_id: number | null;
  agent: { id: number; name: string };
  customer: { name: string; country: string; walk_in: boolean; user_id?: number; email?: string; sensitive?: boolean };
  topic: string;
  consent: Record<ConsentStep, ConsentState>;
  /** A sensitive customer's screen waits for a supervisor (reason and decider: staff only). */
  approval: Approval;
  /** The minimum consent policy the session started under (lowered: shown to the customer). */
  consent_policy: SessionConsentPolicy;
  paused: boolean;
  screen_share: { allowed: boolean; reason: string };
  agent_sees: string;
  created_at: number;
  code_expires_at: number | null;
  redeemed_at: number | null;
  ended_at: number | null;
  ended_by: string;
  summary?: RemoteSupportSummary;
}

export type ApprovalStatus = 'none' | 'pending' | 'approved' | 'refused';

export interface Approval {
  needed: boolean;
  status: ApprovalStatus;
  requested_at: number | null;
  decided_at: number | null;
  reason?: string;
  decided_by?: { id: number; name: string } | null;
}

export interface SessionConsentPolicy {
  /** How many separate questions at least: 3 = each step alone (the default). */
  separate_questions: number;
  lowered: boolean;
  changed_at: number | null;
}

/** The minimum consent policy in force (GET/PUT /remote-support/consent-policy). */
export interface ConsentPolicy extends SessionConsentPolicy {
  default: number;
  changed_by: { id: number; name: string } | null;
}

/** A customer's request for help in the queue. */
export interface SupportRequest {
  id: number;
  customer: { id: number; name: string; country: string };
  topic: string;
  status: 'waiting' | 'accepted' | 'withdrawn' | 'expired';
  created_at: number;
  waiting_ms: number;
  accepted_by: { id: number; name: string } | null;
  accepted_at: number | null;
  session_id: number | null;
  /** When it was flagged as waiting too long (null: not yet). */
  overdue_at: number | null;
}

/** The queue's live changes (docs/websocket.md, "The queue, live"). */
export const QUEUE_EVENTS = [
  'remote_support.request_created',
  'remote_support.request_taken',
  'remote_support.request_cancelled',
  'remote_support.request_expired',
  'remote_support.request_overdue',
] as const;
export type QueueEventType = (typeof QUEUE_EVENTS)[number];
export interface QueueEvent {
  type: QueueEventType;
  request: SupportRequest;
}

/** One agent's figures (admins). */
export interface AgentFigures {
  agent: { id: number; name: string };
  sessions: number;
  accepted: number;
  median_accept_ms: number | null;
  ended: number;
  median_duration_ms: number | null;
}

/** A customer account an admin marked sensitive. */
export interface SensitiveCustomer {
  customer_id: number;
  name: string;
  email: string;
  country: string;
  note: string;
  marked_by: { id: number; name: string } | null;
  marked_at: number;
}

export interface StartedSession {
  id: number;
  code: string;
  code_expires_at: number;
  session: RemoteSupportSession;
}

export interface RemoteSupportPass {
  token: string;
  session_id: number;
  expires_at?: number;
}

export interface LogEntry {
  seq: number;
  at: number;
  actor: string;
  actor_name?: string;
  event: string;
  country: string;
  data: unknown;
  prev_hash: string;
  hash: string;
  address?: string;
}

/** A drawing of the agent's, in fractions of the shared picture (0..1), so any size shows it. */
export interface Annotation {
  kind: 'stroke' | 'pointer';
  color: string;
  points: [number, number][];
}

/** WebRTC signaling as in meetings: a description or a candidate. */
export interface ScreenSignal {
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit | null;
}

declare module '../core/realtime.service' {
  interface ServerMessageMap {
    'remote_support.ack': { type: 'remote_support.ack'; id?: string; for?: string; side?: 'agent' | 'customer'; ice_servers?: RTCIceServer[]; revoked?: ConsentStep[] };
    'remote_support.state': {
      type: 'remote_support.state';
      session_id: number;
      side: 'agent' | 'customer';
      agent_connected: boolean;
      customer_connected: boolean;
      session: RemoteSupportSession;
    };
    'remote_support.signal': { type: 'remote_support.signal'; session_id: number; from: string; signal: ScreenSignal };
    'remote_support.annotation': { type: 'remote_support.annotation'; session_id: number; from: string; annotation: Annotation };
    'remote_support.chat': { type: 'remote_support.chat'; session_id: number; from: string; text: string };
    'remote_support.left': { type: 'remote_support.left'; session_id: number; reason: string };
    'remote_support.ended': { type: 'remote_support.ended'; session_id: number; summary: RemoteSupportSummary };
    'remote_support.approval_requested': { type: 'remote_support.approval_requested'; session_id: number; session: RemoteSupportSession };
    'remote_support.approval_decided': { type: 'remote_support.approval_decided'; session_id: number; session: RemoteSupportSession };
    'remote_support.session_updated': { type: 'remote_support.session_updated'; session_id: number; session: RemoteSupportSession };
    'remote_support.request_created': QueueEvent & { type: 'remote_support.request_created' };
    'remote_support.request_taken': QueueEvent & { type: 'remote_support.request_taken' };
    'remote_support.request_cancelled': QueueEvent & { type: 'remote_support.request_cancelled' };
    'remote_support.request_expired': QueueEvent & { type: 'remote_support.request_expired' };
    'remote_support.request_overdue': QueueEvent & { type: 'remote_support.request_overdue' };
  }
  interface ClientMessageMap {
    'remote_support.join': { session_id: number };
    'remote_support.ask': { session_id: number; step: ConsentStep } | { session_id: number; steps: ConsentStep[] };
    'remote_support.answer': { session_id: number; step: ConsentStep; grant: boolean };
    'remote_support.revoke': { session_id: number; step: ConsentStep };
    'remote_support.pause': { session_id: number };
    'remote_support.resume': { session_id: number };
    'remote_support.signal': { session_id: number; signal: ScreenSignal };
    'remote_support.annotation': { session_id: number; annotation: Annotation };
    'remote_support.annotated': { session_id: number; count: number };
    'remote_support.chat': { session_id: number; text: string };
    'remote_support.end': { session_id: number };
  }
}
