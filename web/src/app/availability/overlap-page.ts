import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { SessionStore } from '../core/session.store';
import { UiButton } from '../ui/button';
import { UiEmptyState } from '../ui/empty-state';
import { UiFlag } from '../ui/flag';
import { UiIcon } from '../ui/icon';
import { UiSkeleton } from '../ui/skeleton';
import { AvailabilityApi, Overlap, OverlapDay, PersonAvailability } from './availability-api';
import { addDays, clockIn, hourTicks, overlapFailure, overlapSentence, parseIds, segment, todayIn } from './overlap-logic';

/**
 * /availability?user_ids=1,2,3[&from=YYYY-MM-DD]: a 24-hour band per person for one day of
 * the viewer's time zone (the day can be 23 or 25 hours around a DST change: every position
 * comes from the server's instants), each one's working hours, local time now, holidays and
 * days off, and the common window highlighted across all bands. Reached from a channel's
 * members, a team, the meeting composer and one's own settings.
 */
@Component({
  selector: 'mer-overlap-page',
  imports: [RouterLink, UiButton, UiEmptyState, UiFlag, UiIcon, UiSkeleton],
  template: `
    <section class="page">
      <header class="page-header">
        <div>
          <h1>Overlap hours</h1>
          <p>Everyone's working hours in your time zone@if (view(); as v) { ({{ v.time_zone }})}.</p>
        </div>
        <a uiButton routerLink="/availability/settings" data-testid="overlap-my-hours"><ui-icon name="clock" /> My working hours</a>
      </header>
      @if (error(); as text) {
        <div class="alert alert-error" role="alert" data-testid="overlap-error">{{ text }}</div>
      }
      @if (!ids().length) {
        <ui-empty-state heading="Nobody to compare" text="Open overlap hours from a channel's members, a team, or the people invited to a meeting. Until then, here is your own day." action="See my day" (act)="showMine()" data-testid="overlap-empty" />
      } @else if (view(); as v) {
        @if (v.days[0]; as day) {
          <nav class="days" aria-label="Day">
            <button type="button" uiButton="ghost" (click)="move(-1)" aria-label="Previous day" data-testid="overlap-prev"><ui-icon name="chevron-left" /></button>
            <strong data-testid="overlap-date">{{ dateLabel(day) }}</strong>
            <button type="button" uiButton="ghost" (click)="move(1)" aria-label="Next day" data-testid="overlap-next"><ui-icon name="chevron-right" /></button>
            @if (day.end - day.start !== 86400000) { <small class="muted" data-testid="overlap-dst">{{ (day.end - day.start) / 3600000 }}-hour day (clocks change)</small> }
          </nav>
          <p class="summary alert" [class.alert-ok]="day.windows.length" [class.alert-info]="!day.windows.length" role="status" data-testid="overlap-summary">{{ sentence(day, v.time_zone) }}</p>
          <div class="grid" role="table" aria-label="Working hours per person">
            <div class="row ticks" role="row" aria-hidden="true">
              <span class="who"></span>
              <span class="band">
                @for (t of ticks(day, v.time_zone); track t.left) { <span class="tick" [class.minor]="!t.major" [style.left.%]="t.left">{{ t.label }}</span> }
              </span>
            </div>
            @for (p of v.people; track p.user_id; let i = $index) {
              <div class="row" role="row" data-testid="overlap-person" [attr.data-name]="p.display_name">
                <span class="who" role="rowheader">
                  <span class="name"><ui-flag [country]="p.country" /> {{ p.display_name }}</span>
                  <small class="muted" data-testid="overlap-local">{{ p.local_time.slice(11) }} {{ p.current_time_zone }}@if (p.working_now) { · working}</small>
                </span>
                <span class="band" role="cell" [attr.aria-label]="bandLabel(day, p, i, v.time_zone)">
                  @for (w of day.windows; track w.start) {
                    @if (seg(day, w); as s) { <span class="common-fill" [style.left.%]="s.left" [style.width.%]="s.width"></span><span class="common" [style.left.%]="s.left" [style.width.%]="s.width"></span> }
                  }
                  @for (w of day.people[i].working; track w.start) {
                    @if (seg(day, w); as s) { <span class="work" data-testid="overlap-work" [style.left.%]="s.left" [style.width.%]="s.width"></span> }
                  }
                  @for (a of day.people[i].absences; track a.start) {
                    @if (seg(day, a); as s) { <span class="absent" [style.left.%]="s.left" [style.width.%]="s.width" data-testid="overlap-absence">{{ a.kind === 'holiday' ? a.name : 'Day off' }}</span> }
                  }
                  @if (now() >= day.start && now() < day.end) { <span class="now" [style.left.%]="nowAt(day)"></span> }
                </span>
              </div>
            }
          </div>
          <ul class="legend" aria-hidden="true">
            <li><span class="swatch swatch-work"></span>Working hours</li>
            <li><span class="swatch swatch-common"></span>Everyone is working</li>
            <li><span class="swatch swatch-absent"></span>Holiday or day off</li>
            @if (now() >= day.start && now() < day.end) { <li><span class="swatch swatch-now"></span>Now</li> }
          </ul>
        }
      } @else if (!error()) {
        <ui-skeleton [lines]="4" label="Loading working hours" />
      }
    </section>
  `,
  styles: `
    .days { display: flex; align-items: center; gap: var(--space-2); flex-wrap: wrap; margin-bottom: var(--space-2); }
    .summary { font-weight: var(--weight-bold); }
    .grid { display: grid; gap: var(--space-2); }
    .row { display: grid; grid-template-columns: minmax(7rem, 12rem) minmax(0, 1fr); gap: var(--space-3); align-items: center; }
    .who { display: grid; min-width: 0; }
    .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .band { position: relative; height: 2rem; border-radius: var(--radius-sm); background: var(--surface-sunken); overflow: hidden; }
    .ticks .band { height: 1.25rem; background: none; overflow: visible; }
    .tick { position: absolute; transform: translateX(-50%); font-size: var(--text-xs); color: var(--text-muted); }
    .tick:first-child { transform: none; }
    .band .work { position: absolute; top: var(--space-1); bottom: var(--space-1); background: var(--brand); border-radius: var(--radius-sm); }
    .band .common { position: absolute; top: 0; bottom: 0; z-index: 1; border: 2px solid var(--ok); border-radius: var(--radius-sm); background: transparent; }
    .band .common-fill { position: absolute; top: 0; bottom: 0; background: var(--ok-soft); }
    .band .absent { position: absolute; top: 0; bottom: 0; z-index: 1; background: repeating-linear-gradient(45deg, var(--warn-soft) 0 6px, var(--surface) 6px 12px); border: 1px solid var(--warn-border); color: var(--warn-text); font-size: var(--text-xs); padding: 0 var(--space-2); display: flex; align-items: center; overflow: hidden; white-space: nowrap; }
    .band .now { position: absolute; top: 0; bottom: 0; z-index: 2; width: 2px; background: var(--danger); }
    .legend { display: flex; flex-wrap: wrap; gap: var(--space-4); list-style: none; padding: 0; margin-top: var(--space-4); font-size: var(--text-sm); color: var(--text-muted); }
    .swatch { display: inline-block; width: 1rem; height: 0.75rem; vertical-align: middle; border-radius: var(--radius-sm); margin-right: var(--space-1); }
    .swatch-work { background: var(--brand); }
    .swatch-common { background: var(--ok-soft); border: 2px solid var(--ok); }
    .swatch-absent { background: repeating-linear-gradient(45deg, var(--warn-soft) 0 3px, var(--surface) 3px 6px); border: 1px solid var(--warn-border); }
    .swatch-now { width: 2px; background: var(--danger); }
    @media (max-width: 600px) {
      .row { grid-template-columns: minmax(0, 1fr); gap: var(--space-1); }
      .ticks .who, .tick.minor { display: none; }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OverlapPage {
  private readonly api = inject(AvailabilityApi);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  protected readonly ids = signal<number[]>([]);
  protected readonly view = signal<Overlap | null>(null);
  protected readonly error = signal('');
  protected readonly now = signal(Date.now());
  private readonly from = signal<string | undefined>(undefined);
  protected readonly zone = computed(() => this.view()?.time_zone);

  constructor() {
    this.route.queryParamMap.subscribe((q) => {
      this.ids.set(parseIds(q.get('user_ids')));
      this.from.set(q.get('from') ?? undefined);
      void this.load();
    });
  }

  private async load(): Promise<void> {
    if (!this.ids().length) return;
    this.error.set('');
    try {
      this.view.set(await this.api.overlap(this.ids(), this.from(), 1));
      this.now.set(Date.now());
    } catch (e) {
      this.view.set(null);
      this.error.set(overlapFailure(e));
    }
  }

  protected move(n: number): void {
    const v = this.view();
    const current = v?.days[0]?.date ?? todayIn(v?.time_zone ?? 'UTC');
    void this.router.navigate([], { relativeTo: this.route, queryParams: { from: addDays(current, n) }, queryParamsHandling: 'merge' });
  }

  /** The empty page's one button: my own band for today. */
  protected showMine(): void {
    const me = this.session.user()?.id;
    if (me) void this.router.navigate([], { relativeTo: this.route, queryParams: { user_ids: me } });
  }

  protected seg = segment;
  protected ticks = hourTicks;
  protected sentence = overlapSentence;

  protected nowAt(day: OverlapDay): number {
    return ((this.now() - day.start) / (day.end - day.start)) * 100;
  }

  protected dateLabel(day: OverlapDay): string {
    return new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${day.date}T12:00:00Z`));
  }

  protected bandLabel(day: OverlapDay, p: PersonAvailability, i: number, zone: string): string {
    const mine = day.people[i];
    if (mine.absences.length) return `${p.display_name}: ${mine.absences.map((a) => (a.kind === 'holiday' ? a.name : 'day off')).join(', ')}`;
    if (!mine.working.length) return `${p.display_name}: not working this day`;
    return `${p.display_name} works ${mine.working.map((w) => `${clockIn(w.start, zone)}–${w.end >= day.end ? '24:00' : clockIn(w.end, zone)}`).join(', ')} your time`;
  }
}
