import { Injectable, inject } from '@angular/core';
import { DetailedError, Upload } from 'tus-js-client';
import { API_BASE } from '../core/api-client';
import { SessionStore } from '../core/session.store';
import { FilesApi } from './files-api';
import { UploadCallbacks, UploadHandle, UploadJob } from './transfer-queue';

/** Bytes per PATCH: progress is continuous anyway; a cut costs at most one chunk's retry. */
const CHUNK_BYTES = 32 * 1024 * 1024;

/** A failed tus request as a sentence a person can act on. */
export function tusErrorMessage(error: Error | DetailedError): string {
  const response = (error as DetailedError).originalResponse;
  if (response) {
    const status = response.getStatus();
    let message = '';
    try {
      message = (JSON.parse(response.getBody()) as { error?: { message?: string } }).error?.message ?? '';
    } catch {
      message = '';
    }
    if (status === 413) return message ? `Not enough space: ${message}` : 'Not enough space left for this file.';
    if (status === 401) return 'Your session ended; sign in again and retry.';
    if (status === 403 || status === 404) return message || 'You may not upload here any more.';
    if (message) return message;
    return `The server answered ${status}; retry.`;
  }
  return 'The connection was lost; retry to continue where it stopped.';
}

/** Whether tus-js-client should retry by itself (network trouble, 409/423, 5xx), not on a refusal. */
export function shouldRetry(status: number | undefined): boolean {
  if (status === undefined || status === 0) return true;
  return status === 409 || status === 423 || status >= 500;
}

/**
 * Uploads through tus (/api/v1/uploads): pause keeps the bytes on the server, start()
 * continues from the offset the server reports. Empty files go through the plain upload
 * (tus needs at least one byte to finish here).
 */
@Injectable({ providedIn: 'root' })
export class TusUploader {
  private readonly session = inject(SessionStore);
  private readonly api = inject(FilesApi);

  create(job: UploadJob, cb: UploadCallbacks): UploadHandle {
    if (job.file.size === 0) return this.plain(job, cb);
    const upload = new Upload(job.file, {
      endpoint: `${location.origin}${API_BASE}/uploads`,
      chunkSize: CHUNK_BYTES,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      storeFingerprintForResuming: false,
      metadata: { filename: job.file.name, space_id: String(job.spaceId), parent_id: String(job.parentId) },
      onBeforeRequest: (req) => {
        const token = this.session.token();
        if (token) req.setHeader('Authorization', `Bearer ${token}`);
      },
      onShouldRetry: (err) => shouldRetry(err.originalResponse?.getStatus()),
      onProgress: (sent, total) => cb.progress(sent, total),
      onSuccess: ({ lastResponse }) => {
        const id = Number(lastResponse.getHeader('X-Meridian-File-Id'));
        cb.success(Number.isFinite(id) && id > 0 ? id : undefined);
      },
      onError: (err) => cb.error(tusErrorMessage(err)),
    });
    return {
      start: () => upload.start(),
      pause: () => void upload.abort(false),
      cancel: () => void upload.abort(true).catch(() => undefined),
    };
  }

  private plain(job: UploadJob, cb: UploadCallbacks): UploadHandle {
    let sub: { unsubscribe(): void } | null = null;
    return {
      start: () => {
        sub = this.api.upload(job.spaceId, job.parentId, job.file).subscribe({
          next: (e) => (e.kind === 'done' ? cb.success(e.file.id) : cb.progress(e.loaded, e.total)),
          error: (e: { message?: string }) => cb.error(e?.message ?? 'The upload failed; retry.'),
        });
      },
      pause: () => sub?.unsubscribe(),
      cancel: () => sub?.unsubscribe(),
    };
  }
}
