import { ChangeDetectionStrategy, Component, DestroyableInjector, Injector, OnDestroy, OnInit, computed, inject, signal } from '@angular/core';
import { ActivatedRoute } from '@angular/router';
import { SessionStore } from '../core/session.store';
import { FormsModule } from '@angular/forms';
import { Subscription, filter, first } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { formatDate } from '../core/locale-format';
import { REALTIME_TOKEN, RealtimeService } from '../core/realtime.service';
import { UiButton } from '../ui/button';
import { UiIcon } from '../ui/icon';
import { UiInput } from '../ui/form-controls';
import { ASK_WORDS, STATE_LABEL, STEP_LABEL, formatDuration, pendingQuestion } from './consent-words';
import { Annotation, ConsentStep, RemoteSupportPass, RemoteSupportSession, RemoteSupportSummary, STEPS } from './remote-support-types';
import { ScreenLink } from './screen-link';

interface ChatLine {
  from: string;
  text: string;
  at: number;
}

/** Drawings kept on the page (the newest). */
const MAX_DRAWINGS = 50;

/**
 * /remote-support/join — the customer's side without an account or an install: the code
 * the agent read out, a name, an e-mail and what they need; then each consent step asked
 * separately in plain words (chat, the screen, drawing), revocable at any moment, and a
 * line that always says what the agent can see. The screen is shared with getDisplayMedia
 * (the customer picks a screen, a window or a tab) over WebRTC; signaling goes through the
 * server, which relays it only while viewing is allowed. Plain fetch and a RealtimeService
 * of its own with the session's scoped token: this page never touches a signed-in session.
 */
@Component({
  selector: 'mer-remote-support-customer',
  imports: [FormsModule, UiButton, UiIcon, UiInput],
  templateUrl: './customer-page.html',
  styleUrl: './remote-support.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerPage implements OnInit, OnDestroy {
  private readonly injector = inject(Injector);
  private readonly route = inject(ActivatedRoute, { optional: true });
  private readonly account = inject(SessionStore);

  /** A signed-in customer invited from their support view (?session=<id>): joins without a code. */
  protected readonly invitedTo = signal<number | null>(null);

  protected readonly steps = STEPS;
  protected readonly words = ASK_WORDS;
  protected readonly stepLabel = STEP_LABEL;
  protected readonly stateLabel = STATE_LABEL;

  protected code = '';
  protected name = '';
  protected email = '';
  protected topic = '';
  protected chatText = '';

  protected readonly busy = signal(false);
  protected readonly error = signal('');
  protected readonly notice = signal('');
  protected readonly session = signal<RemoteSupportSession | null>(null);
  protected readonly agentConnected = signal(false);
  protected readonly summary = signal<RemoteSupportSummary | null>(null);
  protected readonly sharing = signal(false);
  protected readonly drawings = signal<Annotation[]>([]);
  protected readonly chat = signal<ChatLine[]>([]);
  /** The shape of what is shared, so the drawings sit where the agent drew them. */
  protected readonly aspect = signal('16 / 9');
  protected readonly question = computed(() => {
    const s = this.session();
    return s && s.status === 'active' ? pendingQuestion(s) : null;
  });

  /** Steps above the question asked with it as one question (a lowered consent policy). */
  protected readonly askedWith = computed(() => {
    const s = this.session();
    const q = this.question();
    if (!s || !q) return [];
    const out: ConsentStep[] = [];
    for (const step of STEPS.slice(STEPS.indexOf(q) + 1)) {
      if (s.consent[step] !== 'asked') break;
      out.push(step);
    }
    return out;
  });

  private pass: RemoteSupportPass | null = null;
  private link: DestroyableInjector | null = null;
  private realtime: RealtimeService | null = null;
  private screen: ScreenLink | null = null;
  private capture: MediaStream | null = null;
  private iceServers: RTCIceServer[] = [];
  private subscriptions: Subscription[] = [];

  ngOnInit(): void {
    const id = Number(this.route?.snapshot.queryParamMap.get('session'));
    if (Number.isInteger(id) && id > 0 && this.account.token()) this.invitedTo.set(id);
  }

  /** The account the session is for joins it (POST .../join spends the code) for the same scoped token. */
  protected async joinFromAccount(): Promise<void> {
    const id = this.invitedTo();
    const token = this.account.token();
    if (!id || !token) return;
    this.error.set('');
    this.busy.set(true);
    try {
      const res = await fetch(`${API_BASE}/remote-support/sessions/${id}/join`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json().catch(() => ({}))) as RemoteSupportPass & { error?: { message?: string } };
      if (!res.ok) {
        this.error.set(body.error?.message ?? 'This session cannot be joined any more. Ask the agent for a new one.');
        return;
      }
      this.pass = body;
      this.openLink(body);
    } catch {
      this.error.set('The server could not be reached. Check your connection and try again.');
    } finally {
      this.busy.set(false);
    }
  }

  protected async connect(e: Event): Promise<void> {
    e.preventDefault();
    this.error.set('');
    this.busy.set(true);
    try {
      const res = await fetch(`${API_BASE}/remote-support/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: this.code, name: this.name.trim(), email: this.email.trim() || undefined, topic: this.topic.trim() || undefined }),
      });
      const body = (await res.json().catch(() => ({}))) as RemoteSupportPass & { error?: { message?: string } };
      if (!res.ok) {
        this.error.set(
          res.status === 429
            ? 'Too many wrong codes from here. Wait a few minutes, then try again, or ask the agent for a new code.'
            : (body.error?.message ?? 'That code did not work. Check it with the agent.'),
        );
        return;
      }
      this.pass = body;
      this.openLink(body);
    } catch {
      this.error.set('The server could not be reached. Check your connection and try again.');
    } finally {
      this.busy.set(false);
    }
  }

  protected async allow(step: ConsentStep): Promise<void> {
    const s = this.session();
    if (!s || !this.realtime) return;
    this.notice.set('');
    if (step === 'view') {
      // Asked in the click itself: browsers allow screen capture only right after a press.
      try {
        this.capture = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      } catch {
        this.notice.set('Nothing was chosen, so the agent still cannot see your screen. You can choose again.');
        return;
      }
      for (const track of this.capture.getVideoTracks()) {
        track.onended = () => void this.revoke('view');
        const { width, height } = track.getSettings();
        if (width && height) this.aspect.set(`${width} / ${height}`);
      }
    }
    try {
      await this.realtime.request('remote_support.answer', { session_id: s.id, step, grant: true });
      if (step === 'view' && this.capture) {
        this.sharing.set(true);
        this.screen = new ScreenLink(this.realtime, s.id, 'customer', this.iceServers, (a) => this.drawing(a));
        await this.screen.offer(this.capture);
      }
    } catch (err) {
      this.stopCapture();
      this.notice.set((err as Error).message);
    }
  }

  protected async deny(step: ConsentStep): Promise<void> {
    const s = this.session();
    if (!s || !this.realtime) return;
    await this.realtime.request('remote_support.answer', { session_id: s.id, step, grant: false }).catch((e: Error) => this.notice.set(e.message));
  }

  protected async revoke(step: ConsentStep): Promise<void> {
    const s = this.session();
    if (!s || !this.realtime) return;
    // Stop the picture first: nothing more leaves this page, whatever the server answers.
    if (step !== 'annotate') this.stopSharing();
    if (step === 'chat' || step === 'annotate' || step === 'view') this.drawings.set([]);
    await this.realtime.request('remote_support.revoke', { session_id: s.id, step }).catch((e: Error) => this.notice.set(e.message));
  }

  protected async togglePause(): Promise<void> {
    const s = this.session();
    if (!s || !this.realtime) return;
    const pausing = !s.paused;
    for (const t of this.capture?.getVideoTracks() ?? []) t.enabled = !pausing;
    await this.realtime
      .request(pausing ? 'remote_support.pause' : 'remote_support.resume', { session_id: s.id })
      .catch((e: Error) => this.notice.set(e.message));
  }

  protected async sendChat(e: Event): Promise<void> {
    e.preventDefault();
    const s = this.session();
    const text = this.chatText.trim();
    if (!s || !this.realtime || !text) return;
    try {
      await this.realtime.request('remote_support.chat', { session_id: s.id, text });
      this.chat.update((c) => [...c, { from: 'customer', text, at: Date.now() }]);
      this.chatText = '';
    } catch (err) {
      this.notice.set((err as Error).message);
    }
  }

  protected async end(): Promise<void> {
    const s = this.session();
    if (!s || !this.realtime) return;
    await this.realtime.request('remote_support.end', { session_id: s.id }).catch((e: Error) => this.notice.set(e.message));
  }

  protected day(at: number): string {
    return formatDate(at, 'date');
  }

  protected time(at: number | null | undefined): string {
    return formatDate(at ?? null, 'time');
  }

  protected duration(ms: number): string {
    return formatDuration(ms);
  }

  protected points(a: Annotation): string {
    return a.points.map(([x, y]) => `${(x * 1000).toFixed(0)},${(y * 1000).toFixed(0)}`).join(' ');
  }

  ngOnDestroy(): void {
    this.stopSharing();
    for (const s of this.subscriptions) s.unsubscribe();
    this.link?.destroy();
  }

  private openLink(pass: RemoteSupportPass): void {
    this.link?.destroy();
    this.link = Injector.create({
      providers: [RealtimeService, { provide: REALTIME_TOKEN, useValue: () => pass.token }],
      parent: this.injector,
      name: 'remote support customer link',
    });
    const rt = this.link.get(RealtimeService);
    this.realtime = rt;
    const mine = <T extends { session_id: number }>(m: T) => m.session_id === pass.session_id;
    this.subscriptions = [
      rt.messages('remote_support.state').pipe(filter(mine)).subscribe((m) => this.onState(m.session, m.agent_connected)),
      rt.messages('remote_support.ended').pipe(filter(mine)).subscribe((m) => this.onEnded(m.summary)),
      rt.messages('remote_support.annotation').pipe(filter(mine)).subscribe((m) => this.drawing(m.annotation)),
      rt.messages('remote_support.chat').pipe(filter(mine)).subscribe((m) => this.chat.update((c) => [...c, { from: m.from, text: m.text, at: Date.now() }])),
      rt.statusChanges.pipe(filter((s) => s === 'connected')).subscribe(() => void this.join()),
    ];
    rt.start();
  }

  private async join(): Promise<void> {
    if (!this.realtime || !this.pass || this.summary()) return;
    try {
      const ack = (await this.realtime.request('remote_support.join', { session_id: this.pass.session_id })) as { ice_servers?: RTCIceServer[] };
      this.iceServers = ack.ice_servers ?? [];
    } catch (err) {
      this.error.set((err as Error).message);
    }
  }

  private onState(s: RemoteSupportSession, agentConnected: boolean): void {
    this.session.set(s);
    this.agentConnected.set(agentConnected);
    if (s.consent.view !== 'granted' || s.status !== 'active') this.stopSharing();
    if (s.consent.annotate !== 'granted') this.drawings.set([]);
  }

  private onEnded(summary: RemoteSupportSummary): void {
    this.stopSharing();
    this.summary.set(summary);
    this.session.update((s) => (s ? { ...s, status: 'ended' } : s));
    this.link?.destroy();
    this.link = null;
    this.realtime = null;
  }

  /** A drawing counts only while drawing is allowed and sharing is not paused. */
  private drawing(a: Annotation): void {
    const s = this.session();
    if (!s || s.consent.annotate !== 'granted' || s.paused) return;
    if (!Array.isArray(a?.points)) return;
    this.drawings.update((d) => [...d.slice(-(MAX_DRAWINGS - 1)), a]);
  }

  private stopSharing(): void {
    this.screen?.destroy();
    this.screen = null;
    this.stopCapture();
  }

  private stopCapture(): void {
    for (const t of this.capture?.getTracks() ?? []) {
      t.onended = null;
      t.stop();
    }
    this.capture = null;
    this.sharing.set(false);
  }
}
