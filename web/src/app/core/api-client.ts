import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import {
  AuditPage,
  AuditQuery,
  CreateTeamRequest,
  CreateUserRequest,
  FeatureToggle,
  Items,
  ListUsersQuery,
  LoginRequest,
  LoginResponse,
  Me,
  Page,
  ResetPasswordResponse,
  TeamDetail,
  TeamRole,
  TeamSummary,
  UpdateFeatureToggleRequest,
  UpdateUserRequest,
  User,
} from './api-types';

export const API_BASE = '/api/v1';

type QueryValue = string | number | undefined | null;

export function params(query: Record<string, QueryValue>): HttpParams {
  let result = new HttpParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    result = result.set(key, String(value));
  }
  return result;
}

/**
 * The one typed client for the REST API. Failures reject with an ApiError
 * (see apiInterceptor); the bearer token is added there too.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly http = inject(HttpClient);

  // --- auth -----------------------------------------------------------------

  login(body: LoginRequest): Promise<LoginResponse> {
    return firstValueFrom(this.http.post<LoginResponse>(`${API_BASE}/auth/login`, body));
  }

  logout(): Promise<void> {
    return firstValueFrom(this.http.post<void>(`${API_BASE}/auth/logout`, null));
  }

  me(): Promise<Me> {
    return firstValueFrom(this.http.get<Me>(`${API_BASE}/me`));
  }

  // --- admin: users ---------------------------------------------------------

  listUsers(query: ListUsersQuery = {}): Promise<Page<User>> {
    return firstValueFrom(
      this.http.get<Page<User>>(`${API_BASE}/admin/users`, {
        params: params({ q: query.q, limit: query.limit, offset: query.offset }),
      }),
    );
  }

  createUser(body: CreateUserRequest): Promise<User> {
    return firstValueFrom(this.http.post<User>(`${API_BASE}/admin/users`, body));
  }

  updateUser(id: number, body: UpdateUserRequest): Promise<User> {
    return firstValueFrom(this.http.patch<User>(`${API_BASE}/admin/users/${id}`, body));
  }

  deactivateUser(id: number): Promise<User> {
    return firstValueFrom(this.http.post<User>(`${API_BASE}/admin/users/${id}/deactivate`, {}));
  }

  resetPassword(id: number): Promise<ResetPasswordResponse> {
    return firstValueFrom(
      this.http.post<ResetPasswordResponse>(`${API_BASE}/admin/users/${id}/reset-password`, {}),
    );
  }

  // --- admin: teams ---------------------------------------------------------

  listTeams(): Promise<Items<TeamSummary>> {
    return firstValueFrom(this.http.get<Items<TeamSummary>>(`${API_BASE}/admin/teams`));
  }

  createTeam(body: CreateTeamRequest): Promise<TeamSummary> {
    return firstValueFrom(this.http.post<TeamSummary>(`${API_BASE}/admin/teams`, body));
  }

  getTeam(id: number): Promise<TeamDetail> {
    return firstValueFrom(this.http.get<TeamDetail>(`${API_BASE}/admin/teams/${id}`));
  }

  /** Moves the team, and its team file space, to another region. */
  setTeamRegion(id: number, region: string): Promise<TeamSummary> {
    return firstValueFrom(this.http.patch<TeamSummary>(`${API_BASE}/admin/teams/${id}`, { region }));
  }

  /** The data regions people and teams can be in (EU, AMER, APAC, MEA and any configured). */
  listRegions(): Promise<{ regions: string[] }> {
    return firstValueFrom(this.http.get<{ regions: string[] }>(`${API_BASE}/admin/regions`));
  }

  addTeamMember(teamId: number, userId: number): Promise<void> {
    return firstValueFrom(this.http.put<void>(`${API_BASE}/admin/teams/${teamId}/members/${userId}`, null));
  }

  /** Makes a member the team's lead (may send alerts to the team) or a plain member again. */
  setTeamRole(teamId: number, userId: number, role: TeamRole): Promise<void> {
    return firstValueFrom(this.http.put<void>(`${API_BASE}/admin/teams/${teamId}/members/${userId}`, { role }));
  }

  removeTeamMember(teamId: number, userId: number): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${API_BASE}/admin/teams/${teamId}/members/${userId}`));
  }

  // --- admin: feature toggles -----------------------------------------------

  listFeatureToggles(): Promise<Items<FeatureToggle>> {
    return firstValueFrom(this.http.get<Items<FeatureToggle>>(`${API_BASE}/admin/feature-toggles`));
  }

  updateFeatureToggle(feature: string, body: UpdateFeatureToggleRequest): Promise<FeatureToggle> {
    return firstValueFrom(
      this.http.put<FeatureToggle>(`${API_BASE}/admin/feature-toggles/${encodeURIComponent(feature)}`, body),
    );
  }

  // --- admin: audit log -----------------------------------------------------

  listAudit(query: AuditQuery = {}): Promise<AuditPage> {
    return firstValueFrom(
      this.http.get<AuditPage>(`${API_BASE}/admin/audit`, {
        params: params({
          action: query.action,
          actor_id: query.actor_id,
          since: query.since,
          until: query.until,
          limit: query.limit,
          cursor: query.cursor,
        }),
      }),
    );
  }
}
