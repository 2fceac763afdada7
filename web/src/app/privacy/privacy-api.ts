// The GDPR rights' REST contract (docs/openapi.yaml, tag privacy; JSON from
// server/src/privacy/privacy_json.cpp and export_routes.cpp).
import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE, params } from '../core/api-client';
import { Items, User } from '../core/api-types';

export type ExportState = 'queued' | 'running' | 'ready' | 'downloaded' | 'expired' | 'failed';
export type ErasureState = 'requested' | 'done' | 'failed';

/** A person's data export; `download_url` only while ready (valid ten minutes). */
export interface DataExport {
  id: number;
  user_id: number;
  requested_by: number;
  state: ExportState;
  progress: { done: number; total: number };
  bytes: number;
  created_at: number;
  finished_at: number | null;
  expires_at: number | null;
  /** When an administrator downloaded their one copy (the person's own download is counted apart). */
  admin_downloaded_at?: number | null;
  error?: string;
  download_url?: string;
}

/** One line of an erasure receipt: a kind of record in one store and what was done. */
export interface ReceiptLine {
  name: string;
  module: string;
  action: string;
  count: number;
}

export interface Erasure {
  id: number;
  user_id: number;
  state: ErasureState;
  requested_by: number | null;
  requested_at: number;
  erased_by: number | null;
  finished_at: number | null;
  stores: ReceiptLine[];
  held: string[];
  error?: string;
}

/** A purpose a person is asked to agree to, and their answer to its current text. */
export interface Consent {
  purpose: 'recording' | 'ai_processing' | 'remote_support';
  title: string;
  text: string;
  version: string;
  granted: boolean;
  answered_version: string | null;
  answered_at: number | null;
}

/** Restriction of processing (GDPR art. 18): whether it holds and what stops while it does. */
export interface Restriction {
  user_id: number;
  restricted: boolean;
  effects: string[];
}

/** What each state is called on the pages. */
export const EXPORT_STATE_WORDS: Record<ExportState, string> = {
  queued: 'Waiting',
  running: 'Preparing',
  ready: 'Ready',
  downloaded: 'Downloaded',
  expired: 'Expired',
  failed: 'Failed',
};
export const ERASURE_STATE_WORDS: Record<ErasureState, string> = { requested: 'Requested', done: 'Erased', failed: 'Failed' };

/** Still being built: poll it. */
export function exportBusy(e: DataExport | null | undefined): boolean {
  return !!e && (e.state === 'queued' || e.state === 'running');
}

/** 0..100 for a progress bar. */
export function exportPercent(e: DataExport): number {
  if (e.state === 'ready' || e.state === 'downloaded') return 100;
  if (!e.progress.total) return 0;
  return Math.min(100, Math.round((e.progress.done * 100) / e.progress.total));
}

@Injectable({ providedIn: 'root' })
export class PrivacyApi {
  private readonly http = inject(HttpClient);

  requestExport(): Promise<DataExport> {
    return firstValueFrom(this.http.post<DataExport>(`${API_BASE}/me/export`, {}));
  }
  myExports(): Promise<Items<DataExport>> {
    return firstValueFrom(this.http.get<Items<DataExport>>(`${API_BASE}/me/exports`));
  }
  myExport(id: number): Promise<DataExport> {
    return firstValueFrom(this.http.get<DataExport>(`${API_BASE}/me/exports/${id}`));
  }
  myConsents(): Promise<{ items: Consent[] }> {
    return firstValueFrom(this.http.get<{ items: Consent[] }>(`${API_BASE}/me/consents`));
  }
  setConsent(c: Consent, granted: boolean): Promise<Consent> {
    return firstValueFrom(this.http.put<Consent>(`${API_BASE}/me/consents/${c.purpose}`, { granted, version: c.version }));
  }
  myRestriction(): Promise<Restriction> {
    return firstValueFrom(this.http.get<Restriction>(`${API_BASE}/me/restriction`));
  }
  setRestriction(restricted: boolean): Promise<Restriction> {
    return firstValueFrom(this.http.put<Restriction>(`${API_BASE}/me/restriction`, { restricted }));
  }
  requestErasure(): Promise<Erasure> {
    return firstValueFrom(this.http.post<Erasure>(`${API_BASE}/me/erasure-request`, {}));
  }
  myErasureRequest(): Promise<{ item: Erasure | null }> {
    return firstValueFrom(this.http.get<{ item: Erasure | null }>(`${API_BASE}/me/erasure-request`));
  }

  // Administrators.
  erasures(state?: ErasureState): Promise<Items<Erasure>> {
    return firstValueFrom(this.http.get<Items<Erasure>>(`${API_BASE}/admin/erasures`, { params: params({ state }) }));
  }
  erase(userId: number): Promise<Erasure> {
    return firstValueFrom(this.http.post<Erasure>(`${API_BASE}/admin/users/${userId}/erase`, {}));
  }
  exports(): Promise<Items<DataExport>> {
    return firstValueFrom(this.http.get<Items<DataExport>>(`${API_BASE}/admin/exports`));
  }
  exportFor(userId: number): Promise<DataExport> {
    return firstValueFrom(this.http.post<DataExport>(`${API_BASE}/admin/users/${userId}/export`, {}));
  }
  user(id: number): Promise<User> {
    return firstValueFrom(this.http.get<User>(`${API_BASE}/admin/users/${id}`));
  }
  adminExport(id: number): Promise<DataExport> {
    return firstValueFrom(this.http.get<DataExport>(`${API_BASE}/admin/exports/${id}`));
  }
}
