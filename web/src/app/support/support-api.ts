import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { Items } from '../core/api-types';
import { ChatMessage } from '../chat/chat-types';

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

/** A team that can take support conversations, with its agents (GET /support/teams). */
export interface SupportTeam {
  id: number;
  name: string;
  agents: { id: number; display_name: string }[];
}

/** An internal note: agents of the team and admins only, never the customer. */
export interface SupportNote {
  id: number;
  text: string;
  author: { id: number; display_name: string };
  created_at: number;
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

  get(id: number): Promise<SupportConversation> {
    return firstValueFrom(this.http.get<SupportConversation>(`${API_BASE}/support/conversations/${id}`));
  }

  teams(): Promise<Items<SupportTeam>> {
    return firstValueFrom(this.http.get<Items<SupportTeam>>(`${API_BASE}/support/teams`));
  }

  assign(id: number, agentId: number): Promise<SupportConversation> {
    return firstValueFrom(this.http.post<SupportConversation>(`${API_BASE}/support/conversations/${id}/assign`, { agent_id: agentId }));
  }

  transfer(id: number, teamId: number): Promise<SupportConversation> {
    return firstValueFrom(this.http.post<SupportConversation>(`${API_BASE}/support/conversations/${id}/transfer`, { team_id: teamId }));
  }

  notes(id: number): Promise<Items<SupportNote>> {
    return firstValueFrom(this.http.get<Items<SupportNote>>(`${API_BASE}/support/conversations/${id}/notes`));
  }

  addNote(id: number, text: string): Promise<SupportNote> {
    return firstValueFrom(this.http.post<SupportNote>(`${API_BASE}/support/conversations/${id}/notes`, { text }));
  }

  close(id: number): Promise<SupportConversation> {
    return firstValueFrom(this.http.post<SupportConversation>(`${API_BASE}/support/conversations/${id}/close`, {}));
  }
}
