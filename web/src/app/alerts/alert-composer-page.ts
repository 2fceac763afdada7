import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { countryOptions } from '../admin/countries';
import { ApiClient } from '../core/api-client';
import { ApiError } from '../core/api-error';
import { TeamSummary } from '../core/api-types';
import { SessionStore } from '../core/session.store';
import { UiBadge } from '../ui/badge';
import { UiButton } from '../ui/button';
import { UiDialog } from '../ui/dialog';
import { UiInput } from '../ui/form-controls';
import { UiIcon } from '../ui/icon';
import { Toasts } from '../ui/toast';
import { AlertAudience, AlertCategory, AlertPriority, AudienceCount, AlertsApi, CATEGORIES, EscalationStepInput, NewAlert, PRIORITIES } from './alerts-api';
import { ledTeamIds } from './alert-access';
import { CATEGORY_WORD, PRIORITY_LOOK, describeAudience } from './alert-format';
import { Repeat, WEEKDAYS, buildRrule, timeZones } from './alert-schedule-format';
import { PersonPicker, PersonRef } from './person-picker';

type AckRule = 'first' | 'everyone' | 'quorum';

/** Roles an internal alert can reach (customers and guests never receive one). */
const AUDIENCE_ROLES = [
  { id: 'employee', label: 'Employees' },
  { id: 'agent', label: 'Support agents' },
  { id: 'admin', label: 'Admins' },
];

const PREVIEW_DELAY_MS = 400;

/**
 * /alerts/new: title, body, priority, category, the audience (countries, teams, people,
 * roles, minus people), the acknowledgement rule, and the live recipient count from
 * POST /alerts/preview ("412 people: 300 in DE, 80 in AT"), then send now or schedule
 * (a wall-clock time in a time zone, or in each recipient's own, once or repeating).
 * Admins choose any audience; a team lead only the teams they lead (and exclusions): the
 * server refuses anything else, so nothing else is offered (?when=later opens "Later").
 */
@Component({
  selector: 'mer-alert-composer-page',
  imports: [RouterLink, UiBadge, UiButton, UiIcon, UiInput, PersonPicker],
  templateUrl: './alert-composer-page.html',
  styleUrl: './alert-composer-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertComposerPage {
  private readonly api = inject(AlertsApi);
  private readonly core = inject(ApiClient);
  private readonly dialogs = inject(UiDialog);
  private readonly toasts = inject(Toasts);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);

  /** Admins send to anyone; a lead to the teams they lead only. */
  protected readonly isAdmin = this.session.isAdmin;
  protected readonly ledIds = computed(() => ledTeamIds(this.session.user()));
  protected readonly weekdays = WEEKDAYS;
  protected readonly zones = timeZones(this.session.user()?.time_zone);

  protected readonly priorities = PRIORITIES;
  protected readonly categories = CATEGORIES;
  protected readonly look = PRIORITY_LOOK;
  protected readonly categoryWord = CATEGORY_WORD;
  protected readonly roleOptions = AUDIENCE_ROLES;
  protected readonly countryList = countryOptions();

  protected readonly title = signal('');
  protected readonly body = signal('');
  protected readonly priority = signal<AlertPriority>('info');
  protected readonly category = signal<AlertCategory>('announcement');
  protected readonly countries = signal<string[]>([]);
  protected readonly teamIds = signal<number[]>([]);
  protected readonly people = signal<PersonRef[]>([]);
  protected readonly roles = signal<string[]>([]);
  protected readonly excluded = signal<PersonRef[]>([]);
  protected readonly ackRule = signal<AckRule>('first');
  protected readonly steps = signal<EscalationStepInput[]>([]);
  protected readonly quorumCount = signal(2);
  protected readonly quorumCountries = signal<string[]>([]);

  protected readonly teams = signal<TeamSummary[]>([]);
  protected readonly teamsError = signal('');
  protected readonly count = signal<AudienceCount | null>(null);
  protected readonly counting = signal(false);
  protected readonly countError = signal('');
  protected readonly sending = signal(false);
  protected readonly error = signal('');
  protected readonly submitted = signal(false);

  // When: now, or later at a wall-clock time in a zone (or each recipient's own), maybe repeating.
  protected readonly later = signal(inject(ActivatedRoute).snapshot.queryParamMap.get('when') === 'later');
  protected readonly date = signal('');
  protected readonly time = signal('09:00');
  protected readonly zone = signal(this.session.user()?.time_zone || 'UTC');
  protected readonly recipientLocal = signal(false);
  protected readonly repeat = signal<Repeat>('none');
  protected readonly days = signal<string[]>([]);
  protected readonly times = signal<number | null>(null);
  protected readonly whenMissing = computed(() => this.later() && (!/^\d{4}-\d{2}-\d{2}$/.test(this.date()) || !/^\d{2}:\d{2}$/.test(this.time())));
  /** The teams offered: all (admins) or those I lead. */
  protected readonly teamChoices = computed(() => {
    const ids = this.ledIds();
    return this.isAdmin() ? this.teams() : this.teams().filter((t) => ids.includes(t.id));
  });

  protected readonly audience = computed<AlertAudience>(() => {
    const a: AlertAudience = {};
    if (this.countries().length) a.countries = this.countries();
    if (this.teamIds().length) a.team_ids = this.teamIds();
    if (this.people().length) a.user_ids = this.people().map((p) => p.id);
    if (this.roles().length) a.roles = this.roles();
    if (this.excluded().length) a.exclude_user_ids = this.excluded().map((p) => p.id);
    return a;
  });
  protected readonly audienceEmpty = computed(() => {
    const a = this.audience();
    return !a.countries && !a.team_ids && !a.user_ids && !a.roles;
  });
  protected readonly countText = computed(() => {
    const c = this.count();
    return c ? describeAudience(c) : '';
  });
  protected readonly interrupts = computed(() => this.priority() === 'critical' || this.category() === 'emergency');
  protected readonly titleMissing = computed(() => this.title().trim() === '');
  protected readonly canSend = computed(
    () =>
      !this.titleMissing() &&
      !this.audienceEmpty() &&
      !this.whenMissing() &&
      (this.count()?.recipient_count ?? 0) > 0 &&
      !this.sending(),
  );
  protected readonly sendHint = computed(() => {
    if (this.titleMissing()) return 'Give the alert a title.';
    if (this.audienceEmpty())
      return this.isAdmin() ? 'Choose who receives it: countries, teams, people or roles.' : 'Choose one of the teams you lead.';
    if (this.whenMissing()) return 'Give the date and time to send it.';
    if (this.counting() || !this.count()) return 'Counting recipients…';
    if (this.count()?.recipient_count === 0) return 'Nobody matches this audience.';
    return '';
  });
  protected countryLabel(code: string): string {
    return this.countryList.find((c) => c.code === code)?.label ?? code;
  }

  private previewTimer: ReturnType<typeof setTimeout> | null = null;
  private previewSeq = 0;

  constructor() {
    void this.loadTeams();
    // The live count: one preview a moment after the audience stops changing.
    effect(() => {
      const audience = this.audience();
      const empty = this.audienceEmpty();
      untracked(() => this.schedulePreview(audience, empty));
    });
    inject(DestroyRef).onDestroy(() => {
      if (this.previewTimer) clearTimeout(this.previewTimer);
    });
  }

  private async loadTeams(): Promise<void> {
    try {
      // Admins read Admin -> Teams; a lead the directory's list (the admin one is closed to them).
      this.teams.set((this.isAdmin() ? await this.core.listTeams() : await this.api.teams()).items);
    } catch (e) {
      this.teamsError.set(e instanceof ApiError ? e.message : 'The teams could not be loaded.');
    }
  }

  private schedulePreview(audience: AlertAudience, empty: boolean): void {
    if (this.previewTimer) clearTimeout(this.previewTimer);
    const seq = ++this.previewSeq;
    this.countError.set('');
    if (empty) {
      this.count.set(null);
      this.counting.set(false);
      return;
    }
    this.counting.set(true);
    this.previewTimer = setTimeout(async () => {
      try {
        const count = await this.api.preview(audience);
        if (seq === this.previewSeq) this.count.set(count);
      } catch (e) {
        if (seq === this.previewSeq) {
          this.count.set(null);
          this.countError.set(e instanceof ApiError ? e.message : 'The recipients could not be counted.');
        }
      } finally {
        if (seq === this.previewSeq) this.counting.set(false);
      }
    }, PREVIEW_DELAY_MS);
  }

  protected addCountry(select: HTMLSelectElement, target: 'audience' | 'quorum' = 'audience'): void {
    const code = select.value;
    select.value = '';
    if (!code) return;
    const list = target === 'audience' ? this.countries : this.quorumCountries;
    if (!list().includes(code)) list.set([...list(), code]);
  }

  protected removeCountry(code: string, target: 'audience' | 'quorum' = 'audience'): void {
    const list = target === 'audience' ? this.countries : this.quorumCountries;
    list.set(list().filter((c) => c !== code));
  }

  protected toggle<T>(list: { (): T[]; set(v: T[]): void }, value: T, on: boolean): void {
    const current = list();
    list.set(on ? [...current.filter((v) => v !== value), value] : current.filter((v) => v !== value));
  }

  protected onText(target: 'title' | 'body', event: Event): void {
    const value = (event.target as HTMLInputElement | HTMLTextAreaElement).value;
    (target === 'title' ? this.title : this.body).set(value);
  }

  protected onWhen(target: 'date' | 'time', event: Event): void {
    (target === 'date' ? this.date : this.time).set((event.target as HTMLInputElement).value);
  }

  protected onTimes(event: Event): void {
    const n = Number((event.target as HTMLInputElement).value);
    this.times.set(Number.isFinite(n) && n >= 1 ? Math.floor(n) : null);
  }

  protected onQuorumCount(event: Event): void {
    const n = Number((event.target as HTMLInputElement).value);
    this.quorumCount.set(Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1);
  }

  protected async send(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (!this.canSend()) return;
    const recipients = this.count()?.recipient_count ?? 0;
    if (this.interrupts() && !this.later()) {
      const ok = await this.dialogs.confirm({
        title: 'Send a critical alert?',
        message: `It opens on top of the screen of ${describeAudience(this.count()!)} and stays until each acknowledges it.`,
        confirmLabel: `Send to ${recipients.toLocaleString()} ${recipients === 1 ? 'person' : 'people'}`,
        danger: true,
      });
      if (!ok) return;
    }
    const body: NewAlert = {
      title: this.title().trim(),
      body: this.body().trim(),
      priority: this.priority(),
      category: this.category(),
      audience: this.audience(),
    };
    if (this.ackRule() === 'everyone') body.require_ack = true;
    if (this.steps().length) body.escalation = [...this.steps()].sort((a, b) => a.after_minutes - b.after_minutes);
    if (this.ackRule() === 'quorum') {
      body.quorum = { count: this.quorumCount() };
      if (this.quorumCountries().length) body.quorum.countries = this.quorumCountries();
    }
    this.sending.set(true);
    this.error.set('');
    if (this.later()) {
      await this.scheduleIt(body);
      return;
    }
    try {
      const sent = await this.api.send(body);
      this.toasts.show(
        sent.deduplicated ? `Updated the open alert “${sent.title}”` : `Sent to ${sent.recipient_count.toLocaleString()} ${sent.recipient_count === 1 ? 'person' : 'people'}`,
        { tone: 'ok' },
      );
      await this.router.navigate(['/alerts', sent.id]);
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : 'The alert could not be sent; try again.');
    } finally {
      this.sending.set(false);
    }
  }

  private async scheduleIt(alert: NewAlert): Promise<void> {
    const monthDay = Number(this.date().slice(8, 10)) || 1;
    const rrule = buildRrule(this.repeat(), this.days(), monthDay, this.times());
    try {
      await this.api.schedule({
        alert,
        at: `${this.date()}T${this.time()}`,
        ...(this.recipientLocal() ? { recipient_local: true } : { time_zone: this.zone() }),
        ...(rrule ? { rrule } : {}),
      });
      this.toasts.show(`Scheduled “${alert.title}”`, { tone: 'ok' });
      await this.router.navigate(['/alerts/schedules']);
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : 'The alert could not be scheduled; try again.');
    } finally {
      this.sending.set(false);
    }
  }

  protected addStep(): void {
    const last = this.steps().at(-1);
    this.steps.update((list) => [...list, { after_minutes: last ? last.after_minutes + 15 : 15, notify: last ? 'leads' : 'again' }]);
  }

  protected removeStep(i: number): void {
    this.steps.update((list) => list.filter((_, n) => n !== i));
  }

  protected onStepMinutes(i: number, e: Event): void {
    const n = Math.round(Number((e.target as HTMLInputElement).value));
    const minutes = Number.isFinite(n) ? Math.min(10080, Math.max(1, n)) : 1;
    this.steps.update((list) => list.map((s, k) => (k === i ? { ...s, after_minutes: minutes } : s)));
  }

  protected onStepNotify(i: number, e: Event): void {
    const notify = (e.target as HTMLSelectElement).value === 'leads' ? 'leads' : 'again';
    this.steps.update((list) => list.map((s, k) => (k === i ? { ...s, notify } : s)));
  }
}
