import { Injectable, computed, inject, signal } from '@angular/core';
import { ApiClient } from '../../core/api-client';
import { errorMessage } from '../../core/api-error';
import { TeamDetail, TeamRole, TeamSummary, User } from '../../core/api-types';

/** Teams and the one team the admin has open. */
@Injectable()
export class TeamsStore {
  private readonly api = inject(ApiClient);

  private readonly teamsState = signal<TeamSummary[]>([]);
  private readonly loadedState = signal(false);
  private readonly errorState = signal<string | null>(null);
  private readonly selectedState = signal<TeamDetail | null>(null);
  private readonly selectedLoading = signal(false);

  readonly teams = computed(() => [...this.teamsState()].sort((a, b) => a.name.localeCompare(b.name)));
  readonly loaded = this.loadedState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly selected = this.selectedState.asReadonly();
  readonly loadingSelected = this.selectedLoading.asReadonly();
  readonly memberIds = computed(() => new Set(this.selectedState()?.members.map((member) => member.id) ?? []));

  async load(): Promise<void> {
    this.errorState.set(null);
    try {
      this.teamsState.set((await this.api.listTeams()).items);
      this.loadedState.set(true);
    } catch (failure) {
      this.errorState.set(errorMessage(failure));
    }
  }

  /** The regions a team can be in; the shipped four when the list can't be read. */
  readonly regions = signal<string[]>(['AMER', 'APAC', 'EU', 'MEA']);

  async loadRegions(): Promise<void> {
    try {
      const { regions } = await this.api.listRegions();
      if (regions.length) this.regions.set(regions);
    } catch {
      // The shipped four stay; the server still checks.
    }
  }

  async create(name: string, region?: string): Promise<TeamSummary> {
    const team = await this.api.createTeam(region ? { name, region } : { name });
    this.teamsState.update((teams) => [...teams.filter((t) => t.id !== team.id), team]);
    return team;
  }

  async open(id: number): Promise<void> {
    this.selectedLoading.set(true);
    try {
      this.selectedState.set(await this.api.getTeam(id));
    } finally {
      this.selectedLoading.set(false);
    }
  }

  close(): void {
    this.selectedState.set(null);
  }

  async addMember(user: User): Promise<void> {
    const team = this.selectedState();
    if (!team) return;
    await this.api.addTeamMember(team.id, user.id);
    await this.refreshSelected(team.id);
  }

  /** Makes a member the team's lead, or a plain member again. */
  async setRole(user: User, role: TeamRole): Promise<void> {
    const team = this.selectedState();
    if (!team) return;
    await this.api.setTeamRole(team.id, user.id, role);
    await this.refreshSelected(team.id);
  }

  async removeMember(user: User): Promise<void> {
    const team = this.selectedState();
    if (!team) return;
    await this.api.removeTeamMember(team.id, user.id);
    await this.refreshSelected(team.id);
  }

  /** Moves the open team (and its file space) to `region`. */
  async setRegion(region: string): Promise<void> {
    const team = this.selectedState();
    if (!team || team.region === region) return;
    const moved = await this.api.setTeamRegion(team.id, region);
    this.selectedState.update((t) => (t && t.id === moved.id ? { ...t, region: moved.region } : t));
    this.teamsState.update((teams) => teams.map((t) => (t.id === moved.id ? { ...t, region: moved.region } : t)));
  }

  /** Users matching `query` who are not in the open team yet. */
  async candidates(query: string): Promise<User[]> {
    const page = await this.api.listUsers({ q: query, limit: 8 });
    const members = this.memberIds();
    return page.items.filter((user) => user.active && !members.has(user.id));
  }

  private async refreshSelected(id: number): Promise<void> {
    const team = await this.api.getTeam(id);
    this.selectedState.set(team);
    this.teamsState.update((teams) => teams.map((t) => (t.id === id ? { ...t, member_count: team.members.length, lead_ids: team.lead_ids } : t)));
  }
}
