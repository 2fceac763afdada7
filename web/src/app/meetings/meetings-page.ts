import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { merge } from 'rxjs';
import { ApiError } from '../core/api-error';
import { LocalDatePipe } from '../core/local-date.pipe';
import { RealtimeService } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { canHostMeetings } from './meetings-access';
import './meeting-events';
import { MeetingSummary, MeetingsApi } from './meetings-api';
import { SchedulingApi, SuggestedSlot } from '../availability/availability-api';
import { slotSentence } from '../availability/overlap-logic';
import { UiBadge, UiButton, UiDialog, UiEmptyState, UiInput, UiSwitch } from '../ui';

/** Someone (or a team) to invite: people and customers by user id, teams by team id. */
export interface InviteCandidate {
  kind: 'person' | 'customer' | 'team';
  id: number;
  name: string;
  label: string;
}

/** datetime-local value (the browser's zone) for UTC milliseconds. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * /meetings — start an instant meeting, schedule one, and the meetings you host or are invited to.
 * Someone the server does not let host (a customer) sees only their invitations, each with Join.
 */
@Component({
  selector: 'mer-meetings-page',
  imports: [FormsModule, LocalDatePipe, NgTemplateOutlet, RouterLink, UiBadge, UiButton, UiEmptyState, UiInput, UiSwitch],
  template: `
    <section class="page">
      <header class="page-header">
        <div>
          <h1>Meetings</h1>
          @if (canHost()) {
            <p>Start a call now, or schedule one and invite people, customers and teams.</p>
          } @else {
            <p>The meetings you are invited to. Join from here, or from the link in your invitation.</p>
          }
        </div>
        @if (canHost()) {
          <button type="button" uiButton="primary" (click)="startInstant()" data-testid="start-instant">Start an instant meeting</button>
        }
      </header>
      @if (error(); as e) { <p role="alert" class="alert alert-error">{{ e }}</p> }
      @if (notice(); as n) { <p role="status" class="alert alert-info" data-testid="meetings-notice">{{ n }}</p> }
      <div class="layout" [class.single]="!canHost()">
        @if (canHost()) {
        <form class="card schedule" (ngSubmit)="schedule()">
          <h2>Schedule a meeting</h2>
          <label class="field"><span>Title</span> <input uiInput name="title" [(ngModel)]="title" required maxlength="200" data-testid="schedule-title" /></label>
          <div class="row">
            <label class="field"><span>Starts (your local time)</span> <input uiInput type="datetime-local" name="start" [(ngModel)]="start" required data-testid="schedule-start" /></label>
            <label class="field narrow"><span>Duration (minutes)</span> <input uiInput type="number" name="duration" [(ngModel)]="duration" min="1" max="1440" /></label>
          </div>
          @if (editing() === null) {
            <fieldset class="invite" data-testid="invite-picker">
              <legend>Invite</legend>
              <input uiInput type="search" name="inviteQuery" [(ngModel)]="inviteQuery" (ngModelChange)="searchInvitees($event)" placeholder="Search people, customers, teams" aria-label="Search people, customers and teams to invite" data-testid="invite-search" />
              <ng-container *ngTemplateOutlet="inviteLists" />
              @if (invitedPeople().length) {
                <div class="suggest">
                  <button type="button" uiButton uiSize="sm" (click)="suggestTimes()" [disabled]="suggesting()" data-testid="suggest-times">Suggest times</button>
                  <a uiButton="ghost" uiSize="sm" routerLink="/availability" [queryParams]="{ user_ids: overlapIds() }" data-testid="invite-overlap">Overlap hours</a>
                </div>
                @if (slots(); as list) {
                  @if (list.length) {
                    <ul class="slots" aria-label="Suggested times">
                      @for (s of list; track s.start) {
                        <li><button type="button" uiButton uiSize="sm" [class.picked]="pickedSlot() === s.start" (click)="pickSlot(s)" data-testid="suggested-slot">{{ slotLabel(s) }}</button></li>
                      }
                    </ul>
                  } @else { <p class="muted" data-testid="no-slots">No time in the next 7 days suits everyone: holidays, days off or meetings fill it.</p> }
                }
              }
            </fieldset>
          }
          <div><button type="submit" uiButton="primary" [disabled]="!title || !start">Schedule</button></div>
        </form>
        }
        <section class="meetings" aria-labelledby="your-meetings">
          <h2 id="your-meetings">{{ canHost() ? 'Your meetings' : 'Your invitations' }}</h2>
          <ul class="list" data-testid="meetings-list">
            @for (m of meetings(); track m.id) {
              <li class="card meeting" [class.cancelled]="m.cancelled_at">
                <div class="meeting-head">
                  <a class="meeting-title" [routerLink]="['/meet', m.code]">{{ m.title }}</a>
                  @if (m.cancelled_at) {
                    <ui-badge tone="danger" data-testid="meeting-cancelled">Cancelled</ui-badge>
                  } @else {
                    <span class="head-end">
                      <ui-badge [tone]="m.kind === 'scheduled' ? 'info' : 'neutral'">{{ m.kind }}</ui-badge>
                      <a uiButton="primary" uiSize="sm" [routerLink]="['/meet', m.code]" data-testid="meeting-join">Join</a>
                    </span>
                  }
                </div>
                <small class="meta">
                  {{ m.my_role }}
                  @if (m.my_start && m.starts_at) { · <time [attr.datetime]="m.my_start.local" data-testid="meeting-start">{{ m.starts_at | localDate: 'medium' : m.my_start.time_zone }}</time> ({{ m.my_start.time_zone }}) }
                </small>
                <code class="join-url">{{ m.join_url }}</code>
                @if (m.invitees.length) {
                  <small class="meta" data-testid="meeting-invitees">Invited: @for (i of m.invitees; track i.user_id) {<span>{{ i.display_name }}@if (i.local_start && m.starts_at) { ({{ m.starts_at | localDate: 'time' : i.time_zone }} {{ i.time_zone }})}@if (!$last) {, }</span>}</small>
                }
                @if (!m.cancelled_at && m.my_role === 'host' && m.kind === 'scheduled') {
                  @if (editing() === m.id) {
                    <form class="edit" (ngSubmit)="saveEdit(m)" data-testid="meeting-edit">
                      <div class="row">
                        <label class="field"><span>Title</span> <input uiInput name="editTitle" [(ngModel)]="editTitle" required maxlength="200" /></label>
                        <label class="field"><span>Starts (your local time)</span> <input uiInput type="datetime-local" name="editStart" [(ngModel)]="editStart" required data-testid="edit-start" /></label>
                      </div>
                      <fieldset class="invite" data-testid="edit-invite-picker">
                        <legend>Invited</legend>
                        <input uiInput type="search" name="editInviteQuery" [(ngModel)]="inviteQuery" (ngModelChange)="searchInvitees($event)" placeholder="Add people, customers, teams" aria-label="Search people, customers and teams to invite" data-testid="edit-invite-search" />
                        <ng-container *ngTemplateOutlet="inviteLists" />
                      </fieldset>
                      <div class="checks">
                        <label class="check"><input type="checkbox" uiSwitch name="editLobby" [(ngModel)]="editLobby" /> People outside the organisation wait in the lobby</label>
                        <label class="check"><input type="checkbox" uiSwitch name="editShare" [(ngModel)]="editShare" data-testid="edit-guests-share" /> Guests may share their screen</label>
                      </div>
                      <div class="buttons">
                        <button type="submit" uiButton="primary" data-testid="edit-save">Save</button>
                        <button type="button" uiButton (click)="endEdit()">Cancel editing</button>
                      </div>
                    </form>
                  } @else {
                    <div class="buttons">
                      <button type="button" uiButton uiSize="sm" (click)="beginEdit(m)" data-testid="meeting-reschedule">Edit</button>
                      <button type="button" uiButton="danger-quiet" uiSize="sm" (click)="cancelMeeting(m)" data-testid="meeting-cancel">Cancel meeting</button>
                    </div>
                  }
                }
              </li>
            } @empty {
              <li>
                @if (canHost()) {
                  <ui-empty-state heading="No meetings yet" text="Start an instant meeting, or schedule one: meetings you host or are invited to appear here." />
                } @else {
                  <ui-empty-state heading="No invitations yet" text="When someone invites you to a meeting, it appears here with a Join button." />
                }
              </li>
            }
          </ul>
        </section>
      </div>
    </section>
    <!-- The picker's suggestions and chips, the same when scheduling and when editing. -->
    <ng-template #inviteLists>
      @if (suggestions().length) {
        <ul class="suggestions" aria-label="Suggestions">
          @for (c of suggestions(); track c.kind + c.id) {
            <li><button type="button" uiButton uiSize="sm" (click)="addInvitee(c)" data-testid="invite-suggestion" [attr.data-name]="c.name">+ {{ c.name }} <small class="muted">{{ c.label }}</small></button></li>
          }
        </ul>
      }
      <ul class="chips" aria-label="Invited">
        @for (c of invitees(); track c.kind + c.id) {
          <li class="chip" data-testid="invitee-chip">{{ c.name }} <small>{{ c.label }}</small> <button type="button" uiButton="icon" uiSize="sm" class="chip-remove" (click)="removeInvitee(c)" [attr.aria-label]="'Remove ' + c.name">×</button></li>
        }
      </ul>
    </ng-template>
  `,
  styles: `
    .layout { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: var(--space-6); align-items: start; }
    .layout.single { grid-template-columns: minmax(0, 1fr); max-width: 48rem; }
    @media (max-width: 860px) { .layout { grid-template-columns: minmax(0, 1fr); } }
    .head-end { display: inline-flex; align-items: center; gap: var(--space-2); }
    .schedule h2 { margin-bottom: var(--space-4); }
    .row > .field.narrow { flex: 0 1 9rem; }
    .invite { display: grid; gap: var(--space-2); }
    .suggest { display: flex; gap: var(--space-2); flex-wrap: wrap; }
    .slots { list-style: none; padding: 0; margin: 0; display: grid; gap: var(--space-1); }
    .slots button { text-align: left; white-space: normal; height: auto; }
    .slots .picked { outline: 2px solid var(--brand); }
    .suggestions, .chips, .list { list-style: none; padding: 0; margin: 0; }
    .suggestions, .chips { display: flex; flex-wrap: wrap; gap: var(--space-2); }
    .chip {
      display: inline-flex; align-items: center; gap: var(--space-1); padding: 0 var(--space-1) 0 var(--space-3);
      border-radius: var(--radius-full); background: var(--brand-soft); color: var(--brand-strong); font-weight: var(--weight-bold);
    }
    .chip small { font-weight: normal; color: var(--text-muted); }
    .chip-remove { border-color: transparent; background: transparent; color: inherit; }
    .list { display: grid; gap: var(--space-3); }
    .meeting { display: flex; flex-direction: column; gap: var(--space-1); }
    .meeting.cancelled .meeting-title { text-decoration: line-through; color: var(--text-muted); }
    .meeting-head { display: flex; align-items: center; gap: var(--space-2); justify-content: space-between; }
    .meeting-title { font-weight: var(--weight-bold); font-size: var(--text-lg); overflow-wrap: anywhere; }
    .join-url { color: var(--text-muted); font-size: var(--text-xs); overflow-wrap: anywhere; }
    .edit { margin-top: var(--space-3); padding-top: var(--space-3); border-top: 1px solid var(--border); }
    .checks { flex-direction: column; margin-bottom: var(--space-4); }
    .buttons { display: flex; flex-wrap: wrap; gap: var(--space-2); margin-top: var(--space-2); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MeetingsPage {
  private readonly api = inject(MeetingsApi);
  private readonly scheduling = inject(SchedulingApi);
  private readonly router = inject(Router);
  private readonly dialogs = inject(UiDialog);
  /** Start and Schedule are offered only to whom the server lets host. */
  private readonly session = inject(SessionStore);
  protected readonly canHost = computed(() => canHostMeetings(this.session.user()));
  protected readonly meetings = signal<MeetingSummary[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected editLobby = true;
  protected editShare = false;
  protected title = '';
  protected start = '';
  // Suggested times for me and the people invited (scheduling API, issue 14).
  protected readonly slots = signal<SuggestedSlot[] | null>(null);
  protected readonly suggesting = signal(false);
  protected readonly pickedSlot = signal<number | null>(null);
  protected duration = 60;
  protected inviteQuery = '';
  protected readonly suggestions = signal<InviteCandidate[]>([]);
  protected readonly invitees = signal<InviteCandidate[]>([]);
  protected readonly editing = signal<number | null>(null);
  protected editTitle = '';
  protected editStart = '';
  private searchSeq = 0;

  /**
   * People from the directory (/users: employees and agents), customers from the
   * customer directory (/customers) and teams (/teams) — all three for staff; a source
   * that answers 403 is left out.
   */
  protected async searchInvitees(q: string): Promise<void> {
    const seq = ++this.searchSeq;
    const text = q.trim();
    if (text.length < 2) {
      this.suggestions.set([]);
      return;
    }
    const quiet = <T>(p: Promise<T>) => p.catch(() => null);
    const [people, customers, teams] = await Promise.all([
      quiet(this.api.searchPeople(text)),
      quiet(this.api.searchCustomers(text)),
      quiet(this.api.teams()),
    ]);
    if (seq !== this.searchSeq) return;
    const chosen = new Set(this.invitees().map((c) => c.kind + c.id));
    const out: InviteCandidate[] = [];
    for (const u of people?.items ?? []) out.push({ kind: 'person', id: u.id, name: u.display_name, label: `${u.kind} · ${u.country}` });
    for (const u of customers?.items ?? []) out.push({ kind: 'customer', id: u.id, name: u.display_name, label: `customer · ${u.country}` });
    for (const t of teams?.items ?? [])
      if (t.name.toLowerCase().includes(text.toLowerCase()))
        out.push({ kind: 'team', id: t.id, name: t.name, label: `team · ${t.member_count} ${t.member_count === 1 ? 'person' : 'people'}` });
    this.suggestions.set(out.filter((c) => !chosen.has(c.kind + c.id)));
  }

  protected addInvitee(c: InviteCandidate): void {
    this.invitees.set([...this.invitees(), c]);
    this.suggestions.set(this.suggestions().filter((x) => x !== c));
  }

  protected removeInvitee(c: InviteCandidate): void {
    this.invitees.set(this.invitees().filter((x) => x !== c));
  }

  /** Edit: the invitees become chips again (people and customers by user id, teams as they were invited). */
  protected beginEdit(m: MeetingSummary): void {
    this.editing.set(m.id);
    this.editTitle = m.title;
    this.editStart = m.starts_at ? toLocalInput(m.starts_at) : '';
    this.editLobby = m.lobby_for_external ?? true;
    this.editShare = m.guests_can_share_screen ?? false;
    this.inviteQuery = '';
    this.suggestions.set([]);
    const chips: InviteCandidate[] = [];
    const teams = new Set<number>();
    for (const i of m.invitees) {
      if (i.via_team_id) {
        if (!teams.has(i.via_team_id)) chips.push({ kind: 'team', id: i.via_team_id, name: `Team ${i.via_team_id}`, label: 'team' });
        teams.add(i.via_team_id);
        continue;
      }
      const customer = i.kind === 'customer';
      chips.push({ kind: customer ? 'customer' : 'person', id: i.user_id, name: i.display_name, label: i.kind ?? '' });
    }
    this.invitees.set(chips);
    if (teams.size)
      void this.api
        .teams()
        .then((r) => {
          const names = new Map(r.items.map((t) => [t.id, t] as const));
          this.invitees.set(
            this.invitees().map((c) => {
              const t = c.kind === 'team' ? names.get(c.id) : undefined;
              return t ? { ...c, name: t.name, label: `team · ${t.member_count}` } : c;
            }),
          );
        })
        .catch(() => undefined);
  }

  protected endEdit(): void {
    this.editing.set(null);
    this.invitees.set([]);
    this.suggestions.set([]);
  }

  protected async saveEdit(m: MeetingSummary): Promise<void> {
    try {
      await this.api.update(m.id, {
        title: this.editTitle,
        starts_at: new Date(this.editStart).getTime(),
        user_ids: this.invitees().filter((c) => c.kind !== 'team').map((c) => c.id),
        team_ids: this.invitees().filter((c) => c.kind === 'team').map((c) => c.id),
        lobby_for_external: this.editLobby,
        guests_can_share_screen: this.editShare,
      });
      this.endEdit();
      await this.refresh();
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    }
  }

  protected async cancelMeeting(m: MeetingSummary): Promise<void> {
    const sure = await this.dialogs.confirm({
      title: `Cancel “${m.title}”?`,
      message: 'Everyone invited is told that it is cancelled. This cannot be undone.',
      confirmLabel: 'Cancel meeting',
      cancelLabel: 'Keep it',
      danger: true,
    });
    if (!sure) return;
    try {
      await this.api.cancel(m.id);
      await this.refresh();
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    }
  }

  constructor() {
    void this.refresh();
    // Invitations, reschedules and cancellations arrive live: say so and reload the list.
    const realtime = inject(RealtimeService);
    const sub = merge(
      realtime.messages('meeting.invited'),
      realtime.messages('meeting.updated'),
      realtime.messages('meeting.cancelled'),
      realtime.messages('meeting.uninvited'),
    ).subscribe((m) => {
      if (m.type === 'meeting.invited') this.notice.set(`You were invited to “${m.meeting.title}”.`);
      else if (m.type === 'meeting.updated') this.notice.set(`“${m.meeting.title}” was changed.`);
      else if (m.type === 'meeting.cancelled') this.notice.set(`“${m.meeting.title}” was cancelled.`);
      else this.notice.set(`You are no longer invited to “${m.title}”.`);
      void this.refresh();
    });
    inject(DestroyRef).onDestroy(() => sub.unsubscribe());
  }

  private async refresh(): Promise<void> {
    try {
      const r = await this.api.list();
      this.meetings.set(r.items);
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    }
  }

  protected async startInstant(): Promise<void> {
    try {
      const m = await this.api.create({ title: 'Instant meeting' });
      await this.router.navigate(['/meet', m.code]);
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    }
  }

  protected async schedule(): Promise<void> {
    try {
      // datetime-local is the browser's zone; the API stores UTC milliseconds.
      const startsAt = new Date(this.start).getTime();
      await this.api.create({
        title: this.title,
        kind: 'scheduled',
        starts_at: startsAt,
        duration_minutes: Number(this.duration),
        time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        user_ids: this.invitees().filter((c) => c.kind !== 'team').map((c) => c.id),
        team_ids: this.invitees().filter((c) => c.kind === 'team').map((c) => c.id),
      });
      this.title = '';
      this.start = '';
      this.invitees.set([]);
      await this.refresh();
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    }
  }

  /** The people (not teams) invited, with me, for overlap hours and suggestions. */
  protected readonly invitedPeople = computed(() => this.invitees().filter((c) => c.kind !== 'team').map((c) => c.id));
  protected readonly overlapIds = computed(() => {
    const me = this.session.user()?.id;
    return [...(me ? [me] : []), ...this.invitedPeople().filter((id) => id !== me)].join(',');
  });

  protected async suggestTimes(): Promise<void> {
    this.suggesting.set(true);
    try {
      const ids = this.overlapIds().split(',').map(Number);
      const found = await this.scheduling.suggest({ user_ids: ids, duration_minutes: Math.max(5, Math.min(480, Number(this.duration) || 30)), days: 7, limit: 5 });
      this.slots.set(found.items);
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    } finally {
      this.suggesting.set(false);
    }
  }

  /** Fills the start field (the browser's local time, as datetime-local wants). */
  protected pickSlot(s: SuggestedSlot): void {
    const d = new Date(s.start);
    const two = (n: number) => String(n).padStart(2, '0');
    this.start = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
    this.pickedSlot.set(s.start);
  }

  protected slotLabel(s: SuggestedSlot): string {
    return slotSentence(s, this.session.user()?.id, this.nameOf);
  }

  private readonly nameOf = (id: number): string => this.invitees().find((c) => c.id === id && c.kind !== 'team')?.name ?? `#${id}`;
}
