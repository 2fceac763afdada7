import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import { CatchUpPage } from './catch-up-page';
import { CatchUp } from './ai-api';
import { aiStatus, flushAll, makeSummary } from '../../testing/ai';

function setup() {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])] });
  const http = TestBed.inject(HttpTestingController);
  const fixture = TestBed.createComponent(CatchUpPage);
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const render = async () => {
    await flushAll();
    fixture.detectChanges();
  };
  return { http, el, render };
}

describe('CatchUpPage', () => {
  it('catches me up at once, shows progress meanwhile, and links each point to its messages', async () => {
    const { http, el, render } = setup();
    http.expectOne('/api/v1/ai/status').flush(aiStatus);
    await render();
    const req = http.expectOne('/api/v1/ai/catch-up');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({});
    expect(el.querySelector('[data-testid="catch-up-progress"] progress')).not.toBeNull();
    expect((el.querySelector('[data-testid="catch-up-run"]') as HTMLButtonElement).disabled).toBe(true);
    const answer: CatchUp = {
      provider: 'builtin',
      conversations: [
        { conversation_id: 42, name: 'Launch', unread: 5, summary: makeSummary() },
        { conversation_id: 43, name: 'Ops', unread: 1, summary: makeSummary({ points: [], decisions: [], action_items: [], message_count: 1 }) },
      ],
      left_out: 2,
    };
    req.flush(answer);
    await render();
    expect(el.querySelector('[data-testid="catch-up-progress"]')).toBeNull();
    const sections = el.querySelectorAll('[data-testid="catch-up-conversation"]');
    expect(sections.length).toBe(2);
    expect(sections[0].querySelector('[data-testid="catch-up-open"]')?.getAttribute('href')).toBe('/chat/42');
    const points = sections[0].querySelectorAll('[data-testid="catch-up-point"]');
    expect(points.length).toBe(2);
    expect([...points[0].querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['/chat/42?seq=3', '/chat/42?seq=7']);
    expect(points[1].textContent).toContain('Owner: Ben Stone');
    expect(sections[1].textContent).toContain('Nothing to report');
    expect(el.querySelector('[data-testid="catch-up-overview"]')?.textContent).toContain('2 conversations with 6 unread messages');
    expect(el.querySelector('[data-testid="catch-up-left-out"]')?.textContent).toContain('2 more conversations');
    expect(el.querySelector('[data-testid="catch-up-provider"]')?.textContent).toContain('Built-in');
    // Again on request.
    (el.querySelector('[data-testid="catch-up-run"]') as HTMLButtonElement).click();
    http.expectOne('/api/v1/ai/catch-up').flush({ provider: 'builtin', conversations: [], left_out: 0 });
    await render();
    expect(el.querySelector('[data-testid="catch-up-empty"]')?.textContent).toContain("You're all caught up");
    http.verify();
  });

  it('says plainly when nothing is unread', async () => {
    const { http, el, render } = setup();
    http.expectOne('/api/v1/ai/status').flush(aiStatus);
    await render();
    http.expectOne('/api/v1/ai/catch-up').flush({ provider: 'builtin', conversations: [], left_out: 0 });
    await render();
    expect(el.querySelector('[data-testid="catch-up-empty"]')?.textContent).toContain('Nothing is unread');
    expect(el.querySelectorAll('[data-testid="catch-up-conversation"]').length).toBe(0);
    http.verify();
  });

  it('explains why the copilot is off and asks for nothing', async () => {
    const { http, el, render } = setup();
    http.expectOne('/api/v1/ai/status').flush({ ...aiStatus, copilot: false, available: false, reason: 'AI is switched off for Portugal.' });
    await render();
    expect(el.querySelector('[data-testid="catch-up-unavailable"]')?.textContent).toContain('switched off for Portugal');
    expect(el.querySelector('[data-testid="catch-up-run"]')).toBeNull();
    http.expectNone('/api/v1/ai/catch-up');
    http.verify();
  });

  it('shows the server refusal in its own words', async () => {
    const { http, el, render } = setup();
    http.expectOne('/api/v1/ai/status').flush(aiStatus);
    await render();
    http.expectOne('/api/v1/ai/catch-up').flush({ error: { code: 'rate_limited', message: 'Your AI budget for today is spent.' } }, { status: 429, statusText: 'Too Many Requests' });
    await render();
    expect(el.querySelector('[data-testid="catch-up-error"]')?.textContent).toContain('budget');
    expect(el.querySelector('[data-testid="catch-up-progress"]')).toBeNull();
    http.verify();
  });
});
