import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { FileSpace, FilesApi, UploadEvent } from '../files/files-api';

/**
 * Chat attachments over the files API: each conversation has one file space (made on
 * first use); uploads go there, and the message names the file ids.
 */
@Injectable({ providedIn: 'root' })
export class AttachmentsApi {
  private readonly http = inject(HttpClient);
  private readonly files = inject(FilesApi);
  private readonly spaces = new Map<number, Promise<FileSpace>>();

  /** The conversation's space, asked once per conversation. */
  space(conversationId: number): Promise<FileSpace> {
    let found = this.spaces.get(conversationId);
    if (!found) {
      found = firstValueFrom(this.http.get<FileSpace>(`${API_BASE}/conversations/${conversationId}/space`));
      found.catch(() => this.spaces.delete(conversationId));
      this.spaces.set(conversationId, found);
    }
    return found;
  }

  /** A streamed upload into the space with progress; unsubscribing cancels it. */
  upload(spaceId: number, file: File): Observable<UploadEvent> {
    return this.files.upload(spaceId, 0, file);
  }

  /** An upload not attached yet, given up on. */
  remove(fileId: number): Promise<unknown> {
    return this.files.remove(fileId);
  }

  /** The bytes with the reader's token (the server checks membership every time). */
  content(fileId: number, inline: boolean): Promise<Blob> {
    const query = inline ? '?inline=1' : '';
    return firstValueFrom(this.http.get(`${API_BASE}/files/${fileId}/content${query}`, { responseType: 'blob' }));
  }
}

/** Saves a Blob under a file name through a temporary link. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
