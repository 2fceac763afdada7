import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import { AssistantPanel } from './assistant-panel';
import { aiStatus, flushAll, makeSummary } from '../../testing/ai';
import { citationPlace, coverage, sections } from './ai-format';

function setup() {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])] });
  const http = TestBed.inject(HttpTestingController);
  const fixture = TestBed.createComponent(AssistantPanel);
  fixture.componentRef.setInput('conversationId', 42);
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const render = async () => {
    await flushAll();
    fixture.detectChanges();
  };
  return { http, fixture, el, render };
}

describe('AssistantPanel', () => {
  it('catches me up with points linked to their messages, and names the provider', async () => {
    const { http, el, render } = setup();
    http.expectOne('/api/v1/ai/status').flush(aiStatus);
    await render();
    (el.querySelector('[data-testid="assistant-catch-up"]') as HTMLButtonElement).click();
    const req = http.expectOne('/api/v1/ai/summaries');
    expect(req.request.body).toEqual({ conversation_id: 42, unread_only: true });
    req.flush(makeSummary());
    await render();
    const points = el.querySelectorAll('[data-testid="assistant-point"]');
    expect(points.length).toBe(2);
    expect(points[0].getAttribute('data-kind')).toBe('decision');
    const links = [...points[0].querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['/chat/42?seq=3', '/chat/42?seq=7']);
    expect(points[1].textContent).toContain('Owner: Ben Stone');
    expect(el.querySelector('[data-testid="assistant-provider"]')?.textContent).toContain('Built-in');
    expect(el.querySelector('[data-testid="assistant-provider"]')?.textContent).toContain('English');
    expect(el.querySelector('[data-testid="assistant-coverage"]')?.textContent).toBe('5 messages summarised.');
    http.verify();
  });

  it('catches up from the read marker I had when I opened the conversation', async () => {
    const { http, el, render, fixture } = setup();
    fixture.componentRef.setInput('readUpTo', 12);
    http.expectOne('/api/v1/ai/status').flush(aiStatus);
    await render();
    (el.querySelector('[data-testid="assistant-catch-up"]') as HTMLButtonElement).click();
    expect(http.expectOne('/api/v1/ai/summaries').request.body).toEqual({ conversation_id: 42, after_seq: 12 });
  });

  it('explains plainly when the copilot is off for my country, and offers no buttons', async () => {
    const { http, el, render } = setup();
    const reason = 'The AI copilot is switched off for your country (DE) by your organisation.';
    http.expectOne('/api/v1/ai/status').flush({ ...aiStatus, copilot: false, available: false, reason });
    await render();
    expect(el.querySelector('[data-testid="assistant-unavailable"]')?.textContent).toContain(reason);
    expect(el.querySelector('[data-testid="assistant-catch-up"]')).toBeNull();
    http.verify();
  });

  it("shows the server's refusal and keeps no stale summary", async () => {
    const { http, el, render } = setup();
    http.expectOne('/api/v1/ai/status').flush(aiStatus);
    await render();
    (el.querySelector('[data-testid="assistant-summarise"]') as HTMLButtonElement).click();
    http.expectOne('/api/v1/ai/summaries').flush(
      { error: { code: 'forbidden', message: 'You asked to be excluded from AI processing, so the copilot does not work for you.' } },
      { status: 403, statusText: 'Forbidden' },
    );
    await render();
    expect(el.querySelector('[data-testid="assistant-error"]')?.textContent).toContain('excluded from AI');
    expect(el.querySelector('[data-testid="assistant-summary"]')).toBeNull();
  });
});

describe('ai-format', () => {
  it('groups points by kind and counts what was read and left out', () => {
    expect(sections(makeSummary()).map((s) => s.title)).toEqual(['Decisions', 'Action items']);
    expect(coverage(makeSummary({ excluded_messages: 2, message_count: 1 }))).toBe(
      '1 message summarised; 2 left out (their authors asked to be excluded from AI).',
    );
    expect(coverage(makeSummary({ message_count: 0 }))).toBe('No messages to summarise.');
  });

  it('says where a citation points', () => {
    const c = { file_id: 1, version: 2, chunk_id: 9, page: 3, section: null, file_name: 'handbook.pdf', quote: 'x' };
    expect(citationPlace(c)).toBe('handbook.pdf, page 3 (version 2)');
    expect(citationPlace({ ...c, page: null, section: 'Refunds', version: 1 })).toBe('handbook.pdf, Refunds');
  });
});
