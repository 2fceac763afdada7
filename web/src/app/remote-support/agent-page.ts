import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  OnDestroy,
  OnInit,
  computed,
  effect,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute } from '@angular/router';
import { Subscription, filter } from 'rxjs';
import { errorMessage } from '../core/api-error';
import { formatDate } from '../core/locale-format';
import { RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { UiBadge, type BadgeTone } from '../ui/badge';
import { UiButton } from '../ui/button';
import { UiInput } from '../ui/form-controls';
import { STATE_LABEL, STEP_LABEL, consentLine, formatDuration, groupCode, needsApproval, nextAsk, nextAskTogether } from './consent-words';
import { CustomerHit, RemoteSupportApi } from './remote-support-api';
import {
  AgentFigures,
  Annotation,
  ConsentPolicy,
  ConsentState,
  ConsentStep,
  LogEntry,
  RemoteSupportSession,
  RemoteSupportSummary,
  STEPS,
  SensitiveCustomer,
  SupportRequest,
} from './remote-support-types';
import { ScreenLink } from './screen-link';
import { applyQueueEvent, queueEvents } from './queue-events';

const TONE: Record<ConsentState, BadgeTone> = { not_asked: 'neutral', asked: 'info', granted: 'ok', denied: 'danger', revoked: 'danger' };

/**
 * /remote-support — the agent's side: start a session (from a support conversation with
 * ?conversation=<id>, or for a caller on the phone), read the code out, follow the consent
 * live, ask for each step in turn, watch the customer's screen in a <video> and draw on
 * it (the drawings go over the WebRTC data channel, or through the server when it is not
 * open), end the session and see its summary and whether its log is intact.
 */
@Component({
  selector: 'mer-remote-support-agent',
  imports: [FormsModule, UiBadge, UiButton, UiInput],
  templateUrl: './agent-page.html',
  styleUrl: './remote-support.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentPage implements OnInit, OnDestroy {
  private readonly api = inject(RemoteSupportApi);
  private readonly realtime = inject(RealtimeService);
  private readonly route = inject(ActivatedRoute);
  private readonly me = inject(SessionStore);

  protected readonly steps = STEPS;
  protected readonly stepLabel = STEP_LABEL;
  protected readonly consentLine = consentLine;
  protected readonly stateLabel = STATE_LABEL;
  protected readonly tone = TONE;

  protected conversationId: number | null = null;
  protected chatText = '';

  protected readonly sessions = signal<RemoteSupportSession[]>([]);
  protected readonly current = signal<RemoteSupportSession | null>(null);
  protected readonly code = signal<{ code: string; expires: number } | null>(null);
  protected readonly customerConnected = signal(false);
  protected readonly summary = signal<RemoteSupportSummary | null>(null);
  protected readonly error = signal('');
  protected readonly notice = signal('');
  protected readonly busy = signal(false);
  protected readonly frames = signal(0);
  protected readonly drawn = signal(0);
  protected readonly chat = signal<{ from: string; text: string; at: number }[]>([]);
  protected readonly log = signal<LogEntry[] | null>(null);
  protected readonly intact = signal<boolean | null>(null);
  /** Supervisors: requests waiting for their decision (null: not a supervisor). */
  protected readonly approvals = signal<RemoteSupportSession[] | null>(null);
  protected readonly reasons: Record<number, string> = {};
  /** Admins: customers marked sensitive, and the directory search to mark one. */
  protected readonly sensitive = signal<SensitiveCustomer[] | null>(null);
  protected readonly hits = signal<CustomerHit[]>([]);
  /** Customers waiting for an agent (null: not staff who start sessions), read every 5 s. */
  protected readonly queue = signal<SupportRequest[] | null>(null);
  private queueReadAt = 0;
  /** When each request arrived by an event (its waiting_ms is from then), else queueReadAt. */
  private readonly receivedAt = new Map<number, number>();
  protected readonly tick = signal(Date.now());
  /** Admins: per-agent figures. */
  protected readonly figures = signal<AgentFigures[] | null>(null);
  /** Admins: the minimum consent policy in force, and the choice to set it. */
  protected readonly policy = signal<ConsentPolicy | null>(null);
  protected policyChoice = 3;
  protected customerQuery = '';
  protected sensitiveNote = '';
  protected readonly needsApproval = computed(() => {
    const s = this.current();
    return !!s && s.status !== 'ended' && needsApproval(s);
  });
  protected readonly stream = computed(() => this.link()?.remoteStream() ?? null);
  protected readonly next = computed(() => {
    const s = this.current();
    return s ? nextAsk(s) : null;
  });
  /** Steps the session's (lowered) consent policy lets the agent ask as one question. */
  protected readonly nextTogether = computed(() => {
    const s = this.current();
    return s ? nextAskTogether(s) : null;
  });
  protected readonly viewing = computed(() => {
    const s = this.current();
    return !!s && s.consent.view === 'granted' && !!this.stream();
  });

  private readonly video = viewChild<ElementRef<HTMLVideoElement>>('video');
  private readonly canvas = viewChild<ElementRef<HTMLCanvasElement>>('canvas');
  private readonly link = signal<ScreenLink | null>(null);
  private iceServers: RTCIceServer[] = [];
  private subscriptions: Subscription[] = [];
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private stroke: [number, number][] | null = null;

  constructor() {
    effect(() => {
      const el = this.video()?.nativeElement;
      const stream = this.stream();
      if (el && el.srcObject !== stream) el.srcObject = stream;
      if (!stream) this.frames.set(0);
    });
  }

  async ngOnInit(): Promise<void> {
    const q = this.route.snapshot.queryParamMap;
    const conversation = Number(q.get('conversation'));
    this.conversationId = Number.isInteger(conversation) && conversation > 0 ? conversation : null;
    const rt = this.realtime;
    const mine = <T extends { session_id: number }>(m: T) => m.session_id === this.current()?.id;
    this.subscriptions = [
      rt.messages('remote_support.state').pipe(filter(mine)).subscribe((m) => this.onState(m.session, m.customer_connected)),
      rt.messages('remote_support.ended').pipe(filter(mine)).subscribe((m) => this.onEnded(m.summary)),
      rt.messages('remote_support.chat').pipe(filter(mine)).subscribe((m) => this.chat.update((c) => [...c, { from: m.from, text: m.text, at: Date.now() }])),
      rt.messages('remote_support.left').pipe(filter(mine)).subscribe((m) => this.notice.set(m.reason)),
      rt.statusChanges.pipe(filter((s) => s === 'connected')).subscribe(() => void this.join()),
      // The queue lives on /ws; it is read again over REST only on (re)connecting.
      rt.messages('hello').subscribe(() => {
        void this.loadQueue();
        void this.reload();
      }),
      // Each session's consent and pause, live in the list (every session of this agent).
      rt.messages('remote_support.session_updated').subscribe((m) =>
        this.sessions.update((list) => (list.some((s) => s.id === m.session_id) ? list.map((s) => (s.id === m.session_id ? m.session : s)) : [m.session, ...list])),
      ),
      queueEvents(rt).subscribe((e) => {
        const list = this.queue();
        if (!list) return;
        this.receivedAt.set(e.request.id, Date.now());
        this.queue.set(applyQueueEvent(list, e));
      }),
      // Supervisors hear requests live; the agent hears the decision at once.
      rt.messages('remote_support.approval_requested').subscribe(() => void this.loadApprovals()),
      rt.messages('remote_support.approval_decided').subscribe((m) => {
        void this.loadApprovals();
        if (mine(m)) this.onState(m.session, this.customerConnected());
      }),
    ];
    void this.loadApprovals();
    if (this.me.isAdmin()) {
      void this.loadSensitive();
      void this.loadFigures();
      void this.loadPolicy();
    }
    this.statsTimer = setInterval(() => {
      void this.pollFrames();
      this.tick.set(Date.now());
    }, 1000);
    void this.loadQueue();
    await this.reload();
    const open = Number(q.get('session'));
    if (Number.isInteger(open) && open > 0) await this.open(open);
  }

  ngOnDestroy(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.link()?.destroy();
  }

  protected async start(): Promise<void> {
    this.error.set('');
    this.busy.set(true);
    try {
      const started = await this.api.start(this.conversationId ? { conversation_id: this.conversationId } : {});
      await this.select(started.session);
      this.code.set({ code: started.code, expires: started.code_expires_at });
      await this.reload();
    } catch (e) {
      this.error.set(errorMessage(e));
    } finally {
      this.busy.set(false);
    }
  }

  /** Accepts a waiting customer: the session is started for them, with its code. */
  protected async accept(q: SupportRequest): Promise<void> {
    this.error.set('');
    try {
      const started = await this.api.accept(q.id);
      await this.select(started.session);
      this.code.set({ code: started.code, expires: started.code_expires_at });
      await Promise.all([this.reload(), this.loadQueue()]);
    } catch (e) {
      this.error.set(errorMessage(e));
      await this.loadQueue();
    }
  }

  /** The steps allowed now, for tests and tools: "chat,view". */
  protected granted(s: RemoteSupportSession): string {
    return this.steps.filter((step) => s.consent[step] === 'granted').join(',');
  }

  /** How long a request has waited, counted on from when the queue was read. */
  protected waitedFor(q: SupportRequest): string {
    return formatDuration(q.waiting_ms + Math.max(0, this.tick() - (this.receivedAt.get(q.id) ?? this.queueReadAt)));
  }

  protected ms(value: number | null): string {
    return value === null ? '–' : formatDuration(value);
  }

  protected async open(id: number): Promise<void> {
    try {
      await this.select(await this.api.get(id));
    } catch (e) {
      this.error.set(errorMessage(e));
    }
  }

  protected async newCode(): Promise<void> {
    const s = this.current();
    if (!s) return;
    try {
      const c = await this.api.newCode(s.id);
      this.code.set({ code: c.code, expires: c.code_expires_at });
    } catch (e) {
      this.notice.set(errorMessage(e));
    }
  }

  protected async ask(step: ConsentStep): Promise<void> {
    const s = this.current();
    if (!s) return;
    this.notice.set('');
    await this.realtime.request('remote_support.ask', { session_id: s.id, step }).catch((e: Error) => this.notice.set(e.message));
  }

  protected async askTogether(steps: ConsentStep[]): Promise<void> {
    const s = this.current();
    if (!s) return;
    this.notice.set('');
    await this.realtime.request('remote_support.ask', { session_id: s.id, steps }).catch((e: Error) => this.notice.set(e.message));
  }

  protected together(steps: ConsentStep[]): string {
    return steps.map((step) => this.stepLabel[step]).join(' + ');
  }

  /** Admins set the minimum consent policy: lowering it is audited and shown to customers. */
  protected async savePolicy(): Promise<void> {
    this.error.set('');
    try {
      const p = await this.api.setConsentPolicy(Number(this.policyChoice));
      this.policy.set(p);
      this.policyChoice = p.separate_questions;
    } catch (e) {
      this.error.set(errorMessage(e));
    }
  }

  protected async requestApproval(): Promise<void> {
    const s = this.current();
    if (!s) return;
    this.notice.set('');
    try {
      this.current.set(await this.api.requestApproval(s.id));
    } catch (e) {
      this.notice.set(errorMessage(e));
    }
  }

  protected async decide(s: RemoteSupportSession, approve: boolean): Promise<void> {
    this.error.set('');
    try {
      await this.api.decide(s.id, approve, this.reasons[s.id] ?? '');
      delete this.reasons[s.id];
      await this.loadApprovals();
    } catch (e) {
      this.error.set(errorMessage(e));
    }
  }

  protected async searchCustomers(): Promise<void> {
    const q = this.customerQuery.trim();
    if (!q) return this.hits.set([]);
    try {
      this.hits.set((await this.api.findCustomers(q)).items);
    } catch (e) {
      this.error.set(errorMessage(e));
    }
  }

  protected async mark(c: CustomerHit): Promise<void> {
    try {
      await this.api.markSensitive(c.id, this.sensitiveNote.trim());
      this.hits.set([]);
      this.customerQuery = '';
      this.sensitiveNote = '';
      await this.loadSensitive();
    } catch (e) {
      this.error.set(errorMessage(e));
    }
  }

  protected async unmark(c: SensitiveCustomer): Promise<void> {
    try {
      await this.api.unmarkSensitive(c.customer_id);
      await this.loadSensitive();
    } catch (e) {
      this.error.set(errorMessage(e));
    }
  }

  protected async end(): Promise<void> {
    const s = this.current();
    if (!s) return;
    try {
      const ended = await this.api.end(s.id);
      this.current.set(ended);
      if (ended.summary) this.onEnded(ended.summary);
    } catch (e) {
      this.notice.set(errorMessage(e));
    }
  }

  protected async sendChat(e: Event): Promise<void> {
    e.preventDefault();
    const s = this.current();
    const text = this.chatText.trim();
    if (!s || !text) return;
    try {
      await this.realtime.request('remote_support.chat', { session_id: s.id, text });
      this.chat.update((c) => [...c, { from: 'agent', text, at: Date.now() }]);
      this.chatText = '';
    } catch (err) {
      this.notice.set((err as Error).message);
    }
  }

  protected async showLog(): Promise<void> {
    const s = this.current();
    if (!s) return;
    try {
      const [log, check] = await Promise.all([this.api.log(s.id), this.api.verify(s.id)]);
      this.log.set(log.items);
      this.intact.set(check.intact);
    } catch (e) {
      this.notice.set(errorMessage(e));
    }
  }

  // ---- drawing on the customer's picture
  protected penDown(e: PointerEvent): void {
    if (this.current()?.consent.annotate !== 'granted') return;
    (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
    this.stroke = [this.point(e)];
  }

  protected penMove(e: PointerEvent): void {
    if (!this.stroke) return;
    this.stroke.push(this.point(e));
    this.paint(this.stroke);
  }

  protected async penUp(e: PointerEvent): Promise<void> {
    const points = this.stroke;
    this.stroke = null;
    const link = this.link();
    if (!points || !link) return;
    points.push(this.point(e));
    const annotation: Annotation = { kind: points.length > 2 ? 'stroke' : 'pointer', color: this.penColor(), points: points.slice(0, 500) };
    try {
      await link.annotate(annotation);
      this.drawn.update((n) => n + 1);
    } catch (err) {
      this.notice.set((err as Error).message);
    }
  }

  protected clearDrawing(): void {
    const c = this.canvas()?.nativeElement;
    c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
  }

  protected when(at: number | null | undefined): string {
    return formatDate(at ?? null, 'short');
  }

  protected time(at: number | null | undefined): string {
    return formatDate(at ?? null, 'time');
  }

  protected waited(s: RemoteSupportSession): string {
    return formatDuration((s.redeemed_at ?? Date.now()) - s.created_at);
  }

  protected duration(ms: number): string {
    return formatDuration(ms);
  }

  protected grouped(code: string): string {
    return groupCode(code);
  }

  /** The pen is the design system's danger colour (no raw colours in feature code). */
  private penColor(): string {
    return getComputedStyle(document.documentElement).getPropertyValue('--danger').trim() || 'red';
  }

  /** Where the picture sits in the stage (the video is letterboxed): drawings are in its fractions. */
  private contentBox(): { x: number; y: number; w: number; h: number; r: DOMRect } | null {
    const c = this.canvas()?.nativeElement;
    if (!c) return null;
    const r = c.getBoundingClientRect();
    const v = this.video()?.nativeElement;
    const vw = v?.videoWidth || r.width;
    const vh = v?.videoHeight || r.height;
    const scale = Math.min(r.width / vw, r.height / vh);
    const w = vw * scale;
    const h = vh * scale;
    return { x: (r.width - w) / 2, y: (r.height - h) / 2, w, h, r };
  }

  private point(e: PointerEvent): [number, number] {
    const b = this.contentBox();
    if (!b) return [0, 0];
    const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
    return [clamp((e.clientX - b.r.left - b.x) / b.w), clamp((e.clientY - b.r.top - b.y) / b.h)];
  }

  private paint(points: [number, number][]): void {
    const c = this.canvas()?.nativeElement;
    const ctx = c?.getContext('2d');
    const b = this.contentBox();
    if (!c || !ctx || !b || points.length < 2) return;
    c.width = c.clientWidth;
    c.height = c.clientHeight;
    const at = ([x, y]: [number, number]): [number, number] => [b.x + x * b.w, b.y + y * b.h];
    ctx.strokeStyle = this.penColor();
    ctx.lineWidth = 4;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(...at(points[0]));
    for (const p of points.slice(1)) ctx.lineTo(...at(p));
    ctx.stroke();
  }

  private async select(s: RemoteSupportSession): Promise<void> {
    this.link()?.destroy();
    this.link.set(null);
    this.code.set(null);
    this.summary.set(s.status === 'ended' ? (s.summary ?? null) : null);
    this.chat.set([]);
    this.log.set(null);
    this.intact.set(null);
    this.drawn.set(0);
    this.notice.set('');
    this.current.set(s);
    if (s.status !== 'ended') await this.join();
  }

  private async join(): Promise<void> {
    const s = this.current();
    if (!s || s.status === 'ended' || this.realtime.status() !== 'connected') return;
    try {
      const ack = (await this.realtime.request('remote_support.join', { session_id: s.id })) as { ice_servers?: RTCIceServer[] };
      this.iceServers = ack.ice_servers ?? [];
      if (!this.link()) this.link.set(new ScreenLink(this.realtime, s.id, 'agent', this.iceServers));
    } catch (e) {
      this.notice.set((e as Error).message);
    }
  }

  private onState(s: RemoteSupportSession, customerConnected: boolean): void {
    this.current.set(s);
    this.customerConnected.set(customerConnected);
    if (s.status !== 'waiting') this.code.set(null);
    // Viewing withdrawn: the picture stops here at once (the server relays nothing more either).
    if (s.consent.view !== 'granted') {
      this.link()?.close();
      this.clearDrawing();
    }
    this.sessions.update((list) => list.map((x) => (x.id === s.id ? s : x)));
  }

  private onEnded(summary: RemoteSupportSummary): void {
    this.link()?.destroy();
    this.link.set(null);
    this.summary.set(summary);
    this.current.update((s) => (s ? { ...s, status: 'ended' } : s));
    void this.reload();
  }

  private async reload(): Promise<void> {
    try {
      this.sessions.set((await this.api.list()).items);
    } catch (e) {
      this.error.set(errorMessage(e));
    }
  }

  /** Only a supervisor may list the requests: anyone else is answered 403 and sees no panel. */
  private async loadApprovals(): Promise<void> {
    try {
      this.approvals.set((await this.api.approvals()).items);
    } catch {
      this.approvals.set(null);
    }
  }

  private async loadQueue(): Promise<void> {
    this.queueReadAt = Date.now();
    try {
      this.queue.set((await this.api.queue()).items);
      this.queueReadAt = Date.now();
      this.receivedAt.clear();
    } catch {
      this.queue.set(null);
    }
  }

  private async loadFigures(): Promise<void> {
    try {
      this.figures.set((await this.api.figures()).agents);
    } catch {
      this.figures.set(null);
    }
  }

  private async loadPolicy(): Promise<void> {
    try {
      const p = await this.api.consentPolicy();
      this.policy.set(p);
      this.policyChoice = p.separate_questions;
    } catch {
      this.policy.set(null);
    }
  }

  private async loadSensitive(): Promise<void> {
    try {
      this.sensitive.set((await this.api.sensitiveCustomers()).items);
    } catch {
      this.sensitive.set(null);
    }
  }

  private async pollFrames(): Promise<void> {
    const link = this.link();
    if (link && this.stream()) this.frames.set(await link.framesDecoded());
  }
}
