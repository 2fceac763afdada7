import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { AskFilePanel, INDEX_POLL_MS } from './ask-file-panel';
import { Subject, filter } from 'rxjs';
import { AskAnswer, Citation, StoredAnswer } from './ai-api';
import { RealtimeService, ServerMessage } from '../core/realtime.service';
import { clampPage } from '../files/pdf-view';

const flushAll = () => new Promise((r) => setTimeout(r, 0));

const citation: Citation = { file_id: 7, version: 1, chunk_id: 3, page: 2, section: null, file_name: 'handbook.pdf', quote: 'Refunds are accepted within 30 days of purchase.' };
const answer: AskAnswer = { provider: 'builtin', answer: 'Refunds are accepted within 30 days of purchase. [1]', citations: [citation], dropped_citations: [], passages: 2 };

/** The app's one WebSocket as the panel uses it: what it asked for, and messages pushed by the test. */
class FakeRealtime {
  readonly incoming = new Subject<ServerMessage>();
  readonly requests: { type: string; body: unknown }[] = [];
  readonly notes: { type: string; body: unknown }[] = [];
  messages(type: string) {
    return this.incoming.pipe(filter((m) => m.type === type));
  }
  request(type: string, body: unknown): Promise<ServerMessage> {
    this.requests.push({ type, body });
    return new Promise(() => undefined);
  }
  notify(type: string, body: unknown): boolean {
    this.notes.push({ type, body });
    return true;
  }
  push(m: unknown): void {
    this.incoming.next(m as ServerMessage);
  }
}

const status = { copilot: true, external: true, excluded: false, available: true, reason: null, providers: { ask: 'openai' },
  budget: { person_day: { limit: 10000, used: 1800, left: 8200, resets_at: 0 }, organisation_month: null } };

const stored = (over: Partial<StoredAnswer> = {}): StoredAnswer => ({
  id: 41, status: 'streaming', scope: 'file:7', question: 'How many days for a refund?', provider: '', text: '', result: null, error: null,
  created_at: 1, updated_at: 1, ...over,
});

function setup(file: { id: number; name: string } | null) {
  const realtime = new FakeRealtime();
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), { provide: RealtimeService, useValue: realtime }] });
  const http = TestBed.inject(HttpTestingController);
  const fixture = TestBed.createComponent(AskFilePanel);
  fixture.componentRef.setInput('file', file);
  fixture.detectChanges();
  for (const r of http.match('/api/v1/ai/status')) r.flush(status);
  const el = fixture.nativeElement as HTMLElement;
  const render = async () => {
    await flushAll();
    fixture.detectChanges();
    await flushAll();
    fixture.detectChanges();
  };
  const ask = async (question: string) => {
    const box = el.querySelector('[data-testid="ask-question"]') as HTMLTextAreaElement;
    box.value = question;
    box.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    (el.querySelector('[data-testid="ask-submit"]') as HTMLButtonElement).click();
  };
  const latest = (items: StoredAnswer[] = []) =>
    http.expectOne((r) => r.url === '/api/v1/ai/answers' && r.method === 'GET').flush({ items });
  return { http, fixture, el, render, ask, realtime, latest };
}

describe('AskFilePanel', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the indexing progress and asks again until the file is read', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { http, el, fixture, latest } = setup({ id: 7, name: 'handbook.pdf' });
    latest();
    const render = async () => {
      await vi.advanceTimersByTimeAsync(0);
      fixture.detectChanges();
    };
    http.expectOne('/api/v1/ai/index/files/7').flush({ file_id: 7, status: 'indexing' });
    await render();
    expect(el.querySelector('[data-testid="ask-index-state"]')?.getAttribute('data-status')).toBe('indexing');
    expect(el.querySelector('[data-testid="ask-index-state"]')?.textContent).toContain('reading this file');
    http.expectNone('/api/v1/ai/index/files/7');
    await vi.advanceTimersByTimeAsync(INDEX_POLL_MS);
    http.expectOne('/api/v1/ai/index/files/7').flush({ file_id: 7, status: 'ready', version: 1, pages: 2, chunks: 2 });
    await render();
    expect(el.querySelector('[data-testid="ask-index-state"]')).toBeNull();
    await vi.advanceTimersByTimeAsync(INDEX_POLL_MS * 3);
    http.verify();
  });

  it('asks one file, shows the words as they stream and then citations that open the file at their page', async () => {
    const { http, el, render, ask, fixture, realtime, latest } = setup({ id: 7, name: 'handbook.pdf' });
    http.expectOne('/api/v1/ai/index/files/7').flush({ file_id: 7, status: 'ready' });
    latest();
    await render();
    const opened: Citation[] = [];
    fixture.componentInstance.openCitation.subscribe((c) => opened.push(c));
    await ask('How many days for a refund?');
    const req = http.expectOne('/api/v1/ai/answers');
    expect(req.request.body).toEqual({ question: 'How many days for a refund?', scope: { file_id: 7 } });
    req.flush(stored());
    await render();
    expect(realtime.requests).toEqual([{ type: 'ai.answer.subscribe', body: { answer_id: 41 } }]);
    realtime.push({ type: 'ai.answer.snapshot', answer: stored({ text: 'Refunds are' }) });
    realtime.push({ type: 'ai.answer.delta', answer_id: 41, offset: 11, text: ' accepted' });
    realtime.push({ type: 'ai.answer.delta', answer_id: 99, offset: 0, text: 'someone else' });
    await render();
    expect(el.querySelector('[data-testid="ask-answer"] .answer')?.textContent).toContain('Refunds are accepted');
    expect(el.querySelector('[data-testid="ask-answer"] .answer')?.textContent).not.toContain('someone else');
    expect(el.querySelector('[data-testid="ask-stop"]')).not.toBeNull();
    expect((el.querySelector('[data-testid="ask-submit"]') as HTMLButtonElement).disabled).toBe(true);
    realtime.push({ type: 'ai.answer.done', answer_id: 41, answer: stored({ status: 'done', provider: 'builtin', text: answer.answer, result: answer }) });
    await render();
    expect(el.querySelector('[data-testid="ask-answer"] .answer')?.textContent).toContain('30 days');
    expect(el.querySelector('[data-testid="ask-stop"]')).toBeNull();
    expect(el.querySelector('[data-testid="ask-budget"]')?.textContent).toContain('8,200 of 10,000 tokens left today');
    // The answer ended: what is left is asked again.
    http.expectOne('/api/v1/ai/status').flush({ ...status, budget: { ...status.budget, person_day: { limit: 10000, used: 2500, left: 7500, resets_at: 0 } } });
    await render();
    expect(el.querySelector('[data-testid="ask-budget"]')?.textContent).toContain('7,500 of 10,000');
    const open = el.querySelector('[data-testid="ask-citation-open"]') as HTMLButtonElement;
    expect(open.textContent?.trim()).toBe('handbook.pdf, page 2');
    open.click();
    expect(opened).toEqual([citation]);
    http.verify();
  });

  it('after a reload shows the answer still being written and follows it again', async () => {
    const { http, el, render, realtime, latest } = setup({ id: 7, name: 'handbook.pdf' });
    http.expectOne('/api/v1/ai/index/files/7').flush({ file_id: 7, status: 'ready' });
    latest([stored({ text: 'Refunds are' })]);
    await render();
    expect(el.querySelector('[data-testid="ask-answer"]')?.getAttribute('data-status')).toBe('streaming');
    expect(el.querySelector('[data-testid="ask-answer"] .answer')?.textContent).toContain('Refunds are');
    expect(el.querySelector('.asked')?.textContent).toContain('How many days for a refund?');
    expect(realtime.requests).toEqual([{ type: 'ai.answer.subscribe', body: { answer_id: 41 } }]);
    // A delta out of step (one was missed): it subscribes again for a fresh snapshot.
    realtime.push({ type: 'ai.answer.delta', answer_id: 41, offset: 30, text: 'later words' });
    expect(realtime.requests.length).toBe(2);
    // A reconnect subscribes again too.
    realtime.push({ type: 'hello' });
    expect(realtime.requests.length).toBe(3);
    await render();
    http.verify();
  });

  it('stops an answer at my word', async () => {
    const { http, el, render, realtime, latest } = setup({ id: 7, name: 'handbook.pdf' });
    http.expectOne('/api/v1/ai/index/files/7').flush({ file_id: 7, status: 'ready' });
    latest([stored({ text: 'Refunds are' })]);
    await render();
    (el.querySelector('[data-testid="ask-stop"]') as HTMLButtonElement).click();
    http.expectOne('/api/v1/ai/answers/41/stop').flush(stored({ text: 'Refunds are' }));
    realtime.push({ type: 'ai.answer.done', answer_id: 41, answer: stored({ status: 'stopped', text: 'Refunds are', result: { ...answer, answer: 'Refunds are', citations: [] } }) });
    await render();
    http.expectOne('/api/v1/ai/status').flush(status);
    expect(el.querySelector('[data-testid="ask-stopped"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="ask-answer"] .answer')?.textContent?.trim()).toBe('Refunds are');
    http.verify();
  });

  it('asks over every file I can read when no file is given, and says so', async () => {
    const { http, el, render, ask } = setup(null);
    http.expectNone('/api/v1/ai/index/files/7');
    expect(el.querySelector('h3')?.textContent).toContain('Ask your files');
    expect(http.expectOne((r) => r.url === '/api/v1/ai/answers' && r.method === 'GET').request.params.get('scope')).toBe('files:all');
    await render();
    await ask('refund');
    expect(http.expectOne('/api/v1/ai/answers').request.body).toEqual({ question: 'refund', scope: { all: true } });
    await render();
  });

  it('shows a refusal in plain words and counts dropped citations', async () => {
    const { http, el, render, ask, realtime, latest } = setup({ id: 7, name: 'handbook.pdf' });
    http.expectOne('/api/v1/ai/index/files/7').flush({ file_id: 7, status: 'ready' });
    latest();
    await render();
    await ask('refund');
    http.expectOne('/api/v1/ai/answers').flush(stored({ question: 'refund' }));
    await render();
    const result = { ...answer, citations: [], dropped_citations: [{ chunk_id: 9, reason: 'quote_not_in_passage' }] };
    realtime.push({ type: 'ai.answer.done', answer_id: 41, answer: stored({ status: 'done', question: 'refund', text: answer.answer, result }) });
    await render();
    expect(el.querySelector('[data-testid="ask-dropped"]')?.textContent).toContain('1 quoted passage');
    await ask('refund');
    http.expectOne('/api/v1/ai/answers').flush({ error: { code: 'not_found', message: 'no such file' } }, { status: 404, statusText: 'Not Found' });
    await render();
    expect(el.querySelector('[data-testid="ask-error"]')?.textContent).toContain("can't read it");
    expect(el.querySelector('[data-testid="ask-answer"]')).toBeNull();
  });
});

describe('clampPage', () => {
  it('keeps a wanted page inside the document', () => {
    expect(clampPage(2, 3)).toBe(2);
    expect(clampPage(9, 3)).toBe(3);
    expect(clampPage(0, 3)).toBe(1);
    expect(clampPage(null, 3)).toBe(1);
    expect(clampPage(2.7, 3)).toBe(2);
  });
});
