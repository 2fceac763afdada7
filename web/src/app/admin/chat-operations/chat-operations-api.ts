import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE } from '../../core/api-client';
import { Items } from '../../core/api-types';

export interface RetentionPolicy {
  scope: string;
  keep_days: number;
  updated_at: number;
}

export interface LegalHold {
  scope: string;
  reason: string;
  created_by: number;
  created_at: number;
}

export interface SupportRoute {
  scope: string;
  team: { id: number; name: string };
}

/** Admin REST for retention (policies, holds) and support routing (docs/openapi.yaml). */
@Injectable({ providedIn: 'root' })
export class ChatOperationsApi {
  private readonly http = inject(HttpClient);

  policies(): Promise<Items<RetentionPolicy>> {
    return firstValueFrom(this.http.get<Items<RetentionPolicy>>(`${API_BASE}/admin/retention/policies`));
  }
  setPolicy(scope: string, keepDays: number): Promise<RetentionPolicy> {
    return firstValueFrom(
      this.http.put<RetentionPolicy>(`${API_BASE}/admin/retention/policies/${encodeURIComponent(scope)}`, { keep_days: keepDays }),
    );
  }
  deletePolicy(scope: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(`${API_BASE}/admin/retention/policies/${encodeURIComponent(scope)}`));
  }
  holds(): Promise<Items<LegalHold>> {
    return firstValueFrom(this.http.get<Items<LegalHold>>(`${API_BASE}/admin/retention/holds`));
  }
  setHold(scope: string, reason: string): Promise<LegalHold> {
    return firstValueFrom(this.http.put<LegalHold>(`${API_BASE}/admin/retention/holds/${encodeURIComponent(scope)}`, { reason }));
  }
  deleteHold(scope: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(`${API_BASE}/admin/retention/holds/${encodeURIComponent(scope)}`));
  }
  routes(): Promise<Items<SupportRoute>> {
    return firstValueFrom(this.http.get<Items<SupportRoute>>(`${API_BASE}/admin/support/routes`));
  }
  setRoute(scope: string, teamId: number): Promise<SupportRoute> {
    return firstValueFrom(this.http.put<SupportRoute>(`${API_BASE}/admin/support/routes/${encodeURIComponent(scope)}`, { team_id: teamId }));
  }
  deleteRoute(scope: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(`${API_BASE}/admin/support/routes/${encodeURIComponent(scope)}`));
  }
  teams(): Promise<Items<{ id: number; name: string }>> {
    return firstValueFrom(this.http.get<Items<{ id: number; name: string }>>(`${API_BASE}/admin/teams`));
  }
}

/** Builds a scope from the form: "global", "kind:channel", "country:DE", "region:EU", "conversation:12", "user:7". */
export function buildScope(kind: string, value: string): string | null {
  const v = value.trim();
  switch (kind) {
    case 'global':
    case 'default':
      return kind;
    case 'kind':
      return ['direct', 'group', 'channel', 'support'].includes(v) ? `kind:${v}` : null;
    case 'country':
      return /^[A-Za-z]{2}$/.test(v) ? `country:${v.toUpperCase()}` : null;
    case 'region':
      return /^[A-Za-z0-9_-]{1,32}$/.test(v) ? `region:${v}` : null;
    case 'conversation':
    case 'user':
      return /^[1-9][0-9]*$/.test(v) ? `${kind}:${v}` : null;
    default:
      return null;
  }
}

/** "kind:channel" -> "All channels", for people rather than machines. */
export function describeScope(scope: string): string {
  const [kind, value] = scope.split(':', 2);
  switch (kind) {
    case 'global':
      return 'Everything (global default)';
    case 'default':
      return 'Everyone else (default)';
    case 'kind':
      return { direct: 'All direct messages', group: 'All groups', channel: 'All channels', support: 'All support conversations' }[value] ?? scope;
    case 'country':
      return `Support customers in ${value}`;
    case 'region':
      return `Support customers in region ${value}`;
    case 'conversation':
      return `Conversation #${value}`;
    case 'user':
      return `Person #${value}`;
    default:
      return scope;
  }
}
