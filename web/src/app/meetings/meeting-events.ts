// Meetings' realtime messages (docs/websocket.md, "Meetings (meet.*)"): the invitation events
// of the list page and the room's signaling, added to the core transport's typed maps.

/** A person in the room as the server describes them (docs/websocket.md, meet.*). Never an e-mail. */
export interface Participant {
  peer_id: number;
  user_id: number | null;
  display_name: string;
  role: 'host' | 'cohost' | 'participant' | 'guest';
  guest: boolean;
  country: string;
  time_zone: string;
  admitted: boolean;
  audio_muted: boolean;
  video_muted: boolean;
  screen_sharing: boolean;
  hand_raised?: boolean;
  joined_at: number;
}

/** A message of the meeting's own chat (meet.chat); guests have no user id. */
export interface MeetingChatMessage {
  id: number;
  author: { user_id: number | null; display_name: string; guest: boolean };
  client_id: string;
  text: string;
  created_at: number;
}

export interface RecordingIndicator {
  id: number;
  started_at: number;
  started_by: string;
}

export interface MediaRegionDecision {
  region: string | null;
  worst_rtt_ms: number;
  mean_rtt_ms: number;
  expected_rtt_ms: Record<string, number>;
  candidates: { region: string; worst_ms: number; mean_ms: number }[];
}

/** meet.joined and meet.admitted: the room as the joiner (or the admitted person) finds it. */
export interface RoomEntered {
  id?: string;
  meeting_id: number;
  you: Participant;
  waiting: boolean;
  participants?: Participant[];
  lobby?: Participant[];
  locked?: boolean;
  max_publishers?: number;
  guests_can_share_screen?: boolean;
  recording?: RecordingIndicator | null;
  ice_servers?: RTCIceServer[];
  media_region?: MediaRegionDecision;
}

/** The signaling payload meet.signal carries between two peers (opaque to the server). */
export interface PeerSignal {
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit;
}

/** What meet.media may change about me. */
export interface MediaChange {
  audio_muted?: boolean;
  video_muted?: boolean;
  screen_sharing?: boolean;
  hand_raised?: boolean;
}

interface MeetingRef {
  meeting_id: number;
}
interface PeerRef extends MeetingRef {
  peer_id: number;
}

declare module '../core/realtime.service' {
  interface ServerMessageMap {
    /** You were invited, the meeting changed (rescheduled, renamed, settings), it was cancelled, you were taken off it. */
    'meeting.invited': { type: 'meeting.invited'; meeting: { id: number; title: string } };
    'meeting.updated': { type: 'meeting.updated'; meeting: { id: number; title: string } };
    'meeting.cancelled': { type: 'meeting.cancelled'; meeting: { id: number; title: string } };
    'meeting.uninvited': { type: 'meeting.uninvited'; meeting_id: number; title: string };

    'meet.ack': { type: 'meet.ack'; id: string; for?: string; message?: MeetingChatMessage; duplicate?: boolean };
    'meet.joined': RoomEntered & { type: 'meet.joined' };
    'meet.admitted': RoomEntered & { type: 'meet.admitted' };
    'meet.denied': { type: 'meet.denied'; meeting_id: number };
    'meet.removed': { type: 'meet.removed'; meeting_id: number };
    'meet.ended': { type: 'meet.ended'; meeting_id: number };
    'meet.lobby': { type: 'meet.lobby'; meeting_id: number; lobby: Participant[] };
    'meet.participant_joined': { type: 'meet.participant_joined'; meeting_id: number; participant: Participant };
    'meet.participant_updated': { type: 'meet.participant_updated'; meeting_id: number; participant: Participant };
    'meet.participant_left': { type: 'meet.participant_left'; meeting_id: number; peer_id: number; reason?: string };
    'meet.signal': { type: 'meet.signal'; meeting_id: number; from: number; signal: PeerSignal };
    'meet.mute_requested': { type: 'meet.mute_requested'; meeting_id: number; by: string };
    'meet.muted': { type: 'meet.muted'; meeting_id: number; by: string };
    'meet.unmute_requested': { type: 'meet.unmute_requested'; meeting_id: number; by: string };
    'meet.chat': { type: 'meet.chat'; meeting_id: number; message: MeetingChatMessage };
    'meet.chat.history': { type: 'meet.chat.history'; id?: string; meeting_id: number; items?: MeetingChatMessage[] };
    'meet.room_updated': {
      type: 'meet.room_updated';
      meeting_id: number;
      locked: boolean;
      lobby_for_external?: boolean;
      guests_can_share_screen?: boolean;
    };
    'meet.recording': { type: 'meet.recording'; meeting_id: number; recording: RecordingIndicator | null; reason?: string };
    'meet.region': { type: 'meet.region'; meeting_id: number; media_region: MediaRegionDecision; ice_servers?: RTCIceServer[] };
  }

  interface ClientMessageMap {
    'meet.join': { code: string };
    'meet.leave': MeetingRef;
    'meet.signal': MeetingRef & { to: number; signal: PeerSignal };
    'meet.media': MeetingRef & MediaChange;
    'meet.admit': PeerRef;
    'meet.deny': PeerRef;
    'meet.mute': PeerRef & { force: boolean };
    'meet.ask_unmute': PeerRef;
    'meet.remove': PeerRef;
    'meet.set_role': PeerRef & { role: 'cohost' | 'participant' };
    'meet.lock': MeetingRef & { locked: boolean };
    'meet.end': MeetingRef;
    'meet.chat.send': MeetingRef & { text: string; client_id: string };
    'meet.chat.history': MeetingRef & { limit?: number };
    'meet.recording.start': MeetingRef;
    'meet.recording.stop': MeetingRef;
    'meet.recording.ack': MeetingRef;
  }
}
