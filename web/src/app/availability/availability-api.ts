// The availability REST contract (docs/openapi.yaml, tag availability; JSON from
// server/src/availability/availability_json.cpp). Every time is Unix ms, dates are local dates.
import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE, params } from '../core/api-client';
import { User } from '../core/api-types';

export interface Interval { start: number; end: number }

export interface WeeklyBand { weekday: number; start: string; end: string }
export interface DayOff { date: string; note: string }
export interface Travel { time_zone: string; from: string; until: string }

/** A person's hours as the server has them (GET /me/availability, /overlap's people). */
export interface PersonAvailability {
  user_id: number;
  display_name: string;
  country: string;
  time_zone: string;
  current_time_zone: string;
  local_time: string;
  working_now: boolean;
  weekly: WeeklyBand[];
  days_off: DayOff[];
  travel: Travel | null;
  holiday_subdivision: string;
  holidays: { date: string; name: string }[];
}

export interface Absence { kind: 'holiday' | 'day_off'; date: string; name: string; start: number; end: number }

export interface OverlapDay {
  date: string;
  start: number;
  end: number;
  windows: Interval[];
  overlap_minutes: number;
  people: { user_id: number; working: Interval[]; absences: Absence[] }[];
}

export interface Overlap { time_zone: string; people: PersonAvailability[]; days: OverlapDay[] }

export interface AvailabilitySettings {
  weekly: WeeklyBand[];
  days_off: DayOff[];
  travel: Travel | null;
  holiday_subdivision: string;
}

@Injectable({ providedIn: 'root' })
export class AvailabilityApi {
  private readonly http = inject(HttpClient);

  overlap(userIds: number[], from?: string, days = 1, tz?: string): Promise<Overlap> {
    return firstValueFrom(
      this.http.get<Overlap>(`${API_BASE}/overlap`, { params: params({ user_ids: userIds.join(','), from, days, tz }) }),
    );
  }

  /** Who someone is (GET /users/{id}: kind, roles, teams, country, region), for their profile card. */
  profile(userId: number): Promise<User> {
    return firstValueFrom(this.http.get<User>(`${API_BASE}/users/${userId}`));
  }

  mine(): Promise<PersonAvailability> {
    return firstValueFrom(this.http.get<PersonAvailability>(`${API_BASE}/me/availability`));
  }

  save(settings: AvailabilitySettings): Promise<PersonAvailability> {
    return firstValueFrom(this.http.put<PersonAvailability>(`${API_BASE}/me/availability`, settings));
  }
}

/** One suggested slot (POST /scheduling/suggestions): each person's wall-clock start in `local`. */
export interface SuggestedSlot {
  start: number;
  end: number;
  score: number;
  local: { user_id: number; time_zone: string; local_start: string }[];
}

export interface SuggestionRequest { user_ids: number[]; duration_minutes: number; from?: string | number; days?: number; time_zone?: string; limit?: number }

@Injectable({ providedIn: 'root' })
export class SchedulingApi {
  private readonly http = inject(HttpClient);

  suggest(body: SuggestionRequest): Promise<{ time_zone: string; items: SuggestedSlot[] }> {
    return firstValueFrom(this.http.post<{ time_zone: string; items: SuggestedSlot[] }>(`${API_BASE}/scheduling/suggestions`, body));
  }
}
