import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { ApiError, errorMessage, toApiError } from './api-error';

function failure(status: number, error: unknown, headers: Record<string, string> = {}): HttpErrorResponse {
  return new HttpErrorResponse({ status, error, headers: new HttpHeaders(headers), url: '/api/v1/x' });
}

describe('toApiError', () => {
  it('keeps the server code and message from an error body', () => {
    const error = toApiError(failure(401, { error: { code: 'unauthenticated', message: 'Wrong email or password.' } }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('Wrong email or password.');
    expect(error.retryAfterSeconds).toBeNull();
  });

  it('reads Retry-After seconds from a 429', () => {
    const error = toApiError(
      failure(429, { error: { code: 'rate_limited', message: 'too many attempts, try again in 30 s' } }, { 'Retry-After': '30' }),
    );
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(30);
  });

  it('parses an error body that arrived as text', () => {
    const error = toApiError(failure(409, '{"error":{"code":"conflict","message":"Email already in use."}}'));
    expect(error.code).toBe('conflict');
    expect(error.message).toBe('Email already in use.');
  });

  it('explains an unreachable server', () => {
    const error = toApiError(failure(0, new ProgressEvent('error')));
    expect(error.code).toBe('network_error');
    expect(error.message).toMatch(/can't reach/i);
  });

  it('gives a generic message for a server error without a body', () => {
    const error = toApiError(failure(502, '<html>Bad gateway</html>'));
    expect(error.code).toBe('server_error');
    expect(error.message).toMatch(/HTTP 502/);
  });

  it('errorMessage reads any thrown value', () => {
    expect(errorMessage(new ApiError(400, 'invalid', 'Bad email.'))).toBe('Bad email.');
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('??')).toMatch(/went wrong/);
  });
});
