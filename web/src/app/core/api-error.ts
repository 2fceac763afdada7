import { HttpErrorResponse } from '@angular/common/http';

/** Every failed API call surfaces as this, whatever the transport said. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The server's machine-readable code, e.g. "unauthenticated", "rate_limited". */
    readonly code: string,
    message: string,
    /** Seconds from a Retry-After header, when the server sent one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

const FALLBACK_MESSAGES: Record<number, string> = {
  0: "Can't reach the Meridian server. Check your connection and try again.",
  400: 'The request was not accepted. Check the fields and try again.',
  401: 'Your session has ended. Sign in again.',
  403: "You don't have permission to do that.",
  404: 'That item no longer exists.',
  409: 'That conflicts with something that already exists.',
  413: 'That is too large.',
  429: 'Too many attempts. Wait a moment and try again.',
};

function fallbackCode(status: number): string {
  if (status === 0) return 'network_error';
  if (status >= 500) return 'server_error';
  return 'http_' + status;
}

function isErrorBody(value: unknown): value is { error: { code?: unknown; message?: unknown } } {
  return typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'object' && (value as { error?: unknown }).error !== null;
}

function parseRetryAfter(header: string | null): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Maps an HttpClient failure to an ApiError a person can act on. */
export function toApiError(response: HttpErrorResponse): ApiError {
  const status = response.status;
  let body: unknown = response.error;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // Not JSON (e.g. a proxy's HTML page): fall back to a generic message.
    }
  }
  const retryAfter = parseRetryAfter(response.headers?.get('Retry-After') ?? null);
  if (isErrorBody(body)) {
    const code = typeof body.error.code === 'string' && body.error.code ? body.error.code : fallbackCode(status);
    const message =
      typeof body.error.message === 'string' && body.error.message
        ? body.error.message
        : (FALLBACK_MESSAGES[status] ?? 'Something went wrong on the server. Try again.');
    return new ApiError(status, code, message, retryAfter);
  }
  const message =
    FALLBACK_MESSAGES[status] ??
    (status >= 500 ? `The server had a problem (HTTP ${status}). Try again in a moment.` : `Request failed (HTTP ${status}).`);
  return new ApiError(status, fallbackCode(status), message, retryAfter);
}

/** A readable message for anything a try/catch may hold. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}
