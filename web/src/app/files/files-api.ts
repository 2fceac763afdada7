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

export interface ShareLink {
  id: number;
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

  download(id: number): Promise<Blob> {
    return firstValueFrom(this.http.get(`${API_BASE}/files/${id}/content`, { responseType: 'blob' }));
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

  grant(nodeId: number, userId: number, role: FileRole): Promise<unknown> {
    return firstValueFrom(
      this.http.post(`${API_BASE}/files/${nodeId}/grants`, { grantee_kind: 'user', grantee_id: userId, role }),
    );
  }

  createLink(nodeId: number, body: { password?: string; max_downloads?: number; expires_at?: number }): Promise<ShareLink> {
    return firstValueFrom(this.http.post<ShareLink>(`${API_BASE}/files/${nodeId}/links`, body));
  }
}
