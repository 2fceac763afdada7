import { HttpClient, HttpEvent, HttpEventType } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, filter, firstValueFrom, map } from 'rxjs';
import { API_BASE, params } from '../core/api-client';
import { Items, User } from '../core/api-types';

export type FileRole = 'none' | 'viewer' | 'editor' | 'manager';

export interface FileSpace {
  id: number;
  kind: 'personal' | 'team' | 'customer';
  name: string;
  region: string;
  quota_bytes: number;
  used_bytes: number;
  my_role: FileRole;
  owner_user_id?: number;
  owner_name?: string;
}

export interface FileNode {
  id: number;
  space_id: number;
  parent_id: number;
  kind: 'folder' | 'file';
  name: string;
  size?: number;
  content_type?: string;
  version?: number;
  updated_at: number;
  my_role: FileRole;
}

export interface FileVersion {
  number: number;
  size: number;
  content_type: string;
  created_at: number;
  current: boolean;
}

export interface FileGrant {
  id: number;
  node_id: number;
  grantee_kind: 'user' | 'team';
  grantee_id: number;
  grantee_name: string;
  role: FileRole;
}

export interface FileActivity {
  id: number;
  space_id: number;
  node_id: number;
  node_name: string;
  actor_user_id: number;
  actor_name: string;
  link_id: number;
  action: string;
  detail: string;
  ip: string;
  country: string;
  at: number;
  /** grant / ungrant: whom the file was shared with, by their name as it is now. */
  target_kind?: 'user' | 'team';
  target_id?: number;
  target_name?: string;
  role?: FileRole;
}

export interface SearchHit extends FileNode {
  space: { id: number; kind: FileSpace['kind']; name: string; owner_name: string };
  path: { id: number; name: string; my_role: FileRole }[];
}

/** A grantee offered in the share dialog: a person, a team or a customer. */
export interface Grantee {
  kind: 'user' | 'team';
  id: number;
  name: string;
  detail: string;
  customer: boolean;
}

export interface ShareLink {
  id: number;
  token?: string;
  url?: string;
  has_password: boolean;
  expires_at: number;
  max_downloads: number;
  download_count: number;
  revoked: boolean;
}

/** Upload progress: bytes sent so far, then the stored file. */
export type UploadEvent = { kind: 'progress'; loaded: number; total: number } | { kind: 'done'; file: FileNode };

/** The files part of the REST API (docs/openapi.yaml, tag files). */
@Injectable({ providedIn: 'root' })
export class FilesApi {
  private readonly http = inject(HttpClient);

  spaces(): Promise<Items<FileSpace>> {
    return firstValueFrom(this.http.get<Items<FileSpace>>(`${API_BASE}/spaces`));
  }

  children(spaceId: number, parentId: number): Promise<Items<FileNode>> {
    return firstValueFrom(
      this.http.get<Items<FileNode>>(`${API_BASE}/spaces/${spaceId}/children`, { params: params({ parent_id: parentId }) }),
    );
  }

  createFolder(spaceId: number, parentId: number, name: string): Promise<FileNode> {
    return firstValueFrom(this.http.post<FileNode>(`${API_BASE}/spaces/${spaceId}/folders`, { name, parent_id: parentId }));
  }

  /** A plain streamed upload with progress events. */
  upload(spaceId: number, parentId: number, file: File): Observable<UploadEvent> {
    return this.http
      .post<FileNode>(`${API_BASE}/spaces/${spaceId}/files`, file, {
        params: params({ parent_id: parentId, name: file.name }),
        headers: { 'content-type': 'application/octet-stream' },
        reportProgress: true,
        observe: 'events',
      })
      .pipe(
        filter((e: HttpEvent<FileNode>) => e.type === HttpEventType.UploadProgress || e.type === HttpEventType.Response),
        map((e): UploadEvent =>
          e.type === HttpEventType.UploadProgress
            ? { kind: 'progress', loaded: e.loaded, total: e.total ?? file.size }
            : { kind: 'done', file: (e as { body: FileNode }).body },
        ),
      );
  }

  /** A 2-minute link for one file that needs no bearer header (a plain <a href> streams it). */
  downloadToken(id: number, version?: number): Promise<{ url: string; expires_at: number }> {
    return firstValueFrom(
      this.http.post<{ url: string; expires_at: number }>(`${API_BASE}/files/${id}/download-token`, version ? { version } : {}),
    );
  }

  /** The start of a file for a preview (a Range keeps big text files cheap). */
  previewBlob(id: number, maxBytes?: number): Promise<Blob> {
    return firstValueFrom(
      this.http.get(`${API_BASE}/files/${id}/content`, {
        params: params({ inline: 1 }),
        responseType: 'blob',
        headers: maxBytes ? { range: `bytes=0-${maxBytes - 1}` } : {},
      }),
    );
  }

  search(q: string, spaceId?: number): Promise<Items<SearchHit>> {
    return firstValueFrom(this.http.get<Items<SearchHit>>(`${API_BASE}/files/search`, { params: params({ q, space_id: spaceId }) }));
  }

  activity(target: { kind: 'space' | 'file'; id: number }, query: Record<string, string | number>): Promise<Items<FileActivity>> {
    const base = target.kind === 'space' ? `${API_BASE}/spaces/${target.id}` : `${API_BASE}/files/${target.id}`;
    return firstValueFrom(this.http.get<Items<FileActivity>>(`${base}/activity`, { params: params(query) }));
  }

  activityCsv(target: { kind: 'space' | 'file'; id: number }, query: Record<string, string | number>): Promise<Blob> {
    const base = target.kind === 'space' ? `${API_BASE}/spaces/${target.id}` : `${API_BASE}/files/${target.id}`;
    return firstValueFrom(this.http.get(`${base}/activity`, { params: params({ ...query, format: 'csv' }), responseType: 'blob' }));
  }

  grants(nodeId: number): Promise<Items<FileGrant>> {
    return firstValueFrom(this.http.get<Items<FileGrant>>(`${API_BASE}/files/${nodeId}/grants`));
  }

  removeGrant(grantId: number): Promise<unknown> {
    return firstValueFrom(this.http.delete(`${API_BASE}/grants/${grantId}`));
  }

  links(nodeId: number): Promise<Items<ShareLink>> {
    return firstValueFrom(this.http.get<Items<ShareLink>>(`${API_BASE}/files/${nodeId}/links`));
  }

  revokeLink(linkId: number): Promise<unknown> {
    return firstValueFrom(this.http.delete(`${API_BASE}/links/${linkId}`));
  }

  findTeams(q: string): Promise<Items<{ id: number; name: string; region?: string; member_count?: number }>> {
    return firstValueFrom(this.http.get<Items<{ id: number; name: string }>>(`${API_BASE}/teams`, { params: params({ q }) }));
  }

  findCustomers(q: string): Promise<Items<{ id: number; display_name: string; email?: string; company?: string }>> {
    return firstValueFrom(
      this.http.get<Items<{ id: number; display_name: string; email?: string }>>(`${API_BASE}/customers`, { params: params({ q }) }),
    );
  }

  rename(id: number, name: string): Promise<FileNode> {
    return firstValueFrom(this.http.patch<FileNode>(`${API_BASE}/files/${id}`, { name }));
  }

  remove(id: number): Promise<unknown> {
    return firstValueFrom(this.http.delete(`${API_BASE}/files/${id}`));
  }

  versions(id: number): Promise<Items<FileVersion>> {
    return firstValueFrom(this.http.get<Items<FileVersion>>(`${API_BASE}/files/${id}/versions`));
  }

  restore(id: number, version: number): Promise<FileNode> {
    return firstValueFrom(this.http.post<FileNode>(`${API_BASE}/files/${id}/versions/${version}/restore`, {}));
  }

  findUsers(q: string): Promise<Items<User>> {
    return firstValueFrom(this.http.get<Items<User>>(`${API_BASE}/users`, { params: params({ q }) }));
  }

  grant(nodeId: number, grantee: { kind: 'user' | 'team'; id: number }, role: FileRole): Promise<FileGrant> {
    return firstValueFrom(
      this.http.post<FileGrant>(`${API_BASE}/files/${nodeId}/grants`, { grantee_kind: grantee.kind, grantee_id: grantee.id, role }),
    );
  }

  createLink(nodeId: number, body: { password?: string; max_downloads?: number; expires_at?: number }): Promise<ShareLink> {
    return firstValueFrom(this.http.post<ShareLink>(`${API_BASE}/files/${nodeId}/links`, body));
  }
}
