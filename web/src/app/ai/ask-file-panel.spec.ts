import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { AskFilePanel, INDEX_POLL_MS } from './ask-file-panel';
import { AskAnswer, Citation } from './ai-api';
import { clampPage } from '../files/pdf-view';

const flushAll = () => new Promise((r) => setTimeout(r, 0));

const citation: Citation = { file_id: 7, version: 1, chunk_id: 3, page: 2, section: null, file_name: 'handbook.pdf', quote: 'Refunds are accepted within 30 days of purchase.' };
const answer: AskAnswer = { provider: 'builtin', answer: 'Refunds are accepted within 30 days of purchase. [1]', citations: [citation], dropped_citations: [], passages: 2 };

function setup(file: { id: number; name: string } | null) {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  const http = TestBed.inject(HttpTestingController);
  const fixture = TestBed.createComponent(AskFilePanel);
  fixture.componentRef.setInput('file', file);
  fixture.detectChanges();
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
  return { http, fixture, el, render, ask };
}

describe('AskFilePanel', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the indexing progress and asks again until the file is read', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { http, el, fixture } = setup({ id: 7, name: 'handbook.pdf' });
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

  it('asks one file and shows citations that open the file at their page', async () => {
    const { http, el, render, ask, fixture } = setup({ id: 7, name: 'handbook.pdf' });
    http.expectOne('/api/v1/ai/index/files/7').flush({ file_id: 7, status: 'ready' });
    await render();
    const opened: Citation[] = [];
    fixture.componentInstance.openCitation.subscribe((c) => opened.push(c));
    await ask('How many days for a refund?');
    const req = http.expectOne('/api/v1/ai/ask');
    expect(req.request.body).toEqual({ question: 'How many days for a refund?', scope: { file_id: 7 } });
    req.flush(answer);
    await render();
    expect(el.querySelector('[data-testid="ask-answer"] .answer')?.textContent).toContain('30 days');
    const open = el.querySelector('[data-testid="ask-citation-open"]') as HTMLButtonElement;
    expect(open.textContent?.trim()).toBe('handbook.pdf, page 2');
    open.click();
    expect(opened).toEqual([citation]);
    http.verify();
  });

  it('asks over every file I can read when no file is given, and says so', async () => {
    const { http, el, render, ask } = setup(null);
    http.expectNone('/api/v1/ai/index/files/7');
    expect(el.querySelector('h3')?.textContent).toContain('Ask your files');
    await render();
    await ask('refund');
    expect(http.expectOne('/api/v1/ai/ask').request.body).toEqual({ question: 'refund', scope: { all: true } });
    await render();
  });

  it('shows a refusal in plain words and counts dropped citations', async () => {
    const { http, el, render, ask } = setup({ id: 7, name: 'handbook.pdf' });
    http.expectOne('/api/v1/ai/index/files/7').flush({ file_id: 7, status: 'ready' });
    await render();
    await ask('refund');
    http.expectOne('/api/v1/ai/ask').flush({ ...answer, citations: [], dropped_citations: [{ chunk_id: 9, reason: 'quote_not_in_passage' }] });
    await render();
    expect(el.querySelector('[data-testid="ask-dropped"]')?.textContent).toContain('1 quoted passage');
    await ask('refund');
    http.expectOne('/api/v1/ai/ask').flush({ error: { code: 'not_found', message: 'no such file' } }, { status: 404, statusText: 'Not Found' });
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
