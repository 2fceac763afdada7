import { provideRouter } from '@angular/router';
import { TestBed } from '@angular/core/testing';
import { computed, signal } from '@angular/core';
import { ApiError } from '../core/api-error';
import { ConversationView } from './chat-types';
import { MinuteClock } from '../core/clock';
import { ChannelSettings, ChatApi } from './chat-api';
import { ChatStore } from './chat-store';
import { MembersPanel, posterFailure } from './members-panel';
import { PresenceStore } from './presence-store';

const ME = 1;
const BRUNO = 2;
const CARLA = 3;
const DORA = 4;
const EVA = 5;

function settings(announcement: boolean): ChannelSettings {
  return { announcement, broadcast_mentions: 'everyone', allowed_countries: [], allowed_regions: [] };
}

function channel(myRole: ConversationView['my_role'], announcement: boolean, brunoCanPost = false): ConversationView {
  return {
    id: 9,
    kind: 'channel',
    name: 'news',
    topic: '',
    visibility: 'public',
    region: 'EU',
    created_by: CARLA,
    created_at: 0,
    last_seq: 0,
    my_role: myRole,
    last_read_seq: 0,
    unread: 0,
    settings: settings(announcement),
    members: [
      { user_id: ME, display_name: 'Ana Me', role: myRole },
      { user_id: BRUNO, display_name: 'Bruno Braga', role: 'member', can_post: brunoCanPost },
      { user_id: CARLA, display_name: 'Carla Owner', role: 'owner' },
      { user_id: DORA, display_name: 'Dora Reader', role: 'read_only' },
      { user_id: EVA, display_name: 'Eva Moderator', role: 'moderator' },
    ],
  };
}

describe('MembersPanel: who may post in an announcement channel', () => {
  let active: ReturnType<typeof signal<ConversationView | null>>;
  let store: { setMemberCanPost: ReturnType<typeof vi.fn>; setMemberRole: ReturnType<typeof vi.fn>; refreshActive: ReturnType<typeof vi.fn> };
  let api: { getSettings: ReturnType<typeof vi.fn>; getRetention: ReturnType<typeof vi.fn>; updateSettings: ReturnType<typeof vi.fn>; searchPeople: ReturnType<typeof vi.fn> };

  async function setup(view: ConversationView) {
    active = signal<ConversationView | null>(view);
    store = {
      setMemberCanPost: vi.fn().mockResolvedValue(undefined),
      setMemberRole: vi.fn().mockResolvedValue(undefined),
      refreshActive: vi.fn().mockResolvedValue(undefined),
    };
    api = {
      getSettings: vi.fn().mockImplementation(() => Promise.resolve(active()?.settings)),
      getRetention: vi.fn().mockResolvedValue({ policy: null, legal_hold: false }),
      updateSettings: vi.fn(),
      searchPeople: vi.fn().mockResolvedValue({ items: [], total: 0 }),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        {
          provide: ChatStore,
          useValue: {
            ...store,
            myId: signal(ME),
            active,
            canModerate: computed(() => ['owner', 'moderator'].includes(active()?.my_role ?? '')),
          },
        },
        { provide: ChatApi, useValue: api },
        { provide: PresenceStore, useValue: { all: signal(new Map()) } },
        { provide: MinuteClock, useValue: { now: signal(0) } },
      ],
    });
    const fixture = TestBed.createComponent(MembersPanel);
    document.body.appendChild(fixture.nativeElement);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const row = (name: string) => [...el.querySelectorAll('[data-testid="member"]')].find((li) => li.textContent?.includes(name)) as HTMLElement;
    const box = (name: string) => row(name).querySelector('[data-testid="member-can-post"]') as HTMLInputElement | null;
    return { fixture, el, row, box };
  }

  afterEach(() => document.body.replaceChildren());

  it('a moderator gets a labelled "can post" box for each plain member, not for owners, moderators or read-only members', async () => {
    const { row, box } = await setup(channel('moderator', true, true));
    expect(box('Bruno Braga')?.checked).toBe(true);
    expect(box('Bruno Braga')?.getAttribute('aria-label')).toBe('Bruno Braga can post');
    expect(box('Bruno Braga')?.disabled).toBe(false);
    expect(row('Bruno Braga').querySelector('label.poster')?.textContent?.trim()).toBe('can post');
    for (const other of ['Carla Owner', 'Dora Reader', 'Eva Moderator', 'Ana Me']) expect(box(other)).toBeNull();
  });

  it('ticking the box with the keyboard lets the member post; the box keeps the focus while it saves', async () => {
    const { fixture, box } = await setup(channel('owner', true));
    let finish!: () => void;
    store.setMemberCanPost.mockReturnValue(new Promise<void>((resolve) => (finish = resolve)));
    const bruno = box('Bruno Braga')!;
    bruno.focus();
    bruno.click(); // Space on a focused checkbox is a click
    await fixture.whenStable();
    expect(store.setMemberCanPost).toHaveBeenCalledWith(BRUNO, true);
    expect(bruno.disabled).toBe(false);
    expect(document.activeElement).toBe(bruno);
    expect(bruno.getAttribute('aria-busy')).toBe('true');
    // A second change while the first is saving is undone, not sent.
    bruno.click();
    expect(bruno.checked).toBe(true);
    expect(store.setMemberCanPost).toHaveBeenCalledTimes(1);
    // conversation.updated brings the new state; the same box stays (and keeps the focus).
    active.set(channel('owner', true, true));
    finish();
    await fixture.whenStable();
    expect(box('Bruno Braga')).toBe(bruno);
    expect(bruno.checked).toBe(true);
    expect(document.activeElement).toBe(bruno);
    expect(api.getSettings).toHaveBeenCalledTimes(1); // a member change does not read the settings again
  });

  it('a refusal puts the box back, says what to do next to the member, and reads the conversation again', async () => {
    const { fixture, row, box } = await setup(channel('moderator', true));
    store.setMemberCanPost.mockRejectedValue(new ApiError(403, 'forbidden', 'only owners and moderators choose who posts'));
    box('Bruno Braga')!.click();
    await vi.waitFor(() => expect(store.refreshActive).toHaveBeenCalled());
    await fixture.whenStable();
    expect(box('Bruno Braga')!.checked).toBe(false);
    const alert = row('Bruno Braga').querySelector('[data-testid="member-can-post-error"]');
    expect(alert?.getAttribute('role')).toBe('alert');
    expect(alert?.textContent).toBe("Couldn't let Bruno Braga post: only owners and moderators choose who posts. Ask one of them.");
  });

  it('invites guests: the search asks for them, marks them Guest, and a guest member carries the mark', async () => {
    const view = channel('owner', false);
    view.members.push({ user_id: 6, display_name: 'Gail Partner', role: 'member', guest: true });
    const { fixture, el, row } = await setup(view);
    expect(row('Gail Partner').querySelector('[data-testid="member-guest"]')?.textContent?.trim()).toBe('Guest');
    expect(row('Bruno Braga').querySelector('[data-testid="member-guest"]')).toBeNull();
    api.searchPeople.mockResolvedValue({
      items: [
        { id: 7, display_name: 'Gus Outside', email: 'gus@partner.example', kind: 'guest' },
        { id: 8, display_name: 'Erin Staff', email: 'erin@example.test', kind: 'employee' },
      ],
      total: 2,
    });
    const search = el.querySelector('[data-testid="member-search"]') as HTMLInputElement;
    search.value = 'g';
    search.dispatchEvent(new Event('input'));
    await vi.waitFor(() => expect(el.querySelectorAll('[data-testid="member-add"]').length).toBe(2));
    await fixture.whenStable();
    expect(api.searchPeople).toHaveBeenCalledWith('g', { guests: true });
    const marks = [...el.querySelectorAll('.candidates li')].map((li) => [li.textContent?.includes('Gus'), !!li.querySelector('[data-testid="candidate-guest"]')]);
    expect(marks).toEqual([
      [true, true],
      [false, false],
    ]);
  });

  it('a plain member sees who can post but no control', async () => {
    const { el, row, box } = await setup(channel('member', true, true));
    expect(el.querySelectorAll('[data-testid="member-can-post"]').length).toBe(0);
    expect(row('Bruno Braga').querySelector('[data-testid="member-can-post-state"]')?.textContent?.trim()).toBe('can post');
    expect(box('Bruno Braga')).toBeNull();
    expect(el.querySelector('[data-testid="announcement-hint"]')?.textContent).toContain('members marked “can post” post here');
  });

  it('shows nothing about posting when announcement mode is off, and follows it when it is turned on live', async () => {
    const { fixture, el, row } = await setup(channel('moderator', false, true));
    expect(el.querySelector('[data-testid="member-can-post"]')).toBeNull();
    expect(el.querySelector('[data-testid="member-can-post-state"]')).toBeNull();
    expect(el.querySelector('[data-testid="announcement-hint"]')).toBeNull();
    active.set(channel('moderator', true, true));
    await fixture.whenStable();
    expect((row('Bruno Braga').querySelector('[data-testid="member-can-post"]') as HTMLInputElement).checked).toBe(true);
    expect((el.querySelector('[data-testid="setting-announcement"]') as HTMLInputElement).checked).toBe(true);
  });

  it('the announcement switch and role menus keep the focus while saving and go back when refused', async () => {
    const { fixture, el, row } = await setup(channel('owner', true));
    api.updateSettings.mockRejectedValue(new ApiError(403, 'forbidden', 'only owners and moderators change settings'));
    const announcement = el.querySelector('[data-testid="setting-announcement"]') as HTMLInputElement;
    announcement.focus();
    announcement.click();
    await fixture.whenStable();
    expect(api.updateSettings).toHaveBeenCalledWith(9, { announcement: false });
    await vi.waitFor(() => expect(el.querySelector('[data-testid="members-error"]')?.textContent).toContain('only owners and moderators'));
    expect(announcement.checked).toBe(true);
    expect(announcement.disabled).toBe(false);
    expect(document.activeElement).toBe(announcement);

    store.setMemberRole.mockRejectedValue(new ApiError(409, 'conflict', 'the last owner cannot step down'));
    const menu = row('Bruno Braga').querySelector('[data-testid="member-role-select"]') as HTMLSelectElement;
    menu.focus();
    menu.value = 'moderator';
    menu.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(store.setMemberRole).toHaveBeenCalledWith(BRUNO, 'moderator');
    await vi.waitFor(() => expect(menu.value).toBe('member'));
    expect(document.activeElement).toBe(menu);
  });

  it('a settings field typed in while another setting saves stays enabled, keeps the text and is saved next', async () => {
    const { fixture, el } = await setup(channel('owner', false));
    const pending: Array<(v: ChannelSettings) => void> = [];
    api.updateSettings.mockImplementation(() => new Promise<ChannelSettings>((resolve) => pending.push(resolve)));
    const announcement = el.querySelector('[data-testid="setting-announcement"]') as HTMLInputElement;
    announcement.click();
    await fixture.whenStable();
    expect(api.updateSettings).toHaveBeenCalledTimes(1);
    const countries = el.querySelector('[data-testid="setting-countries"]') as HTMLInputElement;
    expect(countries.disabled).toBe(false);
    countries.value = 'pt, de';
    countries.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    // The second save waits for the first.
    expect(api.updateSettings).toHaveBeenCalledTimes(1);
    pending[0]({ ...settings(true) });
    await vi.waitFor(() => expect(api.updateSettings).toHaveBeenCalledTimes(2));
    await fixture.whenStable();
    expect(countries.value).toBe('pt, de');
    expect(api.updateSettings).toHaveBeenLastCalledWith(9, { allowed_countries: ['PT', 'DE'] });
    pending[1]({ ...settings(true), allowed_countries: ['PT', 'DE'] });
    await vi.waitFor(() => expect(countries.value).toBe('PT, DE'));
    expect(announcement.checked).toBe(true);
  });

  it('tabbing from the name to the topic while the name saves keeps the topic typed and saves both, in order', async () => {
    const { fixture, el } = await setup({ ...channel('owner', false), kind: 'group', name: 'Team' });
    const done: Array<() => void> = [];
    const updateDetails = vi.fn().mockImplementation(() => new Promise<void>((resolve) => done.push(resolve)));
    (TestBed.inject(ChatStore) as unknown as { updateDetails: typeof updateDetails }).updateDetails = updateDetails;
    const name = el.querySelector('[data-testid="conversation-name-input"]') as HTMLInputElement;
    const topic = el.querySelector('[data-testid="conversation-topic-input"]') as HTMLInputElement;
    name.value = 'Tax team';
    name.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(topic.disabled).toBe(false);
    topic.value = 'Quarterly filings';
    topic.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(updateDetails).toHaveBeenCalledTimes(1);
    done[0]();
    await vi.waitFor(() => expect(updateDetails).toHaveBeenCalledTimes(2));
    expect(updateDetails.mock.calls).toEqual([[9, { name: 'Tax team' }], [9, { topic: 'Quarterly filings' }]]);
    expect(topic.value).toBe('Quarterly filings');
    done[1]();
  });

  it('a meeting\'s chat offers no rename, add or remove, even to its owner, and says why', async () => {
    const meeting: ConversationView = { ...channel('owner', false), kind: 'group', name: 'Meeting: Tax review', meeting: true };
    const { el } = await setup(meeting);
    expect(el.querySelector('[data-testid="meeting-chat-hint"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="conversation-details"]')).toBeNull();
    expect(el.querySelector('[data-testid="member-search"]')).toBeNull();
    expect(el.querySelector('[data-testid="member-remove"]')).toBeNull();
    // The same panel for an ordinary group has all three.
    document.body.replaceChildren();
    TestBed.resetTestingModule();
    const plain = await setup({ ...meeting, meeting: false, name: 'Team' });
    expect(plain.el.querySelector('[data-testid="meeting-chat-hint"]')).toBeNull();
    expect(plain.el.querySelector('[data-testid="conversation-details"]')).not.toBeNull();
    expect(plain.el.querySelector('[data-testid="member-search"]')).not.toBeNull();
    expect(plain.el.querySelector('[data-testid="member-remove"]')).not.toBeNull();
  });

  it('explains each failure in words a person can act on', () => {
    expect(posterFailure('Bruno', false, new ApiError(404, 'not_found', 'that person is not a member'))).toBe(
      "Couldn't stop Bruno from posting: Bruno is no longer a member of this channel.",
    );
    expect(posterFailure('Bruno', true, new ApiError(0, 'network_error', 'x'))).toBe(
      "Couldn't let Bruno post: can't reach the server. Check your connection and try again.",
    );
    expect(posterFailure('Bruno', true, new Error('odd'))).toBe("Couldn't let Bruno post: odd");
  });
});
