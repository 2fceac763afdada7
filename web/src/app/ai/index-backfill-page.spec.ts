import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { BACKFILL_POLL_MS, IndexBackfillPage } from './index-backfill-page';
import { BackfillProgress } from './ai-api';

const URL = '/api/v1/ai/index/backfill';

function progress(extra: Partial<BackfillProgress> = {}): BackfillProgress {
  return {
    state: 'running', handled: 6, indexed: 3, failed: 1, skipped_restricted: 1, skipped_unsupported: 0, remaining: 6, total: 12,
    after_file_id: 40, started_at: 1_765_000_000_000, finished_at: null, updated_at: 1_765_000_060_000, working: true,
    last_error: { message: 'not a readable Office file (a broken ZIP archive)', file_id: 31, at: 1_765_000_050_000 },
    documents: { ready: 3, failed: 1, restricted: 1, indexing: 0 },
    ...extra,
  };
}

function setup() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  const http = TestBed.inject(HttpTestingController);
  const fixture = TestBed.createComponent(IndexBackfillPage);
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const render = async () => {
    await vi.advanceTimersByTimeAsync(0);
    fixture.detectChanges();
  };
  const text = (id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
  const count = (id: string) => el.querySelector(`[data-testid="${id}"] dd`)?.textContent?.trim() ?? null;
  return { http, el, fixture, render, text, count };
}

describe('IndexBackfillPage', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the progress, the counts apart and the last error, following a running backfill until it is done', async () => {
    const { http, el, fixture, render, text, count } = setup();
    http.expectOne(URL).flush(progress());
    await render();
    const bar = el.querySelector('progress') as HTMLProgressElement;
    expect(bar.value).toBe(6);
    expect(bar.max).toBe(12);
    expect(text('backfill-handled')).toBe('6 of 12 files handled (50%) · 6 to go');
    expect(text('backfill-state')).toBe('Running');
    expect(count('count-indexed')).toBe('3');
    expect(text('count-restricted')).toContain('Skipped: restricted');
    expect(count('count-restricted')).toBe('1');
    expect(count('count-unsupported')).toBe('0');
    expect(count('count-failed')).toBe('1');
    expect(count('count-current')).toBe('1'); // 6 handled - 3 read - 1 restricted - 1 failed
    expect(text('backfill-last-error')).toContain('file 31');
    expect(text('backfill-last-error')).toContain('not a readable Office file');
    expect(text('backfill-activity')).toContain('A server is reading files now');
    const rows = [...el.querySelectorAll('[data-testid="backfill-documents"] tbody tr')].map((r) => r.getAttribute('data-status'));
    expect(rows).toEqual(['ready', 'failed', 'restricted']); // none with no file
    // No button: the server starts and resumes the run by itself.
    expect(el.querySelectorAll('button').length).toBe(0);

    // Live: asked again while it runs.
    http.expectNone(URL);
    await vi.advanceTimersByTimeAsync(BACKFILL_POLL_MS);
    http.expectOne(URL).flush(progress({ handled: 12, indexed: 9, remaining: 0, state: 'done', working: false, finished_at: 1_765_000_120_000 }));
    await render();
    expect(text('backfill-handled')).toBe('12 of 12 files handled (100%) · 0 to go');
    expect(text('backfill-state')).toBe('Done');
    expect((el.querySelector('progress') as HTMLProgressElement).value).toBe(12);
    // Done: no more asking.
    await vi.advanceTimersByTimeAsync(BACKFILL_POLL_MS * 5);
    http.verify();
    fixture.destroy();
  });

  it('says plainly when there is nothing to read', async () => {
    const { http, el, render, text } = setup();
    http.expectOne(URL).flush(progress({ state: 'done', handled: 0, indexed: 0, failed: 0, skipped_restricted: 0, remaining: 0, total: 0, last_error: null, documents: {} }));
    await render();
    expect(text('backfill-empty')).toContain('No files to read');
    expect(el.querySelector('progress')).toBeNull();
    expect(el.querySelector('[data-testid="backfill-documents"]')).toBeNull();
    await vi.advanceTimersByTimeAsync(BACKFILL_POLL_MS * 3);
    http.verify();
  });

  it('says when indexing is off, without asking again', async () => {
    const { http, render, text } = setup();
    http.expectOne(URL).flush(progress({ state: 'off', handled: 0, indexed: 0, failed: 0, skipped_restricted: 0, remaining: 10, total: 10, last_error: null, working: false }));
    await render();
    expect(text('backfill-state')).toBe('Indexing is off');
    expect(text('backfill-run')).toContain('Indexing is switched off on this server');
    expect(text('backfill-handled')).toBe('0 of 10 files handled (0%) · 10 to go');
    await vi.advanceTimersByTimeAsync(BACKFILL_POLL_MS * 3);
    http.verify();
  });

  it("shows the server's refusal and stops asking when the page goes", async () => {
    const { http, fixture, render, text } = setup();
    http.expectOne(URL).flush({ error: { code: 'forbidden', message: 'not allowed: manage_ai' } }, { status: 403, statusText: 'Forbidden' });
    await render();
    expect(text('backfill-error')).toBeTruthy();
    await vi.advanceTimersByTimeAsync(BACKFILL_POLL_MS * 3);
    http.verify();
    fixture.destroy();
  });

  it('keeps following a running backfill through a passing failure, and stops when the page goes', async () => {
    const { http, fixture, render, text } = setup();
    http.expectOne(URL).flush(progress());
    await render();
    await vi.advanceTimersByTimeAsync(BACKFILL_POLL_MS);
    http.expectOne(URL).flush({ error: { code: 'unavailable', message: 'down' } }, { status: 503, statusText: 'Unavailable' });
    await render();
    expect(text('backfill-error')).toContain('server had a problem');
    expect(text('backfill-handled')).toContain('6 of 12'); // the last figures stay
    await vi.advanceTimersByTimeAsync(BACKFILL_POLL_MS);
    http.expectOne(URL).flush(progress({ handled: 8, remaining: 4 }));
    await render();
    expect(text('backfill-error')).toBeNull();
    expect(text('backfill-handled')).toContain('8 of 12');
    fixture.destroy();
    await vi.advanceTimersByTimeAsync(BACKFILL_POLL_MS * 3);
    http.verify();
  });
});
