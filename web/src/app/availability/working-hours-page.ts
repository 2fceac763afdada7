import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { ApiError } from '../core/api-error';
import { knownTimeZones } from '../core/local-time';
import { SessionStore } from '../core/session.store';
import { UiButton } from '../ui/button';
import { UiInput, UiSwitch } from '../ui/form-controls';
import { UiIcon } from '../ui/icon';
import { UiSkeleton } from '../ui/skeleton';
import { Toasts } from '../ui/toast';
import { AvailabilityApi, PersonAvailability } from './availability-api';
import { HoursForm, formFrom, settingsFrom, weeklyHours } from './working-hours-logic';

/**
 * /availability/settings: my working hours per weekday (wall-clock time in the zone I am in
 * that day), days off, and a second time zone while travelling. Public holidays come from the
 * admins' calendars for my country (and subdivision) and are listed, not edited, here.
 */
@Component({
  selector: 'mer-working-hours-page',
  imports: [FormsModule, RouterLink, UiButton, UiIcon, UiInput, UiSkeleton, UiSwitch],
  template: `
    <section class="page narrow">
      <header class="page-header">
        <div>
          <h1>Working hours</h1>
          <p>When you work, in your own time zone@if (me(); as m) { ({{ m.time_zone }})}: others see it in theirs, and meetings are suggested inside it.</p>
        </div>
        @if (myId(); as id) { <a uiButton [routerLink]="['/availability']" [queryParams]="{ user_ids: id }" data-testid="hours-see-overlap"><ui-icon name="clock" /> See my day</a> }
      </header>
      @if (error(); as text) { <div class="alert alert-error" role="alert" data-testid="hours-error">{{ text }}</div> }
      @if (form(); as f) {
        <form (ngSubmit)="save()" class="stack">
          <fieldset class="card">
            <legend>Each weekday</legend>
            @for (d of f.days; track d.weekday) {
              <div class="day" data-testid="hours-day" [attr.data-weekday]="d.weekday">
                <label class="day-name"><input type="checkbox" uiSwitch [name]="'on' + d.weekday" [(ngModel)]="d.on" (ngModelChange)="touch()" [attr.data-testid]="'hours-on-' + d.weekday" /> {{ d.name }}</label>
                @if (d.on) {
                  <input uiInput type="time" [name]="'start' + d.weekday" [(ngModel)]="d.start" (ngModelChange)="touch()" [attr.aria-label]="d.name + ' from'" [attr.data-testid]="'hours-start-' + d.weekday" />
                  <span aria-hidden="true">–</span>
                  <input uiInput type="time" [name]="'end' + d.weekday" [(ngModel)]="d.end" (ngModelChange)="touch()" [attr.aria-label]="d.name + ' until'" [attr.data-testid]="'hours-end-' + d.weekday" />
                } @else { <span class="muted off-work">Not working</span> }
              </div>
            }
            <p class="muted" data-testid="hours-total">{{ total() }} hours a week</p>
          </fieldset>

          <fieldset class="card">
            <legend>Days off</legend>
            <ul class="off">
              @for (d of f.daysOff; track d.date) {
                <li data-testid="hours-day-off">{{ d.date }}@if (d.note) { · {{ d.note }}} <button type="button" uiButton="ghost" uiSize="sm" (click)="removeOff(d.date)" [attr.aria-label]="'Remove day off ' + d.date">Remove</button></li>
              } @empty { <li class="muted">No days off planned.</li> }
            </ul>
            <div class="add">
              <input uiInput type="date" name="offDate" [(ngModel)]="offDate" aria-label="Day off" data-testid="hours-off-date" />
              <input uiInput name="offNote" [(ngModel)]="offNote" maxlength="200" placeholder="Note (optional)" aria-label="Note" data-testid="hours-off-note" />
              <button type="button" uiButton uiSize="sm" (click)="addOff()" [disabled]="!offDate" data-testid="hours-off-add">Add</button>
            </div>
          </fieldset>

          <fieldset class="card">
            <legend>Travelling</legend>
            <label class="day-name"><input type="checkbox" uiSwitch name="travelOn" [(ngModel)]="f.travelOn" (ngModelChange)="touch()" data-testid="hours-travel-on" /> I work from another time zone for a while</label>
            @if (f.travelOn) {
              <div class="add">
                <input uiInput name="travelZone" [(ngModel)]="f.travelZone" list="mer-zones" placeholder="Asia/Tokyo" aria-label="Time zone while travelling" data-testid="hours-travel-zone" />
                <datalist id="mer-zones">@for (z of zones; track z) { <option [value]="z"></option> }</datalist>
                <input uiInput type="date" name="travelFrom" [(ngModel)]="f.travelFrom" aria-label="From" data-testid="hours-travel-from" />
                <input uiInput type="date" name="travelUntil" [(ngModel)]="f.travelUntil" aria-label="Until" data-testid="hours-travel-until" />
              </div>
              <p class="muted">Your hours stay the same wall-clock times, in that zone, on those days.</p>
            }
          </fieldset>

          @if (me(); as m) {
            @if (m.holidays.length) {
              <fieldset class="card">
                <legend>Public holidays ({{ m.country }})</legend>
                <ul class="off" data-testid="hours-holidays">
                  @for (h of m.holidays.slice(0, 12); track h.date) { <li>{{ h.date }} · {{ h.name }}</li> }
                </ul>
              </fieldset>
            }
          }
          <div><button type="submit" uiButton="primary" [disabled]="saving()" data-testid="hours-save">Save working hours</button></div>
        </form>
      } @else if (!error()) {
        <ui-skeleton [lines]="6" label="Loading your working hours" />
      }
    </section>
  `,
  styles: `
    .narrow { max-width: 44rem; }
    .stack { display: grid; gap: var(--space-4); }
    .card { border: 1px solid var(--border); border-radius: var(--radius); padding: var(--space-4); display: grid; gap: var(--space-2); }
    legend { font-weight: 600; padding: 0 var(--space-1); }
    .day { display: grid; grid-template-columns: 10.5rem 9.5rem 1rem 9.5rem; align-items: center; gap: var(--space-2); min-height: var(--touch-target, 2.75rem); }
    .day-name { display: inline-flex; align-items: center; gap: var(--space-2); }
    .day .off-work { grid-column: 2 / -1; }
    .day input[type='time'] { width: 100%; min-width: 0; }
    @media (max-width: 600px) {
      .day { grid-template-columns: minmax(0, 1fr) 1rem minmax(0, 1fr); row-gap: var(--space-1); }
      .day-name { grid-column: 1 / -1; }
      .day .off-work { display: none; }
    }
    .off { list-style: none; padding: 0; margin: 0; display: grid; gap: var(--space-1); }
    .add { display: flex; gap: var(--space-2); flex-wrap: wrap; align-items: center; }
    .add input { flex: 1 1 9rem; min-width: 0; }
    .add input[type='date'] { flex-basis: 10.5rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WorkingHoursPage {
  private readonly api = inject(AvailabilityApi);
  private readonly toasts = inject(Toasts);
  private readonly session = inject(SessionStore);
  protected readonly me = signal<PersonAvailability | null>(null);
  protected readonly form = signal<HoursForm | null>(null);
  protected readonly error = signal('');
  protected readonly saving = signal(false);
  private readonly version = signal(0);
  protected readonly total = computed(() => (this.version(), weeklyHours(this.form()?.days ?? [])));
  protected readonly myId = computed(() => this.session.user()?.id);
  /** The IANA zones this browser knows, for the travel zone's suggestions. */
  protected readonly zones = knownTimeZones();
  protected offDate = '';
  protected offNote = '';

  constructor() {
    this.api.mine().then(
      (m) => this.show(m),
      (e) => this.error.set(e instanceof ApiError ? e.message : 'Your working hours could not be loaded.'),
    );
  }

  private show(m: PersonAvailability): void {
    this.me.set(m);
    this.form.set(formFrom(m));
  }

  protected touch(): void {
    this.version.update((v) => v + 1);
  }

  protected addOff(): void {
    const f = this.form();
    if (!f || !this.offDate || f.daysOff.some((d) => d.date === this.offDate)) return;
    this.form.set({ ...f, daysOff: [...f.daysOff, { date: this.offDate, note: this.offNote.trim() }].sort((a, b) => a.date.localeCompare(b.date)) });
    this.offDate = '';
    this.offNote = '';
  }

  protected removeOff(date: string): void {
    const f = this.form();
    if (f) this.form.set({ ...f, daysOff: f.daysOff.filter((d) => d.date !== date) });
  }

  protected async save(): Promise<void> {
    const f = this.form();
    if (!f) return;
    this.saving.set(true);
    this.error.set('');
    try {
      this.show(await this.api.save(settingsFrom(f)));
      this.toasts.show('Working hours saved', { tone: 'ok' });
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : 'Your working hours could not be saved.');
    } finally {
      this.saving.set(false);
    }
  }
}
