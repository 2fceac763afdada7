// The alerts REST contract (docs/openapi.yaml, tag alerts; JSON from server/src/alerts/alerts_json.cpp).
import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE, params } from '../core/api-client';
import { Items, TeamSummary } from '../core/api-types';

export type AlertPriority = 'info' | 'warning' | 'critical';
export type AlertCategory = 'system' | 'announcement' | 'compliance' | 'emergency';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export const PRIORITIES: readonly AlertPriority[] = ['info', 'warning', 'critical'];
export const CATEGORIES: readonly AlertCategory[] = ['announcement', 'system', 'compliance', 'emergency'];

export interface AlertAudience {
  user_ids?: number[];
  team_ids?: number[];
  countries?: string[];
  regions?: string[];
  roles?: string[];
  exclude_user_ids?: number[];
}

export interface AlertQuorum {
  count: number;
  countries?: string[];
  team_ids?: number[];
}

/** One recipient's receipts (times in Unix ms, null until they happen). */
export interface AlertReceipt {
  user_id: number;
  display_name: string;
  country: string;
  delivered_at: number | null;
  read_at: number | null;
  acknowledged_at: number | null;
  comment: string;
}

export interface Alert {
  id: number;
  title: string;
  body: string;
  priority: AlertPriority;
  category: AlertCategory;
  status: AlertStatus;
  /** Critical priority or the emergency category: delivered as a modal that stays until acknowledged. */
  interrupts: boolean;
  sender: { id: number | null; name: string; integration_id?: number | null };
  require_ack: boolean;
  quorum: AlertQuorum | null;
  dedup_key: string | null;
  repeat_count: number;
  recipient_count: number;
  ack_count: number;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  acknowledged_at: number | null;
  resolved_at: number | null;
}

/** An alert as a recipient sees it: with their own receipt (`me`, null when not a recipient). */
export interface AlertView extends Alert {
  me: AlertReceipt | null;
}

export interface NewAlert {
  title: string;
  body?: string;
  priority: AlertPriority;
  category?: AlertCategory;
  audience: AlertAudience;
  require_ack?: boolean;
  quorum?: AlertQuorum;
  dedup_key?: string;
  expires_at?: number;
  /** Escalation steps, in order: after N minutes without the required acknowledgement. */
  escalation?: EscalationStepInput[];
}

/** again: notify those who have not acknowledged once more; leads: their team leads. */
export interface EscalationStepInput {
  after_minutes: number;
  notify: 'again' | 'leads';
}

export interface AudienceCount {
  recipient_count: number;
  by_country: Record<string, number>;
}

export interface RecipientsPage {
  items: AlertReceipt[];
  next?: number;
}

/** An incoming integration (GET /alerts/integrations, admins; docs/openapi.yaml AlertIntegration). */
export interface AlertIntegration {
  id: number;
  name: string;
  kind: 'alertmanager' | 'webhook';
  audience: AlertAudience;
  require_ack: boolean;
  created_by: number | null;
  created_at: number;
  webhook_path: string;
  alertmanager_url: string | null;
  /** Why its sends are refused now (its creator no longer an admin), null when they are not. */
  suspended?: string | null;
  /** Only in the answer to create and rotate: shown once. */
  secret?: string;
}

export interface NewIntegration {
  name: string;
  kind: 'alertmanager' | 'webhook';
  audience: AlertAudience;
  require_ack?: boolean;
  alertmanager_url?: string;
}

/** A scheduled alert (GET /alerts/schedules): wall-clock `at` in `time_zone`, or in each recipient's own zone. */
export interface AlertSchedule {
  id: number;
  sender_id: number;
  title: string;
  /** "2026-03-29T09:00" */
  at: string;
  time_zone: string | null;
  recipient_local: boolean;
  rrule: string;
  state: 'active' | 'paused' | 'done' | 'stopped' | 'cancelled';
  next_at: number | null;
  /** The next occurrences (Unix ms, at most 5; one time zone only). */
  upcoming: number[];
  fired_count: number;
  last_fired_at: number | null;
  last_alert_id: number | null;
  created_at: number;
  alert?: NewAlert;
  zones?: { time_zone: string; state: string; next_at: number | null; fired_count: number }[];
}

export interface NewSchedule {
  alert: NewAlert;
  at: string;
  time_zone?: string;
  recipient_local?: boolean;
  rrule?: string;
}

@Injectable({ providedIn: 'root' })
export class AlertsApi {
  private readonly http = inject(HttpClient);

  /** The alerts I received, newest first, each with my receipt. */
  received(): Promise<Items<AlertView>> {
    return firstValueFrom(this.http.get<Items<AlertView>>(`${API_BASE}/alerts`));
  }

  /** The alerts I sent, newest first. */
  sent(): Promise<Items<Alert>> {
    return firstValueFrom(this.http.get<Items<Alert>>(`${API_BASE}/alerts`, { params: params({ sent: 'true' }) }));
  }

  get(id: number): Promise<AlertView> {
    return firstValueFrom(this.http.get<AlertView>(`${API_BASE}/alerts/${id}`));
  }

  send(body: NewAlert): Promise<Alert & { deduplicated: boolean }> {
    return firstValueFrom(this.http.post<Alert & { deduplicated: boolean }>(`${API_BASE}/alerts`, body));
  }

  preview(audience: AlertAudience): Promise<AudienceCount> {
    return firstValueFrom(this.http.post<AudienceCount>(`${API_BASE}/alerts/preview`, { audience }));
  }

  recipients(id: number, after = 0, limit = 200): Promise<RecipientsPage> {
    return firstValueFrom(
      this.http.get<RecipientsPage>(`${API_BASE}/alerts/${id}/recipients`, { params: params({ after: after || undefined, limit }) }),
    );
  }

  markRead(id: number): Promise<AlertView> {
    return firstValueFrom(this.http.post<AlertView>(`${API_BASE}/alerts/${id}/read`, null));
  }

  acknowledge(id: number, comment = ''): Promise<AlertView> {
    const body = comment.trim() ? { comment: comment.trim() } : {};
    return firstValueFrom(this.http.post<AlertView>(`${API_BASE}/alerts/${id}/ack`, body));
  }

  /** The organisation's teams (the directory's list, open to staff): what a team lead picks from. */
  teams(): Promise<Items<TeamSummary>> {
    return firstValueFrom(this.http.get<Items<TeamSummary>>(`${API_BASE}/teams`));
  }

  schedules(): Promise<Items<AlertSchedule>> {
    return firstValueFrom(this.http.get<Items<AlertSchedule>>(`${API_BASE}/alerts/schedules`, { params: params({ limit: 200 }) }));
  }

  schedule(body: NewSchedule): Promise<AlertSchedule> {
    return firstValueFrom(this.http.post<AlertSchedule>(`${API_BASE}/alerts/schedules`, body));
  }

  /** pause, resume or cancel (DELETE: kept as cancelled). */
  changeSchedule(id: number, change: 'pause' | 'resume' | 'cancel'): Promise<AlertSchedule> {
    const url = `${API_BASE}/alerts/schedules/${id}`;
    return firstValueFrom(
      change === 'cancel' ? this.http.delete<AlertSchedule>(url) : this.http.post<AlertSchedule>(`${url}/${change}`, null),
    );
  }

  integrations(): Promise<Items<AlertIntegration>> {
    return firstValueFrom(this.http.get<Items<AlertIntegration>>(`${API_BASE}/alerts/integrations`));
  }

  /** 201 with its secret, shown this once. */
  createIntegration(body: NewIntegration): Promise<AlertIntegration> {
    return firstValueFrom(this.http.post<AlertIntegration>(`${API_BASE}/alerts/integrations`, body));
  }

  /** A new secret (shown once); the old one stops working and I vouch for it from now on. */
  rotateIntegration(id: number): Promise<AlertIntegration> {
    return firstValueFrom(this.http.post<AlertIntegration>(`${API_BASE}/alerts/integrations/${id}/rotate`, null));
  }

  removeIntegration(id: number): Promise<AlertIntegration> {
    return firstValueFrom(this.http.delete<AlertIntegration>(`${API_BASE}/alerts/integrations/${id}`));
  }

  resolve(id: number): Promise<Alert> {
    return firstValueFrom(this.http.post<Alert>(`${API_BASE}/alerts/${id}/resolve`, null));
  }
}
