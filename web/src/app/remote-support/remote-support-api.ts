import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { Items } from '../core/api-types';
import { AgentFigures, ConsentPolicy, LogEntry, RemoteSupportSession, SensitiveCustomer, StartedSession, SupportRequest } from './remote-support-types';

export interface CustomerHit {
  id: number;
  display_name: string;
  email: string;
  country: string;
}

/** The agent's side of /api/v1/remote-support (the customer page uses plain fetch). */
@Injectable({ providedIn: 'root' })
export class RemoteSupportApi {
  private readonly http = inject(HttpClient);
  private readonly base = `${API_BASE}/remote-support`;

  start(body: { conversation_id?: number; customer_user_id?: number }): Promise<StartedSession> {
    return firstValueFrom(this.http.post<StartedSession>(`${this.base}/sessions`, body));
  }

  list(status?: RemoteSupportSession['status']): Promise<Items<RemoteSupportSession>> {
    const params = status ? new HttpParams().set('status', status) : undefined;
    return firstValueFrom(this.http.get<Items<RemoteSupportSession>>(`${this.base}/sessions`, { params }));
  }

  get(id: number): Promise<RemoteSupportSession> {
    return firstValueFrom(this.http.get<RemoteSupportSession>(`${this.base}/sessions/${id}`));
  }

  newCode(id: number): Promise<{ id: number; code: string; code_expires_at: number }> {
    return firstValueFrom(this.http.post<{ id: number; code: string; code_expires_at: number }>(`${this.base}/sessions/${id}/code`, {}));
  }

  end(id: number): Promise<RemoteSupportSession> {
    return firstValueFrom(this.http.post<RemoteSupportSession>(`${this.base}/sessions/${id}/end`, {}));
  }

  log(id: number): Promise<Items<LogEntry>> {
    return firstValueFrom(this.http.get<Items<LogEntry>>(`${this.base}/sessions/${id}/log`));
  }

  verify(id: number): Promise<{ intact: boolean; entries: number; first_bad_seq: number | null }> {
    return firstValueFrom(this.http.get<{ intact: boolean; entries: number; first_bad_seq: number | null }>(`${this.base}/sessions/${id}/log/verify`));
  }

  requestApproval(id: number): Promise<RemoteSupportSession> {
    return firstValueFrom(this.http.post<RemoteSupportSession>(`${this.base}/sessions/${id}/approval`, {}));
  }

  decide(id: number, approve: boolean, reason: string): Promise<RemoteSupportSession> {
    return firstValueFrom(this.http.post<RemoteSupportSession>(`${this.base}/sessions/${id}/approval/decision`, { approve, reason }));
  }

  approvals(): Promise<Items<RemoteSupportSession>> {
    return firstValueFrom(this.http.get<Items<RemoteSupportSession>>(`${this.base}/approvals`));
  }

  queue(): Promise<Items<SupportRequest>> {
    return firstValueFrom(this.http.get<Items<SupportRequest>>(`${this.base}/requests`));
  }

  accept(id: number): Promise<StartedSession & { request: SupportRequest }> {
    return firstValueFrom(this.http.post<StartedSession & { request: SupportRequest }>(`${this.base}/requests/${id}/accept`, {}));
  }

  figures(): Promise<{ agents: AgentFigures[] }> {
    return firstValueFrom(this.http.get<{ agents: AgentFigures[] }>(`${this.base}/figures`));
  }

  consentPolicy(): Promise<ConsentPolicy> {
    return firstValueFrom(this.http.get<ConsentPolicy>(`${this.base}/consent-policy`));
  }

  setConsentPolicy(separateQuestions: number): Promise<ConsentPolicy> {
    return firstValueFrom(this.http.put<ConsentPolicy>(`${this.base}/consent-policy`, { separate_questions: separateQuestions }));
  }

  sensitiveCustomers(): Promise<Items<SensitiveCustomer>> {
    return firstValueFrom(this.http.get<Items<SensitiveCustomer>>(`${this.base}/sensitive-customers`));
  }

  markSensitive(customerId: number, note: string): Promise<SensitiveCustomer> {
    return firstValueFrom(this.http.put<SensitiveCustomer>(`${this.base}/sensitive-customers/${customerId}`, { note }));
  }

  unmarkSensitive(customerId: number): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${this.base}/sensitive-customers/${customerId}`));
  }

  /** The customer directory (staff), to pick whom to mark. */
  findCustomers(q: string): Promise<Items<CustomerHit>> {
    return firstValueFrom(this.http.get<Items<CustomerHit>>(`${API_BASE}/customers`, { params: new HttpParams().set('q', q).set('limit', 8) }));
  }
}
