import { CdkTrapFocus } from '@angular/cdk/a11y';
import {
  OverlayRef,
  createFlexibleConnectedPositionStrategy,
  createOverlayRef,
  createRepositionScrollStrategy,
} from '@angular/cdk/overlay';
import { ComponentPortal } from '@angular/cdk/portal';
import {
  ChangeDetectionStrategy,
  Component,
  Directive,
  ElementRef,
  InjectionToken,
  Injector,
  OnDestroy,
  computed,
  inject,
  input,
  signal,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { User } from '../core/api-types';
import { MinuteClock } from '../core/clock';
import { countryName } from '../core/local-time';
import { SessionStore } from '../core/session.store';
import { UiBadge } from '../ui/badge';
import { UiButton } from '../ui/button';
import { UiFlag } from '../ui/flag';
import { UiIcon } from '../ui/icon';
import { UiSkeleton } from '../ui/skeleton';
import { AvailabilityApi, Overlap } from './availability-api';
import { canSeeHours, pairIds } from './overlap-logic';
import { hoursToday, localLine, roleLine, teamLine, workingLine } from './profile-card-logic';

interface ProfileCardData {
  userId: number;
  /** The name the page already shows, written at once while the rest loads. */
  name: string;
  close: (restoreFocus: boolean) => void;
}

const PROFILE_CARD_DATA = new InjectionToken<ProfileCardData>('PROFILE_CARD_DATA');

let nextId = 0;

/**
 * A person's profile card: who they are (kind, roles, teams, country and region), their
 * local time now and whether they are working, their hours today in the viewer's time, and
 * "Overlap with me". Opened by [merProfileCard] on a CDK overlay; focus is trapped inside,
 * Esc or a click outside closes it and focus returns to the name that opened it.
 */
@Component({
  selector: 'mer-profile-card',
  imports: [CdkTrapFocus, RouterLink, UiBadge, UiButton, UiFlag, UiIcon, UiSkeleton],
  template: `
    <section class="card" role="dialog" [attr.aria-labelledby]="titleId" cdkTrapFocus [cdkTrapFocusAutoCapture]="true" data-testid="profile-card">
      <header>
        <span class="avatar" aria-hidden="true">{{ initials() }}</span>
        <div class="who">
          <h2 [id]="titleId" data-testid="profile-card-name">{{ name() }}</h2>
          @if (user(); as u) {
            <p class="meta" data-testid="profile-card-role">{{ role() }}@if (teams()) { · {{ teams() }}}</p>
          }
        </div>
        <button type="button" uiButton="icon" uiSize="sm" (click)="data.close(true)" aria-label="Close" data-testid="profile-card-close"><ui-icon name="x" /></button>
      </header>
      @if (loading()) {
        <ui-skeleton [lines]="3" label="Loading their profile…" />
      } @else {
        <dl>
          @if (user(); as u) {
            @if (u.country) {
              <div>
                <dt>Country</dt>
                <dd><ui-flag [country]="u.country" /><span data-testid="profile-card-country">{{ countryName(u.country) }}</span>@if (u.region) { <span class="tag" [attr.aria-label]="'region ' + u.region" data-testid="profile-card-region">{{ u.region }}</span> }</dd>
              </div>
            }
          }
          @if (local(); as l) {
            <div>
              <dt>Local time</dt>
              <dd>
                <span data-testid="profile-card-local-time">{{ l }}</span>
                @if (working(); as w) {
                  <ui-badge [tone]="person()?.working_now ? 'ok' : 'neutral'" data-testid="profile-card-working">{{ w }}</ui-badge>
                }
              </dd>
            </div>
          }
          @if (today(); as t) {
            <div>
              <dt>Today, your time</dt>
              <dd data-testid="profile-card-hours">{{ t }}</dd>
            </div>
          }
        </dl>
        @if (!user() && !person()) {
          <p class="meta" data-testid="profile-card-private">Their profile is not shown to you.</p>
        }
      }
      @if (overlapIds(); as ids) {
        <footer>
          <a uiButton="secondary" uiSize="sm" routerLink="/availability" [queryParams]="{ user_ids: ids }" (click)="data.close(false)" data-testid="profile-card-overlap">
            <ui-icon name="clock" /> Overlap with me
          </a>
        </footer>
      }
    </section>
  `,
  styles: `
    .card {
      width: min(320px, calc(100vw - 16px)); display: grid; gap: var(--space-3); padding: var(--space-4);
      background: var(--surface); color: var(--text); border: 1px solid var(--border); border-radius: var(--radius-lg); box-shadow: var(--shadow-lg);
    }
    header { display: flex; align-items: flex-start; gap: var(--space-3); }
    .avatar {
      flex: none; display: grid; place-items: center; width: 40px; height: 40px; border-radius: var(--radius-full);
      background: var(--brand-soft, var(--surface-sunken)); color: var(--brand); font-weight: var(--weight-bold);
    }
    .who { flex: 1; min-width: 0; }
    h2 { margin: 0; font-size: var(--text-lg); overflow-wrap: anywhere; }
    .meta { margin: var(--space-1) 0 0; color: var(--text-muted); font-size: var(--text-sm); }
    dl { margin: 0; display: grid; gap: var(--space-2); }
    dl > div { display: grid; gap: 2px; }
    dt { color: var(--text-muted); font-size: var(--text-xs); }
    dd { margin: 0; display: flex; flex-wrap: wrap; align-items: center; gap: var(--space-2); }
    .tag { padding: 0 6px; border-radius: var(--radius-full); background: var(--surface-sunken); font-size: var(--text-xs); }
    footer { display: flex; justify-content: flex-end; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfileCard {
  protected readonly data = inject(PROFILE_CARD_DATA);
  private readonly api = inject(AvailabilityApi);
  private readonly session = inject(SessionStore);
  private readonly clock = inject(MinuteClock);

  protected readonly titleId = `profile-card-title-${++nextId}`;
  protected readonly countryName = countryName;
  protected readonly loading = signal(true);
  protected readonly user = signal<User | null>(null);
  private readonly overlap = signal<Overlap | null>(null);

  protected readonly person = computed(() => this.overlap()?.people.find((p) => p.user_id === this.data.userId) ?? null);
  protected readonly name = computed(() => this.user()?.display_name ?? this.person()?.display_name ?? this.data.name);
  protected readonly initials = computed(() =>
    this.name()
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0]!.toUpperCase())
      .join(''),
  );
  protected readonly role = computed(() => {
    const u = this.user();
    return u ? roleLine(u) : '';
  });
  protected readonly teams = computed(() => {
    const u = this.user();
    return u ? teamLine(u) : '';
  });
  protected readonly local = computed(() => localLine(this.person()?.current_time_zone ?? this.user()?.time_zone, this.clock.now()));
  protected readonly working = computed(() => workingLine(this.person()?.working_now));
  protected readonly today = computed(() => {
    const o = this.overlap();
    return o ? hoursToday(o, this.data.userId) : '';
  });
  protected readonly overlapIds = computed(() => {
    const me = this.session.user();
    return canSeeHours(me) && me?.id !== this.data.userId ? pairIds(me?.id, this.data.userId) : '';
  });

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    const id = this.data.userId;
    const me = this.session.user();
    const maySeeHours = canSeeHours(me) || me?.id === id;
    // Either may be refused (a customer looking at staff): the card shows what it got.
    const [user, overlap] = await Promise.allSettled([this.api.profile(id), maySeeHours ? this.api.overlap([id], undefined, 1) : Promise.reject()]);
    if (user.status === 'fulfilled') this.user.set(user.value);
    if (overlap.status === 'fulfilled') this.overlap.set(overlap.value);
    this.loading.set(false);
  }
}

/**
 * Makes a person's name open their profile card: put it on a <button> (keyboard and screen
 * readers reach it) with the person's id and the name shown.
 */
@Directive({
  selector: '[merProfileCard]',
  host: { class: 'profile-card-trigger', '(click)': 'toggle($event)', 'aria-haspopup': 'dialog', '[attr.aria-expanded]': 'isOpen()' },
})
export class ProfileCardTrigger implements OnDestroy {
  readonly userId = input.required<number>({ alias: 'merProfileCard' });
  readonly name = input('', { alias: 'merProfileCardName' });

  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private ref: OverlayRef | null = null;
  protected readonly isOpen = signal(false);

  protected toggle(event: Event): void {
    event.stopPropagation();
    if (this.ref) this.close(true);
    else this.open();
  }

  private open(): void {
    const positions = createFlexibleConnectedPositionStrategy(this.injector, this.host)
      .withPositions([
        { originX: 'start', originY: 'bottom', overlayX: 'start', overlayY: 'top', offsetY: 4 },
        { originX: 'start', originY: 'top', overlayX: 'start', overlayY: 'bottom', offsetY: -4 },
        { originX: 'end', originY: 'bottom', overlayX: 'end', overlayY: 'top', offsetY: 4 },
      ])
      .withViewportMargin(8)
      .withPush(true);
    const ref = createOverlayRef(this.injector, {
      positionStrategy: positions,
      scrollStrategy: createRepositionScrollStrategy(this.injector),
      hasBackdrop: true,
      backdropClass: 'cdk-overlay-transparent-backdrop',
    });
    const data: ProfileCardData = { userId: this.userId(), name: this.name(), close: (restore) => this.close(restore) };
    const injector = Injector.create({ parent: this.injector, providers: [{ provide: PROFILE_CARD_DATA, useValue: data }] });
    ref.attach(new ComponentPortal(ProfileCard, null, injector));
    ref.backdropClick().subscribe(() => this.close(true));
    ref.keydownEvents().subscribe((e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.close(true);
      }
    });
    this.ref = ref;
    this.isOpen.set(true);
  }

  private close(restoreFocus: boolean): void {
    if (!this.ref) return;
    this.ref.dispose();
    this.ref = null;
    this.isOpen.set(false);
    if (restoreFocus) this.host.nativeElement.focus();
  }

  ngOnDestroy(): void {
    this.ref?.dispose();
    this.ref = null;
  }
}
