import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { Items } from '../core/api-types';

/** A meeting as GET /meetings lists it for the person asking. */
export interface MeetingSummary {
  id: number;
  code: string;
  join_url: string;
  title: string;
  kind: 'instant' | 'scheduled';
  starts_at: number | null;
  time_zone: string;
  my_role: string;
  host: { id: number; display_name: string };
  my_start?: { time_zone: string; local: string };
  duration_minutes?: number;
  cancelled_at?: number | null;
  lobby_for_external?: boolean;
  guests_can_share_screen?: boolean;
  invitees: { user_id: number; display_name: string; kind?: string; time_zone: string; local_start?: string; via_team_id?: number | null }[];
}

/** What the holder of a room link sees before joining (no sign-in needed). */
export interface MeetingLink {
  id: number;
  code: string;
  title: string;
  kind: 'instant' | 'scheduled';
  starts_at: number | null;
  time_zone: string;
  host_name: string;
  max_publishers: number;
}

export interface CreateMeetingRequest {
  title: string;
  kind?: 'instant' | 'scheduled';
  /** Unix milliseconds (UTC). */
  starts_at?: number;
  duration_minutes?: number;
  time_zone?: string;
  user_ids?: number[];
  team_ids?: number[];
}

export interface UpdateMeetingRequest {
  title?: string;
  starts_at?: number;
  user_ids?: number[];
  team_ids?: number[];
  lobby_for_external?: boolean;
  guests_can_share_screen?: boolean;
}

/** Someone who may be invited, as the directories list them. */
export interface DirectoryPerson {
  id: number;
  display_name: string;
  kind: string;
  country: string;
}

export interface TeamListing {
  id: number;
  name: string;
  member_count: number;
}

/** A guest pass: the token opens the WebSocket for this one meeting. */
export interface GuestPass {
  token: string;
}

/** Meetings' REST calls (docs/openapi.yaml, tag meetings); failures reject with ApiError. */
@Injectable({ providedIn: 'root' })
export class MeetingsApi {
  private readonly http = inject(HttpClient);

  list(): Promise<Items<MeetingSummary>> {
    return firstValueFrom(this.http.get<Items<MeetingSummary>>(`${API_BASE}/meetings`));
  }

  create(body: CreateMeetingRequest): Promise<MeetingSummary> {
    return firstValueFrom(this.http.post<MeetingSummary>(`${API_BASE}/meetings`, body));
  }

  update(id: number, patch: UpdateMeetingRequest): Promise<MeetingSummary> {
    return firstValueFrom(this.http.patch<MeetingSummary>(`${API_BASE}/meetings/${id}`, patch));
  }

  cancel(id: number): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${API_BASE}/meetings/${id}`));
  }

  /** Public: the link's meeting, for the pre-join screen. */
  link(code: string): Promise<MeetingLink> {
    return firstValueFrom(this.http.get<MeetingLink>(`${API_BASE}/meeting-links/${encodeURIComponent(code)}`));
  }

  /** Public: a guest pass for someone without an account. */
  guestPass(code: string, displayName: string): Promise<GuestPass> {
    return firstValueFrom(
      this.http.post<GuestPass>(`${API_BASE}/meeting-links/${encodeURIComponent(code)}/guests`, { display_name: displayName }),
    );
  }

  /** Invite candidates: the people directory (employees and agents). */
  searchPeople(q: string): Promise<Items<DirectoryPerson>> {
    return firstValueFrom(this.http.get<Items<DirectoryPerson>>(`${API_BASE}/users?q=${encodeURIComponent(q)}&limit=10`));
  }

  /** Invite candidates: the customer directory (staff only). */
  searchCustomers(q: string): Promise<Items<DirectoryPerson>> {
    return firstValueFrom(this.http.get<Items<DirectoryPerson>>(`${API_BASE}/customers?q=${encodeURIComponent(q)}&limit=10`));
  }

  teams(): Promise<Items<TeamListing>> {
    return firstValueFrom(this.http.get<Items<TeamListing>>(`${API_BASE}/teams`));
  }
}
