// The AI copilot's REST contract (docs/openapi.yaml, tag ai; JSON from server/src/ai/ai_json.cpp).
import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE } from '../core/api-client';

/** What the copilot may do for me now; `reason` says in plain words why not. */
export interface AiStatus {
  copilot: boolean;
  external: boolean;
  excluded: boolean;
  available: boolean;
  reason: string | null;
  providers: Record<string, string>;
  /** Tokens on external providers (built-in answers are free); a budget not set is null. */
  budget?: { person_day: BudgetLeft | null; organisation_month: BudgetLeft | null };
}

export interface BudgetLeft {
  limit: number;
  used: number;
  left: number;
  /** Unix ms: 00:00 UTC of the next day, or of the first day of next month. */
  resets_at: number;
}

export type PointKind = 'decision' | 'action_item' | 'open_question' | 'highlight';

export interface SummaryPoint {
  kind: PointKind;
  text: string;
  message_ids: number[];
  /** The same messages' places in the conversation: links open them. */
  message_seqs: number[];
  owner_user_id?: number | null;
  owner_name?: string | null;
}

export interface Summary {
  provider: string;
  /** ISO 639-1 of the summary's own words. */
  language: string;
  summary: string;
  points: SummaryPoint[];
  decisions: SummaryPoint[];
  action_items: SummaryPoint[];
  open_questions: SummaryPoint[];
  message_count: number;
  excluded_messages: number;
  older_left_out: boolean;
  note?: string;
}

export interface SummaryRequest {
  conversation_id: number;
  thread_root_id?: number;
  since?: number;
  until?: number;
  /** Catch me up: only what came after my read marker. */
  unread_only?: boolean;
  /** Catch me up from the marker I had when I opened the conversation. */
  after_seq?: number;
}

/** Catch me up across conversations: one summary per conversation with unread messages. */
export interface CatchUp {
  provider: string;
  conversations: { conversation_id: number; name: string; unread: number; summary: Summary }[];
  /** Conversations with unread messages not read this time (50 at most are). */
  left_out: number;
}

export interface FileScope {
  file_id?: number;
  folder_id?: number;
  space_id?: number;
  all?: true;
}

export interface Citation {
  file_id: number;
  version: number;
  chunk_id: number;
  page: number | null;
  section: string | null;
  file_name: string;
  quote: string;
}

export interface AskAnswer {
  provider: string;
  answer: string;
  citations: Citation[];
  dropped_citations: { chunk_id: number; reason: string }[];
  passages: number;
  note?: string;
}

export type AnswerStatus = 'streaming' | 'done' | 'stopped' | 'failed';

/** An answer written while I watch (POST /ai/answers), stored so that a reload finds it. */
export interface StoredAnswer {
  id: number;
  status: AnswerStatus;
  /** "file:12", "folder:3", "space:4" or "files:all". */
  scope: string;
  question: string;
  provider: string;
  /** The words so far; all of them once done. */
  text: string;
  /** The finished answer with its verified citations (also when stopped); null while streaming or when failed. */
  result: AskAnswer | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/** The scope as the server names it in stored answers. */
export function scopeKey(scope: FileScope): string {
  if (scope.file_id !== undefined) return `file:${scope.file_id}`;
  if (scope.folder_id !== undefined) return `folder:${scope.folder_id}`;
  if (scope.space_id !== undefined) return `space:${scope.space_id}`;
  return 'files:all';
}

export type IndexStatus = 'queued' | 'indexing' | 'ready' | 'failed' | 'unsupported' | 'too_large' | 'restricted' | 'not_indexed';

export interface IndexState {
  file_id: number;
  status: IndexStatus;
  version?: number;
  pages?: number;
  chunks?: number;
  detail?: string | null;
}

/** The backfill of the file index (GET /ai/index/backfill, admins). */
export type BackfillState = 'pending' | 'running' | 'done' | 'off';

export interface BackfillProgress {
  state: BackfillState;
  handled: number;
  indexed: number;
  failed: number;
  skipped_restricted: number;
  skipped_unsupported: number;
  remaining: number;
  total: number;
  after_file_id: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number | null;
  working: boolean;
  last_error: { message: string; file_id: number; at: number } | null;
  documents: Record<string, number>;
}

@Injectable({ providedIn: 'root' })
export class AiApi {
  private readonly http = inject(HttpClient);

  status(): Promise<AiStatus> {
    return firstValueFrom(this.http.get<AiStatus>(`${API_BASE}/ai/status`));
  }

  summarise(body: SummaryRequest): Promise<Summary> {
    return firstValueFrom(this.http.post<Summary>(`${API_BASE}/ai/summaries`, body));
  }

  /** Every conversation of mine with unread messages, most unread first, each summarised. */
  catchUp(): Promise<CatchUp> {
    return firstValueFrom(this.http.post<CatchUp>(`${API_BASE}/ai/catch-up`, {}));
  }

  ask(question: string, scope: FileScope): Promise<AskAnswer> {
    return firstValueFrom(this.http.post<AskAnswer>(`${API_BASE}/ai/ask`, { question, scope }));
  }

  /** Starts an answer written in the background; its words stream over /ws (ai.answer.*). */
  startAnswer(question: string, scope: FileScope): Promise<StoredAnswer> {
    return firstValueFrom(this.http.post<StoredAnswer>(`${API_BASE}/ai/answers`, { question, scope }));
  }

  /** My latest answers of one scope, newest first. */
  answers(scope: string, limit = 1): Promise<{ items: StoredAnswer[] }> {
    return firstValueFrom(this.http.get<{ items: StoredAnswer[] }>(`${API_BASE}/ai/answers`, { params: { scope, limit } }));
  }

  stopAnswer(id: number): Promise<StoredAnswer> {
    return firstValueFrom(this.http.post<StoredAnswer>(`${API_BASE}/ai/answers/${id}/stop`, {}));
  }

  /** How far indexing the files stored before got (admins: manage_ai). */
  backfill(): Promise<BackfillProgress> {
    return firstValueFrom(this.http.get<BackfillProgress>(`${API_BASE}/ai/index/backfill`));
  }

  indexState(fileId: number): Promise<IndexState> {
    return firstValueFrom(this.http.get<IndexState>(`${API_BASE}/ai/index/files/${fileId}`));
  }
}
