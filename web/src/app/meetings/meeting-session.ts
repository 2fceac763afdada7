import { computed, signal } from '@angular/core';
import { Observable, Subscription, merge } from 'rxjs';
import {
  ClientMessageMap,
  RealtimeError,
  RealtimeStatus,
  ServerMessage,
  ServerMessageMap,
  ServerMessageType,
} from '../core/realtime.service';
import {
  MediaChange,
  MediaRegionDecision,
  MeetingChatMessage,
  Participant,
  PeerSignal,
  RecordingIndicator,
  RoomEntered,
} from './meeting-events';

export type SessionState = 'connecting' | 'waiting' | 'in-room' | 'denied' | 'removed' | 'ended' | 'left' | 'error';
export type NetworkQuality = 'good' | 'fair' | 'poor' | 'unknown';

/** What getStats says about one remote peer. */
export interface PeerStats {
  connectionState: RTCPeerConnectionState;
  framesDecoded: number;
  screenFramesDecoded: number;
  rttMs: number | null;
  lossPercent: number;
  audioLevel: number;
  quality: NetworkQuality;
}

export interface RemoteMedia {
  camera: MediaStream | null;
  screen: MediaStream | null;
}

/** The part of the app's realtime link (core/realtime.service.ts) the session uses; tests fake it. */
export interface MeetingTransport {
  status(): RealtimeStatus;
  readonly statusChanges: Observable<RealtimeStatus>;
  messages<K extends ServerMessageType>(type: K): Observable<ServerMessageMap[K]>;
  request<K extends keyof ClientMessageMap>(type: K, body?: ClientMessageMap[K]): Promise<ServerMessage>;
}

/** The room's events, all of which the session follows while it is in a meeting. */
const ROOM_EVENTS = [
  'meet.joined',
  'meet.admitted',
  'meet.lobby',
  'meet.participant_joined',
  'meet.participant_updated',
  'meet.participant_left',
  'meet.signal',
  'meet.unmute_requested',
  'meet.chat',
  'meet.chat.history',
  'meet.mute_requested',
  'meet.muted',
  'meet.room_updated',
  'meet.recording',
  'meet.region',
  'meet.denied',
  'meet.removed',
  'meet.ended',
] as const satisfies readonly ServerMessageType[];

type RoomEvent = ServerMessageMap[(typeof ROOM_EVENTS)[number]];

/** Commands about the meeting I am in: everything but meet.join, which has no meeting id yet. */
type RoomCommand = Exclude<{ [K in keyof ClientMessageMap]: ClientMessageMap[K] extends { meeting_id: number } ? K : never }[keyof ClientMessageMap], undefined>;
type RoomCommandFields<K extends RoomCommand> = Omit<ClientMessageMap[K], 'meeting_id'>;

/** Failures of the link itself: the status change that goes with them says what happened. */
const LINK_FAILURES = new Set(['not_connected', 'disconnected', 'closed', 'timeout']);

export function qualityOf(rttMs: number | null, lossPercent: number): NetworkQuality {
  if (rttMs === null) return 'unknown';
  if (rttMs < 150 && lossPercent < 2) return 'good';
  if (rttMs < 400 && lossPercent < 8) return 'fair';
  return 'poor';
}

/**
 * One person's side of a full-mesh meeting: Meridian signaling (meet.*) over the app's one
 * realtime link, one RTCPeerConnection per other admitted person with "perfect negotiation"
 * (so renegotiation for screen sharing and ICE restarts cannot collide), and getStats
 * for network quality, decoded frames and the active speaker.
 *
 * Who offers first: whoever joins (or is admitted) later offers to everyone already in
 * the room; those already in wait for the offer.
 *
 * The server knows a peer by its connection: the room forgets me when that connection
 * closes. So the session joins once the link is up, and ends (as when its own socket used
 * to close) if the link drops; leaving sends meet.leave, since the link stays open.
 */
export class MeetingSession {
  readonly state = signal<SessionState>('connecting');
  readonly error = signal<string | null>(null);
  readonly notice = signal<string | null>(null);
  readonly me = signal<Participant | null>(null);
  readonly meetingId = signal<number | null>(null);
  readonly participants = signal<Participant[]>([]);
  readonly lobby = signal<Participant[]>([]);
  readonly locked = signal(false);
  readonly maxPublishers = signal(6);
  readonly recording = signal<RecordingIndicator | null>(null);
  readonly recordingAcknowledged = signal(false);
  readonly mediaRegion = signal<MediaRegionDecision | null>(null);
  readonly remote = signal<Record<number, RemoteMedia>>({});
  readonly stats = signal<Record<number, PeerStats>>({});
  readonly audioMuted = signal(false);
  readonly videoMuted = signal(false);
  readonly screenSharing = signal(false);
  /** ICE restarts this page asked for after a change of media region (shown in the info panel, read by tests). */
  readonly iceRestarts = signal(0);
  /** The room's setting (the server refuses a guest's screen track without it). */
  readonly guestsCanShareScreen = signal(false);
  readonly handRaised = signal(false);
  /** A host asked me to unmute: who asked (I decide). */
  readonly unmuteRequestedBy = signal<string | null>(null);
  readonly chat = signal<MeetingChatMessage[]>([]);
  readonly others = computed(() => this.participants().filter((p) => p.peer_id !== this.me()?.peer_id));
  readonly isModerator = computed(() => ['host', 'cohost'].includes(this.me()?.role ?? ''));
  readonly isHost = computed(() => this.me()?.role === 'host');
  readonly activeSpeaker = computed(() => {
    let best: number | null = null;
    let level = 0.02;
    for (const [peer, s] of Object.entries(this.stats())) {
      if (s.audioLevel > level) {
        level = s.audioLevel;
        best = Number(peer);
      }
    }
    return best;
  });

  private subscriptions: Subscription[] = [];
  private joinSent = false;
  private iceServers: RTCIceServer[] = [];
  private readonly peers = new Map<number, { pc: RTCPeerConnection; makingOffer: boolean; ignoreOffer: boolean; senders: RTCRtpSender[] }>();
  private screenStream: MediaStream | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private nextChatId = 1;

  constructor(
    private readonly realtime: MeetingTransport,
    private readonly code: string,
    private readonly local: MediaStream,
  ) {}

  /** Joins as soon as the link is up (at once when it already is). */
  start(): void {
    this.subscriptions = [
      merge(...ROOM_EVENTS.map((type) => this.realtime.messages(type))).subscribe((m) => this.onMessage(m)),
      this.realtime.statusChanges.subscribe((status) => this.onStatus(status)),
    ];
    this.statsTimer = setInterval(() => void this.pollStats(), 1000);
    this.onStatus(this.realtime.status());
  }

  leave(): void {
    const id = this.meetingId();
    const joining = this.joinSent && id === null && this.state() === 'connecting';
    if (id !== null && this.live()) this.command('meet.leave', {});
    this.state.set('left');
    // A join on its way is answered with meet.leave when it arrives (see enterState).
    if (joining) this.stopMedia();
    else this.teardown();
  }

  private live(): boolean {
    return this.state() === 'connecting' || this.state() === 'in-room' || this.state() === 'waiting';
  }

  private onStatus(status: RealtimeStatus): void {
    if (status === 'connected') {
      if (this.joinSent || this.state() !== 'connecting') return;
      this.joinSent = true;
      this.realtime.request('meet.join', { code: this.code }).catch((e: unknown) => this.refused(e));
      return;
    }
    if (status === 'reconnecting' || status === 'offline') {
      // The server dropped me from the room with the connection.
      if (this.live()) {
        this.state.set('error');
        this.error.set('The connection to the meeting was lost.');
      }
      this.teardown();
    }
  }

  // ---- own media
  setAudioMuted(muted: boolean): void {
    for (const t of this.local.getAudioTracks()) t.enabled = !muted;
    this.audioMuted.set(muted);
    this.sendMedia({ audio_muted: muted });
  }

  setVideoMuted(muted: boolean): void {
    for (const t of this.local.getVideoTracks()) t.enabled = !muted;
    this.videoMuted.set(muted);
    this.sendMedia({ video_muted: muted });
  }

  setHandRaised(raised: boolean): void {
    this.handRaised.set(raised);
    this.sendMedia({ hand_raised: raised });
  }

  answerUnmuteRequest(unmute: boolean): void {
    this.unmuteRequestedBy.set(null);
    if (unmute) this.setAudioMuted(false);
  }

  /**
   * Switches camera or microphone during the call: the new track replaces the old one on
   * every connection (RTCRtpSender.replaceTrack, no renegotiation) and in the local stream.
   */
  async switchTrack(next: MediaStreamTrack): Promise<void> {
    const old = next.kind === 'audio' ? this.local.getAudioTracks()[0] : this.local.getVideoTracks()[0];
    next.enabled = next.kind === 'audio' ? !this.audioMuted() : !this.videoMuted();
    for (const entry of this.peers.values()) {
      const sender = old ? entry.senders.find((s) => s.track === old) : undefined;
      if (sender) await sender.replaceTrack(next);
      else entry.senders.push(entry.pc.addTrack(next, this.local));
    }
    if (old) {
      this.local.removeTrack(old);
      old.stop();
    }
    this.local.addTrack(next);
  }

  /** Posts to the meeting's chat; the message comes back as meet.chat like everyone's. */
  sendChat(text: string): void {
    const t = text.trim();
    if (!t) return;
    this.command('meet.chat.send', { text: t, client_id: `c${Date.now()}-${this.nextChatId++}` });
  }

  /** Adds a screen track to every connection (a renegotiation); getDisplayMedia first, a canvas stream when that is unavailable. */
  async startScreenShare(source?: () => Promise<MediaStream>): Promise<void> {
    if (this.screenStream) return;
    const stream = source ? await source() : await displayOrCanvas();
    this.screenStream = stream;
    const [track] = stream.getVideoTracks();
    track.onended = () => this.stopScreenShare();
    for (const entry of this.peers.values()) entry.senders.push(entry.pc.addTrack(track, stream));
    this.screenSharing.set(true);
    this.sendMedia({ screen_sharing: true });
  }

  stopScreenShare(): void {
    if (!this.screenStream) return;
    const track = this.screenStream.getVideoTracks()[0];
    for (const entry of this.peers.values()) {
      const sender = entry.senders.find((s) => s.track === track);
      if (sender) {
        entry.pc.removeTrack(sender);
        entry.senders = entry.senders.filter((s) => s !== sender);
      }
    }
    for (const t of this.screenStream.getTracks()) t.stop();
    this.screenStream = null;
    this.screenSharing.set(false);
    this.sendMedia({ screen_sharing: false });
  }

  // ---- host actions
  admit(peer: number, admit = true): void {
    this.command(admit ? 'meet.admit' : 'meet.deny', { peer_id: peer });
  }
  mute(peer: number, force: boolean): void {
    this.command('meet.mute', { peer_id: peer, force });
  }
  askUnmute(peer: number): void {
    this.command('meet.ask_unmute', { peer_id: peer });
  }
  remove(peer: number): void {
    this.command('meet.remove', { peer_id: peer });
  }
  setRole(peer: number, role: 'cohost' | 'participant'): void {
    this.command('meet.set_role', { peer_id: peer, role });
  }
  lock(locked: boolean): void {
    this.command('meet.lock', { locked });
  }
  endForAll(): void {
    this.command('meet.end', {});
  }
  startRecording(): void {
    this.command('meet.recording.start', {});
  }
  stopRecording(): void {
    this.command('meet.recording.stop', {});
  }
  acknowledgeRecording(): void {
    this.command('meet.recording.ack', {});
    this.recordingAcknowledged.set(true);
  }

  /** A command about my meeting; the server's refusal becomes a notice (as before, from the error envelope). */
  private command<K extends RoomCommand>(type: K, fields: RoomCommandFields<K>): void {
    const id = this.meetingId();
    if (id === null) return;
    const body = { ...fields, meeting_id: id } as unknown as ClientMessageMap[K];
    this.realtime.request(type, body).catch((e: unknown) => this.refused(e));
  }

  private refused(e: unknown): void {
    if (this.state() === 'left') this.teardown(); // a join refused after I gave up on it
    if (!(e instanceof RealtimeError) || LINK_FAILURES.has(e.code)) return;
    if (this.state() === 'connecting') {
      this.state.set('error');
      this.error.set(e.message);
    } else if (this.live()) {
      this.notice.set(e.message);
    }
  }

  private sendMedia(change: MediaChange): void {
    if (this.state() === 'in-room') this.command('meet.media', change);
  }

  // ---- signaling
  private onMessage(m: RoomEvent): void {
    switch (m.type) {
      case 'meet.joined':
      case 'meet.admitted':
        this.enterState(m);
        break;
      case 'meet.lobby':
        this.lobby.set(m.lobby);
        break;
      case 'meet.participant_joined':
        this.upsert(m.participant);
        break;
      case 'meet.participant_updated': {
        const p = m.participant;
        this.upsert(p);
        if (p.peer_id === this.me()?.peer_id) this.me.set(p);
        break;
      }
      case 'meet.participant_left':
        this.dropPeer(m.peer_id);
        break;
      case 'meet.signal':
        void this.onSignal(m.from, m.signal);
        break;
      case 'meet.unmute_requested':
        this.unmuteRequestedBy.set(String(m.by));
        break;
      case 'meet.chat': {
        const msg = m.message;
        if (!this.chat().some((x) => x.id === msg.id)) this.chat.set([...this.chat(), msg]);
        break;
      }
      case 'meet.chat.history': {
        const items = m.items ?? [];
        const known = new Set(items.map((x) => x.id));
        this.chat.set([...items, ...this.chat().filter((x) => !known.has(x.id))].sort((a, b) => a.id - b.id));
        break;
      }
      case 'meet.mute_requested':
        this.notice.set(`${String(m.by)} asks you to mute your microphone.`);
        break;
      case 'meet.muted':
        for (const t of this.local.getAudioTracks()) t.enabled = false;
        this.audioMuted.set(true);
        this.notice.set(`${String(m.by)} muted your microphone.`);
        break;
      case 'meet.room_updated':
        this.locked.set(Boolean(m.locked));
        if ('guests_can_share_screen' in m) this.guestsCanShareScreen.set(Boolean(m.guests_can_share_screen));
        break;
      case 'meet.recording':
        this.recording.set(m.recording ?? null);
        this.recordingAcknowledged.set(false);
        if (m.reason) this.notice.set(String(m.reason));
        break;
      case 'meet.region':
        this.iceServers = m.ice_servers ?? [];
        this.mediaRegion.set(m.media_region);
        // The room moved to another media region: new TURN servers, then an ICE restart so
        // candidates through them are gathered (one side restarts; its new offer makes the
        // other side gather with its new servers too).
        for (const [peer, { pc }] of this.peers) {
          pc.setConfiguration({ iceServers: this.iceServers });
          if ((this.me()?.peer_id ?? 0) < peer) {
            pc.restartIce();
            this.iceRestarts.set(this.iceRestarts() + 1);
          }
        }
        break;
      case 'meet.denied':
        this.finish('denied');
        break;
      case 'meet.removed':
        this.finish('removed');
        break;
      case 'meet.ended':
        this.finish('ended');
        break;
    }
  }

  private enterState(m: RoomEntered): void {
    if (this.state() === 'left') {
      // Left while the join was on its way: the room would keep me until the link closes.
      this.meetingId.set(m.meeting_id);
      this.command('meet.leave', {});
      this.teardown();
      return;
    }
    const me = m.you;
    this.me.set(me);
    this.meetingId.set(m.meeting_id);
    this.locked.set(Boolean(m.locked));
    this.guestsCanShareScreen.set(Boolean(m.guests_can_share_screen));
    this.maxPublishers.set(m.max_publishers ?? 6);
    this.recording.set(m.recording ?? null);
    if (m.ice_servers) this.iceServers = m.ice_servers;
    if (m.media_region) this.mediaRegion.set(m.media_region);
    this.lobby.set(m.lobby ?? []);
    if (m.waiting) {
      this.state.set('waiting');
      return;
    }
    this.state.set('in-room');
    this.command('meet.chat.history', {});
    const list = m.participants ?? [];
    this.participants.set(list);
    // Newcomer offers to everyone already here.
    for (const p of list) if (p.peer_id !== me.peer_id) this.connection(p.peer_id, true);
  }

  private upsert(p: Participant): void {
    const list = this.participants();
    const i = list.findIndex((x) => x.peer_id === p.peer_id);
    this.participants.set(i >= 0 ? list.map((x) => (x.peer_id === p.peer_id ? p : x)) : [...list, p]);
  }

  private dropPeer(peer: number): void {
    this.participants.set(this.participants().filter((p) => p.peer_id !== peer));
    this.peers.get(peer)?.pc.close();
    this.peers.delete(peer);
    const remote = { ...this.remote() };
    delete remote[peer];
    this.remote.set(remote);
    const stats = { ...this.stats() };
    delete stats[peer];
    this.stats.set(stats);
  }

  private connection(peer: number, addTracksNow: boolean) {
    const existing = this.peers.get(peer);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    const entry = { pc, makingOffer: false, ignoreOffer: false, senders: [] as RTCRtpSender[] };
    this.peers.set(peer, entry);
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.signal(peer, { candidate: candidate.toJSON() });
    };
    pc.onnegotiationneeded = async () => {
      try {
        entry.makingOffer = true;
        await pc.setLocalDescription();
        this.signal(peer, { description: pc.localDescription?.toJSON() });
      } catch (e) {
        this.notice.set(`Could not negotiate media: ${String(e)}`);
      } finally {
        entry.makingOffer = false;
      }
    };
    pc.onconnectionstatechange = () => {
      // A changed network: restart ICE (a new offer with fresh candidates).
      if (pc.connectionState === 'failed') pc.restartIce();
      this.updateStats(peer, { connectionState: pc.connectionState });
    };
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      const media = { ...(this.remote()[peer] ?? { camera: null, screen: null }) };
      if (!media.camera || media.camera.id === stream.id) media.camera = stream;
      else media.screen = stream;
      track.onended = () => this.forgetStream(peer, stream);
      stream.onremovetrack = () => {
        if (stream.getTracks().length === 0) this.forgetStream(peer, stream);
      };
      this.remote.set({ ...this.remote(), [peer]: media });
    };
    if (addTracksNow) {
      this.addLocalTracks(entry);
      // Without a camera or microphone the offer still asks for the others' media.
      if (!this.local.getAudioTracks().length) pc.addTransceiver('audio', { direction: 'recvonly' });
      if (!this.local.getVideoTracks().length) pc.addTransceiver('video', { direction: 'recvonly' });
    }
    return entry;
  }

  private addLocalTracks(entry: { pc: RTCPeerConnection; senders: RTCRtpSender[] }): void {
    for (const t of this.local.getTracks()) entry.senders.push(entry.pc.addTrack(t, this.local));
    if (this.screenStream) {
      const [t] = this.screenStream.getVideoTracks();
      entry.senders.push(entry.pc.addTrack(t, this.screenStream));
    }
  }

  private forgetStream(peer: number, stream: MediaStream): void {
    const media = this.remote()[peer];
    if (!media) return;
    if (media.screen?.id === stream.id) this.remote.set({ ...this.remote(), [peer]: { ...media, screen: null } });
  }

  private signal(peer: number, signal: PeerSignal): void {
    this.command('meet.signal', { to: peer, signal });
  }

  private async onSignal(from: number, signal: PeerSignal): Promise<void> {
    const fresh = !this.peers.has(from);
    const entry = this.connection(from, false);
    const { pc } = entry;
    const polite = (this.me()?.peer_id ?? 0) > from;
    try {
      const description = signal.description;
      if (description) {
        const collision = description.type === 'offer' && (entry.makingOffer || pc.signalingState !== 'stable');
        entry.ignoreOffer = !polite && collision;
        if (entry.ignoreOffer) return;
        await pc.setRemoteDescription(description);
        if (description.type === 'offer') {
          // The answerer sends its own media on the transceivers the offer created.
          if (fresh) this.addLocalTracks(entry);
          await pc.setLocalDescription();
          this.signal(from, { description: pc.localDescription?.toJSON() });
        }
      } else if (signal.candidate) {
        try {
          await pc.addIceCandidate(signal.candidate);
        } catch (e) {
          if (!entry.ignoreOffer) throw e;
        }
      }
    } catch (e) {
      this.notice.set(`Signaling problem with a participant: ${String(e)}`);
    }
  }

  // ---- stats
  private updateStats(peer: number, change: Partial<PeerStats>): void {
    const prev: PeerStats = this.stats()[peer] ?? {
      connectionState: 'new',
      framesDecoded: 0,
      screenFramesDecoded: 0,
      rttMs: null,
      lossPercent: 0,
      audioLevel: 0,
      quality: 'unknown',
    };
    const next = { ...prev, ...change };
    next.quality = qualityOf(next.rttMs, next.lossPercent);
    this.stats.set({ ...this.stats(), [peer]: next });
  }

  private async pollStats(): Promise<void> {
    for (const [peer, { pc }] of this.peers) {
      const report = await pc.getStats();
      const media = this.remote()[peer];
      const screenTrackIds = new Set(media?.screen?.getVideoTracks().map((t) => t.id) ?? []);
      let frames = 0;
      let screenFrames = 0;
      let lost = 0;
      let received = 0;
      let rtt: number | null = null;
      let audioLevel = 0;
      report.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          const f = s.framesDecoded ?? 0;
          if (screenTrackIds.size > 0 && screenTrackIds.has(s.trackIdentifier)) screenFrames += f;
          else frames += f;
        }
        if (s.type === 'inbound-rtp') {
          lost += Math.max(0, s.packetsLost ?? 0);
          received += s.packetsReceived ?? 0;
          if (s.kind === 'audio' && typeof s.audioLevel === 'number') audioLevel = s.audioLevel;
        }
        if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number')
          rtt = Math.round(s.currentRoundTripTime * 1000);
      });
      const person = this.participants().find((p) => p.peer_id === peer);
      this.updateStats(peer, {
        connectionState: pc.connectionState,
        framesDecoded: frames,
        screenFramesDecoded: screenFrames,
        rttMs: rtt,
        lossPercent: received + lost > 0 ? (100 * lost) / (received + lost) : 0,
        audioLevel: person?.audio_muted ? 0 : audioLevel,
      });
    }
  }

  /** Denied, removed or ended: the server has already let go of me. */
  private finish(state: SessionState): void {
    this.state.set(state);
    this.teardown();
  }

  private teardown(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    this.stopMedia();
  }

  private stopMedia(): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
    for (const { pc } of this.peers.values()) pc.close();
    this.peers.clear();
    if (this.screenStream) for (const t of this.screenStream.getTracks()) t.stop();
    this.screenStream = null;
  }
}

/** getDisplayMedia, or a canvas with a moving clock when the browser has no screen to give (headless, tests). */
export async function displayOrCanvas(): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch {
    return canvasStream();
  }
}

export function canvasStream(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 360;
  const ctx = canvas.getContext('2d');
  const draw = () => {
    if (!ctx) return;
    ctx.fillStyle = '#1d3557';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#f1faee';
    ctx.font = '32px sans-serif';
    ctx.fillText(`Shared screen ${new Date().toISOString().slice(11, 19)}`, 40, 180);
  };
  draw();
  const timer = setInterval(draw, 100);
  const stream = canvas.captureStream(10);
  stream.getVideoTracks()[0].addEventListener('ended', () => clearInterval(timer));
  return stream;
}
