// The REST contract of /api/v1, as the server speaks it (snake_case on the wire).

export type UserKind = 'employee' | 'agent' | 'customer' | 'guest';
export type Role = 'admin' | 'employee' | 'agent' | 'customer' | 'guest';

export const USER_KINDS: readonly UserKind[] = ['employee', 'agent', 'customer', 'guest'];
export const ROLES: readonly Role[] = ['admin', 'employee', 'agent', 'customer', 'guest'];

/** ISO weekday numbers: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface WorkingHours {
  /** "HH:MM", local to the user's time zone. */
  start: string;
  end: string;
  days: IsoWeekday[];
}

export interface GdprFlags {
  restrict_processing: boolean;
  exclude_from_ai: boolean;
}

export interface TeamRef {
  id: number;
  name: string;
  /** "lead": may send alerts to this team. */
  role?: TeamRole;
}

export type TeamRole = 'member' | 'lead';

export interface User {
  id: number;
  email: string;
  display_name: string;
  kind: UserKind;
  /** ISO 3166-1 alpha-2, e.g. "PT". */
  country: string;
  /** e.g. "EU". */
  region: string;
  /** IANA zone, e.g. "Europe/Lisbon". */
  time_zone: string;
  working_hours: WorkingHours;
  roles: Role[];
  teams: TeamRef[];
  active: boolean;
  gdpr: GdprFlags;
  /** Unix milliseconds. */
  created_at: number;
}

export type FeatureFlags = Record<string, boolean>;

export interface Me extends User {
  features: FeatureFlags;
  /** Wall-clock time now, "YYYY-MM-DDTHH:MM" (GET /me only). */
  local_time?: string;
  /** Whether I am working now, as availability answers it (hours per weekday, holidays, days off). */
  within_working_hours?: boolean;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface LoginResponse {
  token: string;
  /** Unix milliseconds. */
  expires_at: number;
  user: User;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface ListUsersQuery {
  q?: string;
  limit?: number;
  offset?: number;
}

export interface CreateUserRequest {
  email: string;
  display_name: string;
  password: string;
  kind: UserKind;
  country: string;
  time_zone: string;
  roles?: Role[];
  working_hours?: WorkingHours;
}

export interface UpdateUserRequest {
  display_name?: string;
  kind?: UserKind;
  country?: string;
  time_zone?: string;
  working_hours?: WorkingHours;
  roles?: Role[];
  active?: boolean;
  gdpr?: GdprFlags;
}

export interface ResetPasswordResponse {
  password: string;
}

export interface TeamSummary {
  id: number;
  name: string;
  region: string;
  member_count: number;
  /** Members whose role in the team is lead. */
  lead_ids?: number[];
}

export interface TeamMember extends User {
  team_role: TeamRole;
}

export interface TeamDetail {
  id: number;
  name: string;
  region: string;
  lead_ids: number[];
  members: TeamMember[];
}

export interface CreateTeamRequest {
  name: string;
  /** One of GET /admin/regions; the creator's region when left out. */
  region?: string;
}

export interface FeatureToggle {
  feature: string;
  description: string;
  default_enabled: boolean;
  /** Per-country overrides keyed by ISO code. */
  countries: Record<string, boolean>;
}

export interface UpdateFeatureToggleRequest {
  default_enabled?: boolean;
  /** `null` removes that country's override. */
  countries?: Record<string, boolean | null>;
}

export interface Items<T> {
  items: T[];
}

export interface AuditEntry {
  id: number | string;
  /** Unix milliseconds. */
  at: number;
  actor_id: number | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  country: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  actor_id?: number;
  /** Unix milliseconds. */
  since?: number;
  until?: number;
  limit?: number;
  cursor?: string;
}

export interface AuditPage {
  items: AuditEntry[];
  next_cursor: string | null;
}

export interface ErrorBody {
  error: { code: string; message: string };
}
