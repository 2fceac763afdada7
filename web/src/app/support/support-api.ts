import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { ChatMessage, Items } from '../core/api-types';

export type SupportStatus = 'queued' | 'assigned' | 'closed';

/**
 * A support conversation. Customers get `agent` (a name only); agents and admins get
 * `team`, `customer` and `assignee` instead.
 */
export interface SupportConversation {
  id: number;
  subject: string;
  status: SupportStatus;
  created_at: number;
  updated_at: number;
  last_seq: number;
  agent?: { display_name: string } | null;
  team?: { id: number; name: string };
  customer?: { id: number; display_name: string; country: string; region: string };
  assignee?: { id: number; display_name: string } | null;
}

export interface OpenSupportRequest {
  subject: string;
  text: string;
  client_id: string;
}

/** The support part of the REST API (docs/openapi.yaml, tag `support`). */
@Injectable({ providedIn: 'root' })
export class SupportApi {
  private readonly http = inject(HttpClient);

  list(): Promise<Items<SupportConversation>> {
    return firstValueFrom(this.http.get<Items<SupportConversation>>(`${API_BASE}/support/conversations`));
  }

  queue(): Promise<Items<SupportConversation>> {
    return firstValueFrom(this.http.get<Items<SupportConversation>>(`${API_BASE}/support/queue`));
  }

  open(body: OpenSupportRequest): Promise<SupportConversation & { message?: ChatMessage }> {
    return firstValueFrom(
      this.http.post<SupportConversation & { message?: ChatMessage }>(`${API_BASE}/support/conversations`, body),
    );
  }

  claim(id: number): Promise<SupportConversation> {
    return firstValueFrom(this.http.post<SupportConversation>(`${API_BASE}/support/conversations/${id}/claim`, {}));
  }

  reopen(id: number): Promise<SupportConversation> {
    return firstValueFrom(this.http.post<SupportConversation>(`${API_BASE}/support/conversations/${id}/reopen`, {}));
  }

  close(id: number): Promise<SupportConversation> {
    return firstValueFrom(this.http.post<SupportConversation>(`${API_BASE}/support/conversations/${id}/close`, {}));
  }
}
