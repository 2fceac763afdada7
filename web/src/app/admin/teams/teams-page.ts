import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { SessionStore } from '../../core/session.store';
import { errorMessage } from '../../core/api-error';
import { TeamMember, TeamSummary, User } from '../../core/api-types';
import { TeamsStore } from './teams.store';
import { UiBadge } from '../../ui/badge';
import { UiButton } from '../../ui/button';
import { UiFlag } from '../../ui/flag';
import { UiInput } from '../../ui/form-controls';

@Component({
  imports: [RouterLink, UiBadge, UiButton, UiFlag, UiInput],
  selector: 'mer-teams-page',
  providers: [TeamsStore],
  templateUrl: './teams-page.html',
  styleUrl: './teams-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TeamsPage {
  protected readonly store = inject(TeamsStore);

  protected readonly newName = signal('');
  /** The new team's region: the creator's own unless they pick another. */
  protected readonly newRegion = signal(inject(SessionStore).user()?.region || 'EU');
  protected readonly regionSaving = signal(false);
  protected readonly regionMessage = signal<string | null>(null);
  protected readonly creating = signal(false);
  protected readonly createError = signal<string | null>(null);
  protected readonly detailError = signal<string | null>(null);
  protected readonly memberQuery = signal('');
  protected readonly candidates = signal<User[]>([]);
  protected readonly searching = signal(false);

  private searchTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    void this.store.load();
    void this.store.loadRegions();
    inject(DestroyRef).onDestroy(() => {
      if (this.searchTimer) clearTimeout(this.searchTimer);
    });
  }

  protected onName(event: Event): void {
    this.newName.set((event.target as HTMLInputElement).value);
  }

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    const name = this.newName().trim();
    if (!name) {
      this.createError.set('Give the team a name, e.g. “Support Lisbon”.');
      return;
    }
    this.creating.set(true);
    this.createError.set(null);
    try {
      const team = await this.store.create(name, this.newRegion());
      this.newName.set('');
      await this.select(team);
    } catch (failure) {
      this.createError.set(errorMessage(failure));
    } finally {
      this.creating.set(false);
    }
  }

  protected onNewRegion(event: Event): void {
    this.newRegion.set((event.target as HTMLSelectElement).value);
  }

  protected async changeRegion(event: Event): Promise<void> {
    const select = event.target as HTMLSelectElement;
    const region = select.value;
    this.detailError.set(null);
    this.regionMessage.set(null);
    this.regionSaving.set(true);
    try {
      await this.store.setRegion(region);
      this.regionMessage.set(`Moved to ${region}. New files in the team's space are stored there.`);
    } catch (failure) {
      select.value = this.store.selected()?.region ?? region;
      this.detailError.set(errorMessage(failure));
    } finally {
      this.regionSaving.set(false);
    }
  }

  protected async select(team: TeamSummary): Promise<void> {
    this.detailError.set(null);
    this.regionMessage.set(null);
    this.memberQuery.set('');
    this.candidates.set([]);
    try {
      await this.store.open(team.id);
    } catch (failure) {
      this.detailError.set(errorMessage(failure));
    }
  }

  protected onMemberQuery(event: Event): void {
    const query = (event.target as HTMLInputElement).value;
    this.memberQuery.set(query);
    if (this.searchTimer) clearTimeout(this.searchTimer);
    if (!query.trim()) {
      this.candidates.set([]);
      return;
    }
    this.searchTimer = setTimeout(() => void this.findCandidates(query.trim()), 250);
  }

  protected async add(user: User): Promise<void> {
    this.detailError.set(null);
    try {
      await this.store.addMember(user);
      this.candidates.update((list) => list.filter((candidate) => candidate.id !== user.id));
    } catch (failure) {
      this.detailError.set(errorMessage(failure));
    }
  }

  protected async toggleLead(member: TeamMember): Promise<void> {
    this.detailError.set(null);
    try {
      await this.store.setRole(member, member.team_role === 'lead' ? 'member' : 'lead');
    } catch (failure) {
      this.detailError.set(errorMessage(failure));
    }
  }

  protected async remove(user: User): Promise<void> {
    this.detailError.set(null);
    try {
      await this.store.removeMember(user);
    } catch (failure) {
      this.detailError.set(errorMessage(failure));
    }
  }

  private async findCandidates(query: string): Promise<void> {
    this.searching.set(true);
    try {
      const found = await this.store.candidates(query);
      if (this.memberQuery().trim() === query) this.candidates.set(found);
    } catch (failure) {
      this.detailError.set(errorMessage(failure));
    } finally {
      this.searching.set(false);
    }
  }

  /** The members, for the overlap hours page (at most the 100 it takes). */
  protected memberIds(members: User[]): string {
    return members.slice(0, 100).map((m) => m.id).join(',');
  }
}
