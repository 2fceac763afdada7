import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  DestroyableInjector,
  ElementRef,
  Injector,
  computed,
  effect,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { UiButton, UiFlag, UiIcon, UiInput, UiTab, UiTabs, UiToasts } from '../ui';
import { RouterLink } from '@angular/router';
import { MinuteClock } from '../core/clock';
import { formatLocalTime } from '../core/local-time';
import { formatDate } from '../core/locale-format';
import { ApiError, errorMessage } from '../core/api-error';
import { REALTIME_TOKEN, RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { Participant } from './meeting-events';
import { MeetingSession, SessionState } from './meeting-session';
import { MeetingLink, MeetingsApi } from './meetings-api';
import { VideoTile } from './video-tile';

type Panel = 'people' | 'chat' | 'info';

const narrowScreen = (): boolean => typeof matchMedia === 'function' && matchMedia('(max-width: 800px)').matches;

/** States after which the session talks to the server no more. */
const OVER = new Set<SessionState>(['denied', 'removed', 'ended', 'left', 'error']);

const ROLE_LABEL: Record<Participant['role'], string> = {
  host: 'Host',
  cohost: 'Co-host',
  participant: 'Participant',
  guest: 'Guest',
};

/**
 * /meet/:code — pre-join (camera and microphone preview, device choice, a name for
 * guests), then the room: video grid with the active speaker, controls, participants
 * and lobby panels with host actions, recording banner, network quality, local times.
 * Works signed in (session token) and without an account (a guest pass).
 *
 * Signaling goes over the app's one realtime link (RealtimeService). A guest has no session,
 * so the page gives the guest a RealtimeService of its own, authenticated with the guest
 * pass, that lives as long as the guest is in the meeting: still one socket in the tab.
 */
@Component({
  selector: 'mer-meeting-page',
  imports: [FormsModule, RouterLink, VideoTile, UiButton, UiFlag, UiIcon, UiInput, UiTab, UiTabs, UiToasts],
  host: { 'data-theme': 'dark' },
  templateUrl: './meeting-page.html',
  styleUrl: './meeting-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MeetingPage {
  readonly code = input.required<string>();

  private readonly sessionStore = inject(SessionStore);
  private readonly clock = inject(MinuteClock);
  private readonly destroyRef = inject(DestroyRef);
  private readonly api = inject(MeetingsApi);
  private readonly injector = inject(Injector);
  /** A guest's own link (with the guest pass); null when signed in. */
  private guestLink: DestroyableInjector | null = null;

  protected readonly link = signal<MeetingLink | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly preview = signal<MediaStream | null>(null);
  protected readonly mediaError = signal<string | null>(null);
  protected readonly cameras = signal<MediaDeviceInfo[]>([]);
  protected readonly microphones = signal<MediaDeviceInfo[]>([]);
  protected readonly cameraId = signal('');
  protected readonly microphoneId = signal('');
  protected readonly guestName = signal('');
  protected readonly joining = signal(false);
  /** The camera/microphone request has settled (granted or not): joining before would send nothing. */
  protected readonly previewReady = signal(false);
  protected readonly session = signal<MeetingSession | null>(null);
  /** The side panel on show; null when closed (phones start with it closed: it covers the videos). */
  protected readonly panel = signal<Panel | null>(narrowScreen() ? null : 'people');
  /** The last person heard: stays the large tile while nobody speaks. */
  private readonly lastSpeaker = signal<number | null>(null);
  /** The large tile: a shared screen, else who speaks (or spoke last), else the first other person, else me. */
  protected readonly featured = computed(() => {
    const s = this.session();
    if (!s) return 'self';
    const others = s.others();
    const sharing = others.find((p) => s.remote()[p.peer_id]?.screen);
    if (sharing) return `screen:${sharing.peer_id}`;
    const speaker = s.activeSpeaker() ?? this.lastSpeaker();
    if (speaker != null && others.some((p) => p.peer_id === speaker)) return `peer:${speaker}`;
    return others.length ? `peer:${others[0].peer_id}` : 'self';
  });
  protected chatText = '';
  protected readonly signedIn = this.sessionStore.hasValidToken();
  protected readonly previewVideo = viewChild<ElementRef<HTMLVideoElement>>('previewVideo');

  protected readonly roleLabel = ROLE_LABEL;

  protected readonly startsLocal = computed(() => {
    const l = this.link();
    if (!l?.starts_at) return null;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return `${formatDate(l.starts_at, 'full', zone)} (${zone})`;
  });

  constructor() {
    effect(() => {
      const video = this.previewVideo()?.nativeElement;
      const stream = this.preview();
      if (video && video.srcObject !== stream) video.srcObject = stream;
    });
    effect(() => void this.load(this.code()));
    effect(() => {
      const speaker = this.session()?.activeSpeaker();
      if (speaker != null) this.lastSpeaker.set(speaker);
    });
    // Once a guest's session is over, its link goes too (a revoked pass must not reconnect).
    effect(() => {
      const state = this.session()?.state();
      if (state && OVER.has(state)) this.closeGuestLink();
    });
    this.destroyRef.onDestroy(() => {
      this.session()?.leave();
      this.closeGuestLink();
      for (const t of this.preview()?.getTracks() ?? []) t.stop();
    });
  }

  protected localTime(p: Participant): string {
    return p.time_zone ? formatLocalTime(this.clock.now(), p.time_zone) : '';
  }

  private async load(code: string): Promise<void> {
    try {
      this.link.set(await this.api.link(code));
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      this.loadError.set(status === 404 ? 'This meeting link does not exist.' : `The meeting could not be loaded (${status}).`);
      return;
    }
    await this.openPreview();
  }

  protected async openPreview(): Promise<void> {
    this.previewReady.set(false);
    for (const t of this.preview()?.getTracks() ?? []) t.stop();
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: this.microphoneId() ? { deviceId: { exact: this.microphoneId() } } : true,
        video: this.cameraId() ? { deviceId: { exact: this.cameraId() } } : { width: 640, height: 360 },
      });
      this.preview.set(stream);
      this.mediaError.set(null);
      const devices = await navigator.mediaDevices.enumerateDevices();
      this.cameras.set(devices.filter((d) => d.kind === 'videoinput'));
      this.microphones.set(devices.filter((d) => d.kind === 'audioinput'));
      this.cameraId.set(stream.getVideoTracks()[0]?.getSettings().deviceId ?? '');
      this.microphoneId.set(stream.getAudioTracks()[0]?.getSettings().deviceId ?? '');
    } catch (e) {
      this.mediaError.set(`Camera or microphone unavailable: ${(e as Error).message}. You can still join without them.`);
      this.preview.set(new MediaStream());
    }
    this.previewReady.set(true);
  }

  protected async join(): Promise<void> {
    const link = this.link();
    if (!link) return;
    this.joining.set(true);
    let realtime: RealtimeService;
    if (this.signedIn && this.sessionStore.token()) {
      realtime = this.injector.get(RealtimeService);
    } else {
      let token: string;
      try {
        token = (await this.api.guestPass(link.code, this.guestName())).token;
      } catch (e) {
        this.mediaError.set(errorMessage(e));
        this.joining.set(false);
        return;
      }
      this.closeGuestLink();
      this.guestLink = Injector.create({
        providers: [RealtimeService, { provide: REALTIME_TOKEN, useValue: () => token }],
        parent: this.injector,
        name: 'meeting guest link',
      });
      realtime = this.guestLink.get(RealtimeService);
    }
    realtime.start();
    const s = new MeetingSession(realtime, link.code, this.preview() ?? new MediaStream());
    this.session.set(s);
    (globalThis as unknown as { __meridianMeeting?: MeetingSession }).__meridianMeeting = s;
    s.start();
    this.joining.set(false);
  }

  protected async shareScreen(s: MeetingSession): Promise<void> {
    if (s.screenSharing()) s.stopScreenShare();
    else await s.startScreenShare();
  }

  /** A panel button in the bar: opens that panel, or closes it when it is the one on show. */
  protected togglePanel(which: Panel): void {
    this.panel.update((open) => (open === which ? null : which));
  }

  protected sendChat(s: MeetingSession, e: Event): void {
    e.preventDefault();
    s.sendChat(this.chatText);
    this.chatText = '';
  }

  protected chatTime(at: number): string {
    return formatDate(at, 'time');
  }

  /** Another camera or microphone during the call: a new track replaces the old one (replaceTrack). */
  protected async switchDevice(s: MeetingSession, kind: 'videoinput' | 'audioinput', deviceId: string): Promise<void> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(
        kind === 'videoinput' ? { video: { deviceId: { exact: deviceId } } } : { audio: { deviceId: { exact: deviceId } } },
      );
      const [track] = kind === 'videoinput' ? stream.getVideoTracks() : stream.getAudioTracks();
      await s.switchTrack(track);
      if (kind === 'videoinput') this.cameraId.set(deviceId);
      else this.microphoneId.set(deviceId);
      // The self view shows the local stream: give it a fresh object so the tile rebinds.
      const local = this.preview();
      if (local) this.preview.set(new MediaStream(local.getTracks()));
    } catch (err) {
      s.notice.set(`Could not switch device: ${(err as Error).message}`);
    }
  }

  protected leave(s: MeetingSession): void {
    s.leave();
  }

  private closeGuestLink(): void {
    this.guestLink?.destroy();
    this.guestLink = null;
  }
}
