import { signal } from '@angular/core';
import { Observable, Subscription } from 'rxjs';
import { ClientMessageMap, ServerMessage, ServerMessageMap, ServerMessageType } from '../core/realtime.service';
import { Annotation, ScreenSignal } from './remote-support-types';

/** The part of the realtime link (core/realtime.service.ts) the screen link uses; tests fake it. */
export interface RemoteSupportTransport {
  messages<K extends ServerMessageType>(type: K): Observable<ServerMessageMap[K]>;
  request<K extends keyof ClientMessageMap>(type: K, body?: ClientMessageMap[K]): Promise<ServerMessage>;
}

/**
 * One side of the one-way screen share of a remote support session: the customer's page
 * offers (its captured track and a data channel "annotations"), the agent's page answers.
 * Signaling goes over /ws as remote_support.signal, which the server relays only while
 * the customer allows viewing; either side closes its peer connection as soon as viewing
 * is no longer granted. An ICE failure (a network change) is met with an ICE restart.
 */
export class ScreenLink {
  /** The agent's page: the customer's picture, once it arrives. */
  readonly remoteStream = signal<MediaStream | null>(null);
  readonly connection = signal<RTCPeerConnectionState>('new');
  readonly channelOpen = signal(false);
  readonly iceRestarts = signal(0);

  private pc: RTCPeerConnection | null = null;
  private channel: RTCDataChannel | null = null;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly transport: RemoteSupportTransport,
    private readonly sessionId: number,
    private readonly role: 'customer' | 'agent',
    private readonly iceServers: RTCIceServer[],
    /** The customer's page: what a drawing arriving on the data channel does. */
    private readonly onAnnotation: (a: Annotation) => void = () => undefined,
  ) {
    this.subscriptions.push(
      transport.messages('remote_support.signal').subscribe((m) => {
        if (m.session_id === this.sessionId) void this.onSignal(m.signal);
      }),
    );
  }

  /** The customer's page: sends the captured picture to the agent. */
  async offer(stream: MediaStream): Promise<void> {
    const pc = this.open();
    for (const track of stream.getVideoTracks()) pc.addTrack(track, stream);
    this.attachChannel(pc.createDataChannel('annotations', { ordered: true }));
    await this.negotiate(false);
  }

  /**
   * The agent's page: a drawing, over the data channel when open, else through the server.
   * A drawing sent on the channel does not pass the server, so it is counted there for the
   * session log (remote_support.annotated), refused like the relay once drawing is withdrawn.
   */
  async annotate(annotation: Annotation): Promise<'channel' | 'server'> {
    if (this.channel?.readyState === 'open') {
      this.channel.send(JSON.stringify(annotation));
      await this.transport.request('remote_support.annotated', { session_id: this.sessionId, count: 1 });
      return 'channel';
    }
    await this.transport.request('remote_support.annotation', { session_id: this.sessionId, annotation });
    return 'server';
  }

  /** Frames the agent's page decoded so far (getStats), 0 without a picture. */
  async framesDecoded(): Promise<number> {
    if (!this.pc) return 0;
    let frames = 0;
    (await this.pc.getStats()).forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
    });
    return frames;
  }

  /** Closes the peer connection (viewing revoked, paused for good, or the session ended). */
  close(): void {
    this.channel?.close();
    this.channel = null;
    this.channelOpen.set(false);
    this.pc?.close();
    this.pc = null;
    this.remoteStream.set(null);
    this.connection.set('closed');
  }

  destroy(): void {
    this.close();
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private open(): RTCPeerConnection {
    this.close();
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    this.pc = pc;
    this.connection.set('new');
    pc.onicecandidate = (e) => void this.send({ candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      this.connection.set(pc.connectionState);
    };
    pc.oniceconnectionstatechange = () => {
      // A changed network: the offerer starts again with fresh candidates.
      if (pc === this.pc && pc.iceConnectionState === 'failed' && this.role === 'customer') {
        this.iceRestarts.update((n) => n + 1);
        void this.negotiate(true);
      }
    };
    pc.ontrack = (e) => {
      if (pc !== this.pc) return;
      this.remoteStream.set(e.streams[0] ?? new MediaStream([e.track]));
      e.track.onended = () => this.remoteStream.set(null);
    };
    pc.ondatachannel = (e) => this.attachChannel(e.channel);
    return pc;
  }

  private attachChannel(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.onopen = () => this.channelOpen.set(true);
    channel.onclose = () => this.channelOpen.set(false);
    channel.onmessage = (e) => {
      try {
        this.onAnnotation(JSON.parse(String(e.data)) as Annotation);
      } catch {
        // not a drawing
      }
    };
  }

  private async negotiate(iceRestart: boolean): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    const offer = await pc.createOffer({ iceRestart });
    await pc.setLocalDescription(offer);
    await this.send({ description: pc.localDescription?.toJSON() });
  }

  private async onSignal(s: ScreenSignal): Promise<void> {
    if (s.description) {
      if (s.description.type === 'offer') {
        // The agent answers; a second offer is an ICE restart on the same connection.
        const pc = this.pc ?? this.open();
        await pc.setRemoteDescription(s.description);
        await pc.setLocalDescription(await pc.createAnswer());
        await this.send({ description: pc.localDescription?.toJSON() });
      } else if (this.pc) {
        await this.pc.setRemoteDescription(s.description);
      }
    } else if (s.candidate && this.pc) {
      await this.pc.addIceCandidate(s.candidate).catch(() => undefined);
    }
  }

  private async send(signal: ScreenSignal): Promise<void> {
    // Refused once viewing is revoked: the page closes the link on the state change anyway.
    await this.transport.request('remote_support.signal', { session_id: this.sessionId, signal }).catch(() => undefined);
  }
}
