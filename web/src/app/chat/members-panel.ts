import { ChangeDetectionStrategy, Component, computed, effect, inject, output, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { canSeeHours, pairIds } from '../availability/overlap-logic';
import { ProfileCardTrigger } from '../availability/profile-card';
import { SessionStore } from '../core/session.store';
import { ApiError, errorMessage } from '../core/api-error';
import { User } from '../core/api-types';
import { ConversationMember, ConversationRole } from './chat-types';
import { ChannelSettings, ChatApi, RetentionInForce } from './chat-api';
import { ChatStore } from './chat-store';
import { MinuteClock } from '../core/clock';
import { PresenceDot } from './presence-dot';
import { PresenceStore, describeLocalTime, flagOf } from './presence-store';
import { UiButton } from '../ui/button';
import { UiBadge } from '../ui/badge';

/** Why letting `name` post (or not) failed, and what the person can do about it. */
export function posterFailure(name: string, canPost: boolean, failure: unknown): string {
  const what = canPost ? `Couldn't let ${name} post` : `Couldn't stop ${name} from posting`;
  if (failure instanceof ApiError) {
    if (failure.status === 403) return `${what}: only owners and moderators choose who posts. Ask one of them.`;
    if (failure.status === 404) return `${what}: ${name} is no longer a member of this channel.`;
    if (failure.status === 0) return `${what}: can't reach the server. Check your connection and try again.`;
    if (failure.status === 429) return `${what}: too many changes at once. Wait a moment and try again.`;
    if (failure.status >= 500) return `${what}: the server had a problem. Try again in a moment.`;
  }
  return `${what}: ${errorMessage(failure)}`;
}

/** The open conversation's people: add (groups: anyone; channels: owners/moderators), remove, leave. */
@Component({
  selector: 'mer-members-panel',
  imports: [RouterLink, UiButton, UiBadge, PresenceDot, ProfileCardTrigger],
  template: `
    <header>
      <h2>Members <span class="muted">{{ members().length }}</span></h2>
      @if (canSeeHours()) { <a uiButton="ghost" uiSize="sm" routerLink="/availability" [queryParams]="{ user_ids: overlapIds() }" data-testid="members-overlap">Overlap hours</a> }
      <button type="button" uiButton="ghost" (click)="closed.emit()" aria-label="Close members" data-testid="members-close">✕</button>
    </header>
    @if (error(); as message) {
      <div class="alert alert-error" role="alert" data-testid="members-error">{{ message }}</div>
    }
    @if (conversation(); as c) {
      @if (canEditDetails()) {
        <section class="about" data-testid="conversation-details">
          <label class="stack">Name
            <input type="text" [value]="c.name" maxlength="80" (change)="saveDetails({ name: $any($event.target).value })" data-testid="conversation-name-input" />
          </label>
          <label class="stack">Topic
            <input type="text" [value]="c.topic" maxlength="250" placeholder="What is this about?" (change)="saveDetails({ topic: $any($event.target).value })" data-testid="conversation-topic-input" />
          </label>
        </section>
      }
      @if (c.meeting) {
        <p class="hint" data-testid="meeting-chat-hint">The chat of a meeting: it is named after the meeting, and its members are the people invited to it or who took part.</p>
      }
      @if (retention(); as r) {
        <p class="retention" data-testid="retention-in-force">
          @if (r.policy && r.policy.keep_days > 0) {
            Messages are deleted after {{ r.policy.keep_days }} {{ r.policy.keep_days === 1 ? 'day' : 'days' }}
            <span class="muted">({{ scopeLabel(r.policy.scope) }})</span>.
          } @else {
            Messages are kept forever.
          }
          @if (r.legal_hold) {
            <strong class="hold" data-testid="retention-hold">Legal hold: nothing is deleted.</strong>
          }
        </p>
      }
    }
    @if (canAdd()) {
      <form (submit)="$event.preventDefault()" class="add">
        <label class="sr-only" for="member-search">Add people</label>
        <input id="member-search" type="search" placeholder="Add people by name or email" [value]="query()" (input)="search($any($event.target).value)" data-testid="member-search" />
        @if (query().trim() && candidates().length === 0 && !searching()) {
          <p class="hint">Nobody found who isn't already here.</p>
        }
        <ul class="candidates">
          @for (person of candidates(); track person.id) {
            <li>
              <span>{{ person.display_name }}@if (person.kind === 'guest') { <ui-badge tone="info" data-testid="candidate-guest">Guest</ui-badge> } <span class="muted">{{ person.email }}</span></span>
              <button type="button" uiButton uiSize="sm" (click)="add(person)" [disabled]="busy()" data-testid="member-add">Add</button>
            </li>
          }
        </ul>
      </form>
    }
    @if (announcement()) {
      <p class="hint" data-testid="announcement-hint">
        @if (choosesPosters()) {
          Announcement channel: owners and moderators post. Tick “can post” to let a member post too.
        } @else {
          Announcement channel: owners, moderators and members marked “can post” post here; everyone reacts and replies in threads.
        }
      </p>
    }
    <ul class="members" data-testid="members-list">
      @for (member of members(); track member.user_id) {
        <li data-testid="member">
          <mer-presence-dot [userId]="member.user_id" />
          <span class="name"><button type="button" [merProfileCard]="member.user_id" [merProfileCardName]="member.display_name" data-testid="member-name">{{ member.display_name }}</button>@if (member.user_id === myId()) { <span class="muted">(you)</span> }
            @if (member.guest) { <ui-badge tone="info" title="From outside the company, invited to this conversation" data-testid="member-guest">Guest</ui-badge> }
            @if (localTime(member.user_id); as local) {
              @if (canSeeHours()) {
                <a class="local" routerLink="/availability" [queryParams]="{ user_ids: pairIds(myId(), member.user_id) }" [attr.aria-label]="local + ': overlap hours with ' + member.display_name" data-testid="member-local-time">{{ local }}</a>
              } @else { <small class="local" data-testid="member-local-time">{{ local }}</small> }
            }
          </span>
          @if (canChangeRoles() && member.user_id !== myId()) {
            <label class="sr-only" [attr.for]="'role-' + member.user_id">Role of {{ member.display_name }}</label>
            <select [id]="'role-' + member.user_id" [value]="member.role" (change)="setRole(member, $event)" [attr.aria-busy]="busy()" data-testid="member-role-select">
              <option value="owner">owner</option>
              <option value="moderator">moderator</option>
              <option value="member">member</option>
              <option value="read_only">read-only</option>
            </select>
          } @else if (member.role !== 'member') {
            <span class="role" data-testid="member-role">{{ roleLabel(member) }}</span>
          }
          @if (announcement() && member.role === 'member') {
            @if (choosesPosters()) {
              <label class="poster" [class.on]="!!member.can_post" [attr.title]="'Let ' + member.display_name + ' post in this announcement channel'">
                <input type="checkbox" [checked]="!!member.can_post" [attr.aria-label]="member.display_name + ' can post'" [attr.aria-busy]="savingPoster() === member.user_id" (change)="setCanPost(member, $event)" data-testid="member-can-post" />
                can post
              </label>
            } @else if (member.can_post) {
              <span class="poster-state" data-testid="member-can-post-state">can post</span>
            }
          }
          @if (posterError(); as failed) {
            @if (failed.userId === member.user_id) {
              <p class="poster-error" role="alert" data-testid="member-can-post-error">{{ failed.message }}</p>
            }
          }
                    @if (canRemove(member)) {
            <button type="button" uiButton="ghost" class="danger" (click)="remove(member)" [disabled]="busy()" [attr.aria-label]="'Remove ' + member.display_name" data-testid="member-remove">Remove</button>
          }
        </li>
      }
    </ul>
    @if (conversation()?.kind === 'channel' && settings(); as st) {
      <section class="settings" data-testid="channel-settings">
        <h3>Channel settings</h3>
        <div class="row">
          <input id="setting-announcement" type="checkbox" [checked]="st.announcement" [disabled]="!canModerate()" [attr.aria-busy]="busy()" (change)="toggleAnnouncement($event)" data-testid="setting-announcement" />
          <label for="setting-announcement">Announcement mode (only owners, moderators and chosen posters post)</label>
        </div>
        <div class="row">
          <label for="setting-broadcast">&#64;channel / &#64;here:</label>
          <select id="setting-broadcast" [value]="st.broadcast_mentions" [disabled]="!canModerate()" (change)="saveSettings({ broadcast_mentions: $any($event.target).value })" data-testid="setting-broadcast">
            <option value="everyone">everyone</option>
            <option value="moderators">owners and moderators</option>
            <option value="nobody">nobody</option>
          </select>
        </div>
        <label class="stack">
          Limited to countries (e.g. PT, DE; empty: no limit)
          <input type="text" [value]="st.allowed_countries.join(', ')" [disabled]="!canModerate()" (change)="saveSettings({ allowed_countries: list($any($event.target).value) })" data-testid="setting-countries" />
        </label>
        <label class="stack">
          Limited to regions (e.g. EU; empty: no limit)
          <input type="text" [value]="st.allowed_regions.join(', ')" [disabled]="!canModerate()" (change)="saveSettings({ allowed_regions: list($any($event.target).value) })" data-testid="setting-regions" />
        </label>
      </section>
    }
    @if (canLeave()) {
      <button type="button" uiButton="danger-quiet" uiSize="sm" class="leave" (click)="leave()" [disabled]="busy()" data-testid="conversation-leave">Leave {{ kindLabel() }}</button>
    }
  `,
  styles: `
    :host { display: flex; flex-direction: column; gap: 0.6rem; width: 280px; padding: 0.75rem 1rem; border-left: 1px solid var(--border); background: var(--surface); overflow-y: auto; }
    header { display: flex; justify-content: space-between; align-items: center; }
    h2 { font-size: 1rem; margin: 0; }
    .muted { color: var(--text-muted); font-weight: 400; }
    input { width: 100%; font: inherit; padding: 0.4rem 0.6rem; border: 1px solid var(--border); border-radius: 6px; }
    ul { list-style: none; margin: 0; padding: 0; }
    li { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; padding: 0.3rem 0; font-size: 0.9rem; }
    .candidates li span { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .name { flex: 1; }
    .local { display: block; color: var(--text-muted); font-size: 0.75rem; }
    a.local { text-decoration: underline; text-underline-offset: 2px; width: fit-content; }
    .role { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--brand-strong); background: var(--brand-soft); border-radius: 4px; padding: 0 0.3rem; }
    .danger { color: var(--danger); font-size: 0.8rem; }
    select { font: inherit; font-size: 0.78rem; padding: 0.05rem 0.2rem; border: 1px solid var(--border); border-radius: 4px; }
    .poster { display: flex; align-items: center; gap: 0.25rem; font-size: 0.75rem; font-weight: 400; color: var(--text-muted); margin: 0; cursor: pointer; white-space: nowrap; }
    .poster.on { color: var(--brand-strong); }
    .poster input { width: auto; margin: 0; }
    .poster:focus-within { outline: 2px solid var(--brand); outline-offset: 1px; border-radius: 4px; }
    .poster-state { font-size: 0.72rem; color: var(--brand-strong); background: var(--brand-soft); border-radius: 4px; padding: 0 0.3rem; white-space: nowrap; }
    .poster-error { flex-basis: 100%; margin: 0; font-size: 0.78rem; color: var(--danger); }
    .hint { font-size: 0.8rem; color: var(--text-muted); margin: 0; }
    .about { display: flex; flex-direction: column; gap: 0.4rem; font-size: 0.85rem; }
    .retention { font-size: 0.82rem; margin: 0; padding: 0.4rem 0.5rem; background: var(--surface-muted); border-radius: 6px; }
    .hold { display: block; color: var(--brand-strong); }
    .leave { align-self: flex-start; margin-top: 0.5rem; }
    .settings { border-top: 1px solid var(--border); padding-top: 0.5rem; font-size: 0.85rem; display: flex; flex-direction: column; gap: 0.45rem; }
    h3 { font-size: 0.9rem; margin: 0; }
    .row { display: flex; gap: 0.4rem; align-items: center; flex-wrap: nowrap; }
    .row label { font-weight: 400; margin: 0; }
    .row input[type='checkbox'] { width: auto; flex: none; margin: 0; }
    .row select { width: auto; }
    .settings label.stack { font-weight: 400; }
    .stack { display: flex; flex-direction: column; gap: 0.2rem; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MembersPanel {
  private readonly store = inject(ChatStore);
  private readonly api = inject(ChatApi);
  private readonly presence = inject(PresenceStore);
  private readonly clock = inject(MinuteClock);
  private readonly session = inject(SessionStore);
  /** Overlap hours are offered only to whom the server shows colleagues' hours. */
  protected readonly canSeeHours = computed(() => canSeeHours(this.session.user()));
  protected readonly pairIds = pairIds;

  readonly closed = output<void>();
  readonly left = output<void>();

  protected readonly myId = this.store.myId;
  protected readonly conversation = this.store.active;
  protected readonly members = computed(() =>
    [...(this.conversation()?.members ?? [])].sort((a, b) => a.display_name.localeCompare(b.display_name)),
  );
  /** The members, for the overlap hours page (at most the 100 it takes). */
  protected readonly overlapIds = computed(() => this.members().slice(0, 100).map((m) => m.user_id).join(','));
  protected readonly query = signal('');
  protected readonly people = signal<User[]>([]);
  protected readonly searching = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly candidates = computed(() => {
    const here = new Set(this.members().map((m) => m.user_id));
    return this.people().filter((p) => !here.has(p.id) && p.kind !== 'customer');
  });
  protected readonly kindLabel = computed(() => (this.conversation()?.kind === 'channel' ? 'channel' : 'group'));
  protected readonly canAdd = computed(() => {
    const c = this.conversation();
    // A meeting's chat follows the meeting's invitations.
    if (!c || c.kind === 'direct' || c.meeting || c.my_role === 'read_only') return false;
    return c.kind === 'group' || this.store.canModerate();
  });
  /** Owners of channels and groups change roles. */
  protected readonly canChangeRoles = computed(() => {
    const c = this.conversation();
    return !!c && c.kind !== 'direct' && c.my_role === 'owner';
  });
  protected readonly canLeave = computed(() => {
    const c = this.conversation();
    return !!c && c.kind !== 'direct';
  });

  private generation = 0;
  protected readonly settings = signal<ChannelSettings | null>(null);
  protected readonly retention = signal<RetentionInForce | null>(null);
  /** Announcement mode is on (live: conversation.updated keeps the conversation's settings current). */
  protected readonly announcement = computed(() => {
    const c = this.conversation();
    return c?.kind === 'channel' && !!(c.settings?.announcement ?? this.settings()?.announcement);
  });
  /** In an announcement channel, owners and moderators choose who else posts. */
  protected readonly choosesPosters = computed(() => this.announcement() && this.store.canModerate());
  /** The member whose "can post" is being saved; a second change meanwhile is undone. */
  protected readonly savingPoster = signal<number | null>(null);
  protected readonly posterError = signal<{ userId: number; message: string } | null>(null);
  /** Owners and moderators of groups and channels rename them and set the topic. */
  protected readonly canEditDetails = computed(() => {
    const c = this.conversation();
    // A meeting's chat is named after the meeting.
    return !!c && !c.meeting && (c.kind === 'channel' || c.kind === 'group') && (c.my_role === 'owner' || c.my_role === 'moderator');
  });
  protected readonly canModerate = this.store.canModerate;

  // Keyed by id: a live change of the conversation (a member, a rename) must not read these
  // again or blank them meanwhile, which also took the focus off the panel's controls.
  private readonly conversationId = computed(() => this.conversation()?.id ?? null);
  private readonly channelId = computed(() => {
    const c = this.conversation();
    return c?.kind === 'channel' ? c.id : null;
  });
  private readonly liveSettings = computed(() => this.conversation()?.settings as Partial<ChannelSettings> | undefined);

  constructor() {
    effect(() => {
      const id = this.conversationId();
      untracked(() => {
        this.retention.set(null);
        if (id !== null)
          this.api.getRetention(id).then(
            (r) => {
              if (this.conversation()?.id === id) this.retention.set(r);
            },
            () => undefined, // an observer (support agent before claiming) is no member: no line
          );
      });
    });
    effect(() => {
      const id = this.channelId();
      untracked(() => {
        this.settings.set(null);
        if (id !== null)
          this.api.getSettings(id).then(
            (st) => {
              if (this.conversation()?.id === id) this.settings.set(st);
            },
            () => undefined, // e.g. before chat features: no settings section
          );
      });
    });
    // Another owner or moderator changed the settings: conversation.updated carries them.
    effect(() => {
      const live = this.liveSettings();
      if (live && Array.isArray(live.allowed_countries) && Array.isArray(live.allowed_regions) && typeof live.broadcast_mentions === 'string')
        untracked(() => this.settings.set(live as ChannelSettings));
    });
  }

  protected list(text: string): string[] {
    return text
      .split(/[\s,;]+/)
      .map((x) => x.trim().toUpperCase())
      .filter(Boolean);
  }

  // Name, topic, settings and roles are saved one after another. Their fields stay enabled while
  // one saves: a field disabled under the user's fingers loses what they typed (it never
  // fires change; think of tabbing from the name to the topic), so a change made meanwhile
  // waits its turn instead.
  private fieldsSaved: Promise<unknown> = Promise.resolve();

  private saveInTurn(action: () => Promise<void>): Promise<boolean> {
    const saved = this.fieldsSaved.then(() => this.run(action));
    this.fieldsSaved = saved;
    return saved;
  }

  protected saveSettings(patch: Partial<ChannelSettings>): Promise<boolean> {
    const c = this.conversation();
    if (!c) return Promise.resolve(false);
    return this.saveInTurn(async () => {
      this.settings.set(await this.api.updateSettings(c.id, patch));
    });
  }

  // The announcement switch and the role menus stay enabled while something saves, so the
  // keyboard focus stays on them. The switch waits its turn behind a name, topic or settings
  // save; one refused is put back.
  protected async toggleAnnouncement(event: Event): Promise<void> {
    const box = event.target as HTMLInputElement;
    const on = box.checked;
    if (!(await this.saveSettings({ announcement: on }))) box.checked = !on;
  }

  protected async saveDetails(patch: { name?: string; topic?: string }): Promise<void> {
    const c = this.conversation();
    if (!c) return;
    await this.saveInTurn(() => this.store.updateDetails(c.id, patch));
  }

  protected scopeLabel(scope: string): string {
    const [kind, value] = scope.split(':', 2);
    if (kind === 'global') return 'the organisation’s default';
    if (kind === 'kind') return `the policy for all ${value === 'direct' ? 'direct messages' : value + 's'}`;
    if (kind === 'conversation') return 'a policy for this conversation';
    if (kind === 'country') return `the policy for customers in ${value}`;
    if (kind === 'region') return `the policy for customers in ${value}`;
    return scope;
  }

  protected canRemove(member: ConversationMember): boolean {
    const c = this.conversation();
    if (!c || c.kind === 'direct' || c.meeting || member.user_id === this.myId()) return false;
    if (c.my_role === 'owner') return true;
    return c.my_role === 'moderator' && member.role !== 'owner';
  }

  protected localTime(userId: number): string {
    const info = this.presence.all().get(userId);
    const local = describeLocalTime(info, this.clock.now());
    return local ? `${flagOf(info)} ${local}`.trim() : '';
  }

  protected roleLabel(member: ConversationMember): string {
    return member.role === 'read_only' ? 'read-only' : member.role;
  }

  protected async search(value: string): Promise<void> {
    this.query.set(value);
    const generation = ++this.generation;
    if (!value.trim()) {
      this.people.set([]);
      return;
    }
    this.searching.set(true);
    try {
      // Groups and channels may invite guests (people from outside, with an account).
      const page = await this.api.searchPeople(value.trim(), { guests: true });
      if (generation === this.generation) this.people.set(page.items);
    } catch (failure) {
      if (generation === this.generation) this.error.set(errorMessage(failure));
    } finally {
      if (generation === this.generation) this.searching.set(false);
    }
  }

  protected async add(person: User): Promise<void> {
    await this.run(() => this.store.addMember(person.id));
  }

  protected async setRole(member: ConversationMember, event: Event): Promise<void> {
    const menu = event.target as HTMLSelectElement;
    const role = menu.value as ConversationRole;
    if (!(await this.saveInTurn(() => this.store.setMemberRole(member.user_id, role)))) menu.value = member.role;
  }

  protected async setCanPost(member: ConversationMember, event: Event): Promise<void> {
    const box = event.target as HTMLInputElement;
    const canPost = box.checked;
    if (this.savingPoster() !== null) {
      box.checked = !canPost; // one at a time; the box stays focused and enabled for the keyboard
      return;
    }
    this.savingPoster.set(member.user_id);
    this.posterError.set(null);
    try {
      await this.store.setMemberCanPost(member.user_id, canPost);
    } catch (failure) {
      box.checked = !!member.can_post; // what the server still holds
      this.posterError.set({ userId: member.user_id, message: posterFailure(member.display_name, canPost, failure) });
      if (failure instanceof ApiError && (failure.status === 403 || failure.status === 404)) void this.store.refreshActive();
    } finally {
      this.savingPoster.set(null);
    }
  }

  protected async remove(member: ConversationMember): Promise<void> {
    await this.run(() => this.store.removeMember(member.user_id));
  }

  protected async leave(): Promise<void> {
    const c = this.conversation();
    if (!c) return;
    if (await this.run(() => this.store.leave(c.id))) this.left.emit();
  }

  private async run(action: () => Promise<void>): Promise<boolean> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await action();
      return true;
    } catch (failure) {
      this.error.set(errorMessage(failure));
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}
