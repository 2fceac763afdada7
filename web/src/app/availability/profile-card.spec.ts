import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ApiError } from '../core/api-error';
import { User } from '../core/api-types';
import { SessionStore } from '../core/session.store';
import { AvailabilityApi, Overlap } from './availability-api';
import { ProfileCardTrigger } from './profile-card';

const ANA = 1;
const BOB = 2;

@Component({
  imports: [ProfileCardTrigger],
  template: `<button type="button" [merProfileCard]="bob" merProfileCardName="Bob Shown" data-testid="name">Bob Shown</button>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class Host {
  protected readonly bob = BOB;
}

const bob: User = {
  id: BOB,
  email: 'bob@example.test',
  display_name: 'Bob Brown',
  kind: 'agent',
  country: 'US',
  region: 'NA',
  time_zone: 'America/New_York',
  working_hours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  roles: ['agent'],
  teams: [{ id: 7, name: 'Support', role: 'lead' }],
  active: true,
  gdpr: { restrict_processing: false, exclude_from_ai: false },
  created_at: 0,
};

function overlapOf(workingNow: boolean): Overlap {
  const start = Date.UTC(2031, 2, 10, 13);
  return {
    time_zone: 'Europe/Lisbon',
    people: [
      {
        user_id: BOB,
        display_name: 'Bob Brown',
        country: 'US',
        time_zone: 'America/New_York',
        current_time_zone: 'America/New_York',
        local_time: '2031-03-10T10:00',
        working_now: workingNow,
        weekly: [],
        days_off: [],
        travel: null,
        holiday_subdivision: '',
        holidays: [],
      },
    ],
    days: [{ date: '2031-03-10', start: 0, end: 0, windows: [], overlap_minutes: 0, people: [{ user_id: BOB, working: [{ start, end: start + 8 * 3_600_000 }], absences: [] }] }],
  };
}

describe('ProfileCard: a person\'s card opened from their name', () => {
  let api: { profile: ReturnType<typeof vi.fn>; overlap: ReturnType<typeof vi.fn> };

  async function setup(viewer: Partial<User>) {
    api = { profile: vi.fn().mockResolvedValue(bob), overlap: vi.fn().mockResolvedValue(overlapOf(true)) };
    TestBed.configureTestingModule({
      imports: [Host],
      providers: [
        provideRouter([]),
        { provide: AvailabilityApi, useValue: api },
        { provide: SessionStore, useValue: { user: signal(viewer) } },
      ],
    });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    return fixture;
  }

  const card = () => document.querySelector<HTMLElement>('[data-testid="profile-card"]');
  const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

  async function openCard(fixture: Awaited<ReturnType<typeof setup>>): Promise<HTMLButtonElement> {
    const name = fixture.nativeElement.querySelector('[data-testid="name"]') as HTMLButtonElement;
    name.focus();
    name.click();
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    await fixture.whenStable();
    return name;
  }

  afterEach(() => {
    for (const el of document.querySelectorAll('.cdk-overlay-container')) el.innerHTML = '';
  });

  it('shows who they are, their local time, whether they work now, today\'s hours in my time, and overlap with me', async () => {
    const fixture = await setup({ id: ANA, kind: 'employee', roles: ['employee'] });
    const name = await openCard(fixture);
    expect(card()).not.toBeNull();
    expect(name.getAttribute('aria-expanded')).toBe('true');
    expect(api.profile).toHaveBeenCalledWith(BOB);
    expect(api.overlap).toHaveBeenCalledWith([BOB], undefined, 1);
    expect(text('profile-card-name')).toBe('Bob Brown');
    expect(text('profile-card-role')).toBe('Support agent · Support (lead)');
    expect(text('profile-card-country')).toBe('United States');
    expect(text('profile-card-region')).toBe('NA');
    expect(text('profile-card-local-time')).toMatch(/^\d\d:\d\d in New York$/);
    expect(text('profile-card-working')).toBe('Working now');
    expect(text('profile-card-hours')).toBe('13:00–21:00');
    const link = document.querySelector<HTMLAnchorElement>('[data-testid="profile-card-overlap"]')!;
    expect(link.getAttribute('href')).toBe('/availability?user_ids=1,2');
    // That focus moves into the card is checked in Chromium (e2e profile-card.test.mjs): jsdom
    // lays nothing out, so the CDK finds nothing it deems visible to focus.
  });

  it('closes on Escape and gives focus back to the name', async () => {
    const fixture = await setup({ id: ANA, kind: 'employee', roles: ['employee'] });
    const name = await openCard(fixture);
    card()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await fixture.whenStable();
    expect(card()).toBeNull();
    expect(document.activeElement).toBe(name);
    expect(name.getAttribute('aria-expanded')).toBe('false');
  });

  it('for a customer: no colleague\'s hours are asked for, no overlap link, the name they were shown', async () => {
    const fixture = await setup({ id: 9, kind: 'customer', roles: ['customer'] });
    api.profile.mockRejectedValue(new ApiError(404, 'not_found', 'no such user'));
    await openCard(fixture);
    expect(api.overlap).not.toHaveBeenCalled();
    expect(text('profile-card-name')).toBe('Bob Shown');
    expect(text('profile-card-private')).toBe('Their profile is not shown to you.');
    expect(document.querySelector('[data-testid="profile-card-overlap"]')).toBeNull();
  });
});
