import { signal } from '@angular/core';
import { Subject, filter } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RealtimeError, RealtimeStatus, ServerMessage } from '../core/realtime.service';
import { MeetingSession, MeetingTransport, qualityOf } from './meeting-session';

/** The app's realtime link as the session sees it: what it asked for, and the server's side. */
class FakeRealtime implements MeetingTransport {
  readonly state = signal<RealtimeStatus>('connected');
  readonly statusChanges = new Subject<RealtimeStatus>();
  readonly incoming = new Subject<ServerMessage>();
  sent: Record<string, unknown>[] = [];
  /** The answers to the requests, in order; a refusal rejects the one at that index. */
  private readonly answers: { resolve: (m: ServerMessage) => void; reject: (e: Error) => void }[] = [];
  status = () => this.state();
  messages = (type: string) => this.incoming.pipe(filter((m) => m.type === type)) as never;
  request = (type: string, body?: object): Promise<ServerMessage> => {
    this.sent.push({ type, ...body });
    return new Promise((resolve, reject) => this.answers.push({ resolve, reject }));
  };
  receive(message: Record<string, unknown>): void {
    this.incoming.next(message as unknown as ServerMessage);
  }
  refuse(index: number, code: string, message: string): Promise<void> {
    this.answers[index].reject(new RealtimeError(code, message));
    return Promise.resolve();
  }
  setStatus(status: RealtimeStatus): void {
    this.state.set(status);
    this.statusChanges.next(status);
  }
}

function fakeStream() {
  const audio = { enabled: true };
  return { audio, stream: { getAudioTracks: () => [audio], getVideoTracks: () => [], getTracks: () => [audio] } as unknown as MediaStream };
}

function person(peer: number, role = 'participant', admitted = true) {
  return { peer_id: peer, user_id: peer, display_name: `p${peer}`, role, guest: role === 'guest', country: 'PT', time_zone: 'Europe/Lisbon', admitted, audio_muted: false, video_muted: false, screen_sharing: false, joined_at: 0 };
}

function setup(status: RealtimeStatus = 'connected') {
  const socket = new FakeRealtime();
  socket.state.set(status);
  const { audio, stream } = fakeStream();
  const s = new MeetingSession(socket, 'abc', stream);
  s.start();
  return { s, socket, audio };
}

describe('MeetingSession', () => {
  it('joins by code over the shared link, once it is connected', () => {
    const { socket, s } = setup('connecting');
    expect(socket.sent).toEqual([]);
    socket.setStatus('connected');
    expect(socket.sent).toEqual([{ type: 'meet.join', code: 'abc' }]);
    socket.setStatus('connected');
    expect(socket.sent).toHaveLength(1);
    s.leave();
  });

  it('leaves with meet.leave (the link stays open for the rest of the app)', () => {
    const { socket, s } = setup();
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(2), waiting: false, participants: [person(2)], lobby: [] });
    s.leave();
    expect(s.state()).toBe('left');
    expect(socket.sent.at(-1)).toEqual({ type: 'meet.leave', meeting_id: 7 });
  });

  it('leaving while the join is on its way leaves the room as soon as the answer comes', () => {
    const { socket, s } = setup();
    s.leave();
    expect(socket.sent.map((m) => m['type'])).toEqual(['meet.join']);
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(2), waiting: false, participants: [person(2)], lobby: [] });
    expect(socket.sent.at(-1)).toEqual({ type: 'meet.leave', meeting_id: 7 });
    expect(s.state()).toBe('left');
    socket.receive({ type: 'meet.participant_joined', meeting_id: 7, participant: person(4) });
    expect(s.participants()).toEqual([]);
  });

  it('ends with "connection lost" when the link drops (the server let go of this peer with it)', () => {
    const { socket, s } = setup();
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(2), waiting: false, participants: [person(2)], lobby: [] });
    socket.setStatus('reconnecting');
    expect(s.state()).toBe('error');
    expect(s.error()).toBe('The connection to the meeting was lost.');
    socket.setStatus('connected');
    expect(socket.sent.filter((m) => m['type'] === 'meet.join')).toHaveLength(1);
  });

  it('waits in the lobby, then enters when admitted', () => {
    const { socket, s } = setup();
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(3, 'guest', false), waiting: true, participants: [], lobby: [] });
    expect(s.state()).toBe('waiting');
    socket.receive({ type: 'meet.admitted', meeting_id: 7, you: person(3, 'guest'), waiting: false, participants: [person(3, 'guest')], lobby: [], ice_servers: [] });
    expect(s.state()).toBe('in-room');
    expect(s.isModerator()).toBe(false);
    s.leave();
  });

  it('sends host actions with the meeting id and shows the lobby to hosts', () => {
    const { socket, s } = setup();
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(1, 'host'), waiting: false, participants: [person(1, 'host')], lobby: [] });
    socket.receive({ type: 'meet.lobby', meeting_id: 7, lobby: [person(5, 'guest', false)] });
    expect(s.lobby().map((p) => p.peer_id)).toEqual([5]);
    s.admit(5);
    s.mute(5, true);
    s.remove(5);
    s.endForAll();
    expect(socket.sent.slice(1).map((m) => [m['type'], m['meeting_id'], m['peer_id']])).toEqual([
      ['meet.chat.history', 7, undefined],
      ['meet.admit', 7, 5],
      ['meet.mute', 7, 5],
      ['meet.remove', 7, 5],
      ['meet.end', 7, undefined],
    ]);
    s.leave();
  });

  it('turns the microphone off when a host forces mute, and ends when removed', () => {
    const { socket, s, audio } = setup();
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(2), waiting: false, participants: [person(2)], lobby: [] });
    socket.receive({ type: 'meet.muted', meeting_id: 7, by: 'Hana' });
    expect(audio.enabled).toBe(false);
    expect(s.audioMuted()).toBe(true);
    expect(s.notice()).toContain('Hana');
    socket.receive({ type: 'meet.recording', meeting_id: 7, recording: { id: 1, started_at: 1, started_by: 'Hana' } });
    expect(s.recording()?.started_by).toBe('Hana');
    socket.receive({ type: 'meet.removed', meeting_id: 7 });
    expect(s.state()).toBe('removed');
    // No longer in a room: its events are not followed any more.
    socket.receive({ type: 'meet.participant_joined', meeting_id: 7, participant: person(4) });
    expect(s.participants().map((p) => p.peer_id)).toEqual([2]);
  });

  it('loads the meeting chat on entry, merges live messages once, and posts with a client id', () => {
    const { socket, s } = setup();
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(2), waiting: false, participants: [person(2)], lobby: [] });
    expect(socket.sent.at(-1)).toMatchObject({ type: 'meet.chat.history', meeting_id: 7 });
    const msg = (id: number, text: string) => ({ id, author: { user_id: 1, display_name: 'Hana', guest: false }, client_id: '', text, created_at: id });
    socket.receive({ type: 'meet.chat', meeting_id: 7, message: msg(3, 'live') });
    socket.receive({ type: 'meet.chat.history', meeting_id: 7, items: [msg(1, 'first'), msg(3, 'live')] });
    socket.receive({ type: 'meet.chat', meeting_id: 7, message: msg(3, 'live') });
    expect(s.chat().map((m) => m.text)).toEqual(['first', 'live']);
    s.sendChat('   ');
    s.sendChat(' hello ');
    const sent = socket.sent.filter((m) => m['type'] === 'meet.chat.send');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ meeting_id: 7, text: 'hello' });
    expect(String(sent[0]['client_id'])).not.toBe('');
    s.leave();
  });

  it('prompts on an unmute request and unmutes only when accepted; raises a hand', () => {
    const { socket, s, audio } = setup();
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(2), waiting: false, participants: [person(2)], lobby: [] });
    s.setAudioMuted(true);
    socket.receive({ type: 'meet.unmute_requested', meeting_id: 7, by: 'Hana' });
    expect(s.unmuteRequestedBy()).toBe('Hana');
    expect(audio.enabled).toBe(false);
    s.answerUnmuteRequest(true);
    expect(s.unmuteRequestedBy()).toBeNull();
    expect(audio.enabled).toBe(true);
    expect(socket.sent.at(-1)).toMatchObject({ type: 'meet.media', audio_muted: false });
    s.setHandRaised(true);
    expect(socket.sent.at(-1)).toMatchObject({ type: 'meet.media', hand_raised: true });
    socket.receive({ type: 'meet.recording', meeting_id: 7, recording: null, reason: 'recording stopped: Carl takes part from IN' });
    expect(s.notice()).toContain('Carl');
    s.leave();
  });

  it('shows a refused join as an error', async () => {
    const { socket, s } = setup();
    await socket.refuse(0, 'conflict', 'this meeting is full');
    await Promise.resolve();
    expect(s.state()).toBe('error');
    expect(s.error()).toBe('this meeting is full');
    s.leave();
  });

  it('shows a refused command as a notice, and stays in the room', async () => {
    const { socket, s } = setup();
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(2), waiting: false, participants: [person(2)], lobby: [] });
    s.lock(true);
    await socket.refuse(socket.sent.length - 1, 'forbidden', 'only hosts and co-hosts may lock the meeting');
    await Promise.resolve();
    expect(s.state()).toBe('in-room');
    expect(s.notice()).toBe('only hosts and co-hosts may lock the meeting');
    s.leave();
  });
});

describe('qualityOf', () => {
  it('grades round trip and loss', () => {
    expect(qualityOf(null, 0)).toBe('unknown');
    expect(qualityOf(40, 0)).toBe('good');
    expect(qualityOf(200, 1)).toBe('fair');
    expect(qualityOf(100, 10)).toBe('poor');
  });
  it('follows the room settings and a change of media region', () => {
    const { socket, s } = setup();
    socket.receive({ type: 'meet.joined', meeting_id: 7, you: person(3, 'guest'), waiting: false, participants: [person(3, 'guest')], lobby: [], guests_can_share_screen: false, locked: false });
    expect(s.guestsCanShareScreen()).toBe(false);
    socket.receive({ type: 'meet.room_updated', meeting_id: 7, locked: true, lobby_for_external: true, guests_can_share_screen: true });
    expect(s.guestsCanShareScreen()).toBe(true);
    expect(s.locked()).toBe(true);
    socket.receive({ type: 'meet.room_updated', meeting_id: 7, locked: false });
    expect(s.guestsCanShareScreen()).toBe(true);
    socket.receive({ type: 'meet.region', meeting_id: 7, media_region: { region: 'us-east', worst_rtt_ms: 200, mean_rtt_ms: 105, expected_rtt_ms: {}, candidates: [] }, ice_servers: [{ urls: ['turn:us.example.test'] }] });
    expect(s.mediaRegion()?.region).toBe('us-east');
    expect(s.iceRestarts()).toBe(0); // no connections yet: nothing to restart
    s.leave();
  });
});
