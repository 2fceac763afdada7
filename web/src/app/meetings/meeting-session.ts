import { computed, signal } from '@angular/core';
import { MediaRegionDecision, MeetingChatMessage, Participant, RecordingIndicator } from './meeting-events';

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

type Json = Record<string, unknown>;

/** The part of WebSocket the session uses (tests can fake it). */
export interface MeetingSocket {
  readyState: number;
  onopen: ((e: Event) => void) | null;
  onclose: ((e: CloseEvent) => void) | null;
  onmessage: ((e: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export function qualityOf(rttMs: number | null, lossPercent: number): NetworkQuality {
  if (rttMs === null) return 'unknown';
  if (rttMs < 150 && lossPercent < 2) return 'good';
  if (rttMs < 400 && lossPercent < 8) return 'fair';
  return 'poor';
}

/**
 * One person's side of a full-mesh meeting: Meridian signaling over the WebSocket
 * (meet.*), one RTCPeerConnection per other admitted person with "perfect negotiation"
 * (so renegotiation for screen sharing and ICE restarts cannot collide), and getStats
 * for network quality, decoded frames and the active speaker.
 *
 * Who offers first: whoever joins (or is admitted) later offers to everyone already in
 * the room; those already in wait for the offer.
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

  private socket: MeetingSocket | null = null;
  private iceServers: RTCIceServer[] = [];
  private readonly peers = new Map<number, { pc: RTCPeerConnection; makingOffer: boolean; ignoreOffer: boolean; senders: RTCRtpSender[] }>();
  private screenStream: MediaStream | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private nextId = 1;

  constructor(
    private readonly socketUrl: string,
    private readonly token: string,
    private readonly code: string,
    private readonly local: MediaStream,
    private readonly openSocket: (url: string, protocols: string[]) => MeetingSocket = (url, protocols) =>
      new WebSocket(url, protocols),
  ) {}

  start(): void {
    const ws = this.openSocket(this.socketUrl, ['meridian.v1', `bearer.${this.token}`]);
    this.socket = ws;
    ws.onopen = () => this.send({ type: 'meet.join', code: this.code });
    ws.onmessage = (e) => this.onMessage(JSON.parse(String(e.data)) as Json);
    ws.onclose = () => {
      if (this.state() === 'connecting' || this.state() === 'in-room' || this.state() === 'waiting') {
        this.state.set('error');
        this.error.set('The connection to the meeting was lost.');
      }
      this.teardown();
    };
    this.statsTimer = setInterval(() => void this.pollStats(), 1000);
  }

  leave(): void {
    const id = this.meetingId();
    if (id !== null) this.send({ type: 'meet.leave', meeting_id: id });
    this.state.set('left');
    this.teardown();
    this.socket?.close(1000, 'left');
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
    this.command('meet.chat.send', { text: t, client_id: `c${Date.now()}-${this.nextId}` });
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

  private command(type: string, fields: Json): void {
    const id = this.meetingId();
    if (id === null) return;
    this.send({ type, meeting_id: id, ...fields });
  }

  private sendMedia(change: Json): void {
    const id = this.meetingId();
    if (id !== null && this.state() === 'in-room') this.send({ type: 'meet.media', meeting_id: id, ...change });
  }

  private send(message: Json): void {
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify({ id: `m${this.nextId++}`, ...message }));
  }

  // ---- signaling
  private onMessage(m: Json): void {
    switch (m['type']) {
      case 'meet.joined':
      case 'meet.admitted':
        this.enterState(m);
        break;
      case 'meet.lobby':
        this.lobby.set(m['lobby'] as Participant[]);
        break;
      case 'meet.participant_joined':
        this.upsert(m['participant'] as Participant);
        break;
      case 'meet.participant_updated': {
        const p = m['participant'] as Participant;
        this.upsert(p);
        if (p.peer_id === this.me()?.peer_id) this.me.set(p);
        break;
      }
      case 'meet.participant_left':
        this.dropPeer(m['peer_id'] as number);
        break;
      case 'meet.signal':
        void this.onSignal(m['from'] as number, m['signal'] as Json);
        break;
      case 'meet.unmute_requested':
        this.unmuteRequestedBy.set(String(m['by']));
        break;
      case 'meet.chat': {
        const msg = m['message'] as MeetingChatMessage;
        if (!this.chat().some((x) => x.id === msg.id)) this.chat.set([...this.chat(), msg]);
        break;
      }
      case 'meet.chat.history': {
        const items = (m['items'] as MeetingChatMessage[]) ?? [];
        const known = new Set(items.map((x) => x.id));
        this.chat.set([...items, ...this.chat().filter((x) => !known.has(x.id))].sort((a, b) => a.id - b.id));
        break;
      }
      case 'meet.mute_requested':
        this.notice.set(`${String(m['by'])} asks you to mute your microphone.`);
        break;
      case 'meet.muted':
        for (const t of this.local.getAudioTracks()) t.enabled = false;
        this.audioMuted.set(true);
        this.notice.set(`${String(m['by'])} muted your microphone.`);
        break;
      case 'meet.room_updated':
        this.locked.set(Boolean(m['locked']));
        if ('guests_can_share_screen' in m) this.guestsCanShareScreen.set(Boolean(m['guests_can_share_screen']));
        break;
      case 'meet.recording':
        this.recording.set((m['recording'] as RecordingIndicator | null) ?? null);
        this.recordingAcknowledged.set(false);
        if (m['reason']) this.notice.set(String(m['reason']));
        break;
      case 'meet.region':
        this.iceServers = (m['ice_servers'] as RTCIceServer[]) ?? [];
        this.mediaRegion.set(m['media_region'] as MediaRegionDecision);
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
      case 'error': {
        const e = m['error'] as { code: string; message: string };
        if (this.state() === 'connecting') {
          this.state.set('error');
          this.error.set(e.message);
        } else {
          this.notice.set(e.message);
        }
        break;
      }
    }
  }

  private enterState(m: Json): void {
    const me = m['you'] as Participant;
    this.me.set(me);
    this.meetingId.set(m['meeting_id'] as number);
    this.locked.set(Boolean(m['locked']));
    this.guestsCanShareScreen.set(Boolean(m['guests_can_share_screen']));
    this.maxPublishers.set((m['max_publishers'] as number) ?? 6);
    this.recording.set((m['recording'] as RecordingIndicator | null) ?? null);
    if (m['ice_servers']) this.iceServers = m['ice_servers'] as RTCIceServer[];
    if (m['media_region']) this.mediaRegion.set(m['media_region'] as MediaRegionDecision);
    this.lobby.set((m['lobby'] as Participant[]) ?? []);
    if (m['waiting']) {
      this.state.set('waiting');
      return;
    }
    this.state.set('in-room');
    this.command('meet.chat.history', {});
    const list = (m['participants'] as Participant[]) ?? [];
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

  private signal(peer: number, signal: Json): void {
    this.command('meet.signal', { to: peer, signal });
  }

  private async onSignal(from: number, signal: Json): Promise<void> {
    const fresh = !this.peers.has(from);
    const entry = this.connection(from, false);
    const { pc } = entry;
    const polite = (this.me()?.peer_id ?? 0) > from;
    try {
      const description = signal['description'] as RTCSessionDescriptionInit | undefined;
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
      } else if (signal['candidate']) {
        try {
          await pc.addIceCandidate(signal['candidate'] as RTCIceCandidateInit);
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

  private finish(state: SessionState): void {
    this.state.set(state);
    this.teardown();
    this.socket?.close(1000, state);
  }

  private teardown(): void {
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
