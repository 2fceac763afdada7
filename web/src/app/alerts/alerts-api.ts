// The alerts REST contract (docs/openapi.yaml, tag alerts; JSON from server/src/alerts/alerts_json.cpp).
import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE, params } from '../core/api-client';
import { Items } from '../core/api-types';

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
  sender: { id: number | null; name: string };
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
}

export interface AudienceCount {
  recipient_count: number;
  by_country: Record<string, number>;
}

export interface RecipientsPage {
  items: AlertReceipt[];
  next?: number;
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

  resolve(id: number): Promise<Alert> {
    return firstValueFrom(this.http.post<Alert>(`${API_BASE}/alerts/${id}/resolve`, null));
  }
}
