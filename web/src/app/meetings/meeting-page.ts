import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { UiButton, UiInput, UiTab, UiTabs, UiToasts } from '../ui';
import { RouterLink } from '@angular/router';
import { MinuteClock } from '../core/clock';
import { countryFlag, formatLocalTime } from '../core/local-time';
import { SessionStore } from '../core/session.store';
import { Participant } from './meeting-events';
import { MeetingSession } from './meeting-session';
import { VideoTile } from './video-tile';

interface MeetingLink {
  id: number;
  code: string;
  title: string;
  kind: 'instant' | 'scheduled';
  starts_at: number | null;
  time_zone: string;
  host_name: string;
  max_publishers: number;
}

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
 */
@Component({
  selector: 'mer-meeting-page',
  imports: [FormsModule, RouterLink, VideoTile, UiButton, UiInput, UiTab, UiTabs, UiToasts],
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
  protected readonly panel = signal<'people' | 'chat' | 'info'>('people');
  protected chatText = '';
  protected readonly signedIn = this.sessionStore.hasValidToken();
  protected readonly previewVideo = viewChild<ElementRef<HTMLVideoElement>>('previewVideo');

  protected readonly roleLabel = ROLE_LABEL;
  protected readonly flag = countryFlag;

  protected readonly startsLocal = computed(() => {
    const l = this.link();
    if (!l?.starts_at) return null;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone: zone }).format(l.starts_at) + ` (${zone})`;
  });

  constructor() {
    effect(() => {
      const video = this.previewVideo()?.nativeElement;
      const stream = this.preview();
      if (video && video.srcObject !== stream) video.srcObject = stream;
    });
    effect(() => void this.load(this.code()));
    this.destroyRef.onDestroy(() => {
      this.session()?.leave();
      for (const t of this.preview()?.getTracks() ?? []) t.stop();
    });
  }

  protected localTime(p: Participant): string {
    return p.time_zone ? formatLocalTime(this.clock.now(), p.time_zone) : '';
  }

  private async load(code: string): Promise<void> {
    const res = await fetch(`/api/v1/meeting-links/${encodeURIComponent(code)}`);
    if (!res.ok) {
      this.loadError.set(res.status === 404 ? 'This meeting link does not exist.' : `The meeting could not be loaded (${res.status}).`);
      return;
    }
    this.link.set((await res.json()) as MeetingLink);
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
    let token = this.sessionStore.token();
    if (!this.signedIn || !token) {
      const res = await fetch(`/api/v1/meeting-links/${encodeURIComponent(link.code)}/guests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ display_name: this.guestName() }),
      });
      const body = await res.json().catch(() => undefined);
      if (!res.ok) {
        this.mediaError.set(body?.error?.message ?? `Could not join (${res.status}).`);
        this.joining.set(false);
        return;
      }
      token = body.token as string;
    }
    const url = `${location.origin.replace(/^http/, 'ws')}/ws`;
    const s = new MeetingSession(url, token, link.code, this.preview() ?? new MediaStream());
    this.session.set(s);
    (globalThis as unknown as { __meridianMeeting?: MeetingSession }).__meridianMeeting = s;
    s.start();
    this.joining.set(false);
  }

  protected async shareScreen(s: MeetingSession): Promise<void> {
    if (s.screenSharing()) s.stopScreenShare();
    else await s.startScreenShare();
  }

  protected sendChat(s: MeetingSession, e: Event): void {
    e.preventDefault();
    s.sendChat(this.chatText);
    this.chatText = '';
  }

  protected chatTime(at: number): string {
    return new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(at);
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
}
