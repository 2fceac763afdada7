import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import { YourDataPage } from './your-data-page';
import { DataExport, exportPercent } from './privacy-api';
import { UiDialog } from '../ui/dialog';

const settle = async (fixture: { whenStable(): Promise<unknown> }, ms = 0) => {
  for (let i = 0; i < 3; i++) {
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, ms));
  }
};

const exp = (extra: Partial<DataExport> = {}): DataExport => ({
  id: 7, user_id: 3, requested_by: 3, state: 'queued', progress: { done: 0, total: 0 }, bytes: 0, created_at: 1000,
  finished_at: null, expires_at: null, ...extra,
});

const restriction = (restricted = false) => ({ user_id: 3, restricted, effects: ['The AI copilot does not work for you.'] });

function setup(confirm = true) {
  const asked: string[] = [];
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideRouter([]),
      { provide: UiDialog, useValue: { confirm: async (o: { message: string }) => (asked.push(o.message), confirm) } },
    ],
  });
  return { http: TestBed.inject(HttpTestingController), asked };
}

/** The page over a person with no exports, no erasure request and no consents yet. */
async function openEmpty(http: HttpTestingController) {
  const fixture = TestBed.createComponent(YourDataPage);
  await settle(fixture);
  http.expectOne('/api/v1/me/exports').flush({ items: [] });
  http.expectOne('/api/v1/me/erasure-request').flush({ item: null });
  http.expectOne('/api/v1/me/consents').flush({ items: [] });
  http.expectOne('/api/v1/me/restriction').flush(restriction());
  await settle(fixture);
  return fixture;
}

describe('YourDataPage', () => {
  afterEach(() => document.body.replaceChildren());

  it('prepares an export, shows its progress until ready, then offers the download link', async () => {
    const { http } = setup();
    const fixture = await openEmpty(http);
    const el: HTMLElement = fixture.nativeElement;
    const button = el.querySelector('[data-testid="export-request"]') as HTMLButtonElement;
    expect(button.textContent!.trim()).toBe('Prepare my data');

    button.click();
    await settle(fixture);
    const post = http.expectOne('/api/v1/me/export');
    expect(post.request.method).toBe('POST');
    post.flush(exp());
    await settle(fixture);
    expect(el.querySelector('[data-testid="export-state"]')!.textContent!.trim()).toBe('Waiting');
    expect(button.disabled).toBe(true);

    // It polls while it is being built.
    await settle(fixture, 400);
    http.expectOne('/api/v1/me/exports/7').flush(exp({ state: 'running', progress: { done: 3, total: 12 }, bytes: 2048 }));
    await settle(fixture);
    expect((el.querySelector('[data-testid="export-progress"]') as HTMLProgressElement).value).toBe(25);
    expect(el.textContent).toContain('3 of 12 parts');

    await settle(fixture, 400);
    http.expectOne('/api/v1/me/exports/7').flush(
      exp({ state: 'ready', progress: { done: 12, total: 12 }, bytes: 4096, expires_at: 90_000_000, download_url: '/api/v1/exports/7/archive?token=t' }),
    );
    await settle(fixture);
    const link = el.querySelector('[data-testid="export-download"]') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('/api/v1/exports/7/archive?token=t');
    expect(el.querySelector('[data-testid="export-state"]')!.textContent!.trim()).toBe('Ready');
    expect(button.disabled).toBe(false);
    http.verify();
  }, 15_000);

  it('asks for erasure only after a clear confirmation and shows that it is waiting for an administrator', async () => {
    const { http, asked } = setup();
    const fixture = await openEmpty(http);
    const el: HTMLElement = fixture.nativeElement;
    (el.querySelector('[data-testid="erasure-request"]') as HTMLButtonElement).click();
    await settle(fixture);
    expect(asked[0]).toContain('cannot be undone');
    const post = http.expectOne('/api/v1/me/erasure-request');
    expect(post.request.method).toBe('POST');
    post.flush({ id: 1, user_id: 3, state: 'requested', requested_by: 3, requested_at: 5000, erased_by: null, finished_at: null, stores: [], held: [] });
    await settle(fixture);
    const state = el.querySelector('[data-testid="erasure-state"]')!;
    expect(state.getAttribute('data-state')).toBe('requested');
    expect(state.textContent).toContain('An administrator will carry it out');
    expect(el.querySelector('[data-testid="erasure-request"]')).toBeNull();
  });

  it('does nothing when the confirmation is declined; a refusal is shown', async () => {
    const { http } = setup(false);
    const fixture = TestBed.createComponent(YourDataPage);
    await settle(fixture);
    http.expectOne('/api/v1/me/exports').flush({ items: [exp({ id: 4, state: 'failed', error: 'store down' })] });
    http.expectOne('/api/v1/me/erasure-request').flush({ item: null });
    http.expectOne('/api/v1/me/consents').flush({ items: [] });
    http.expectOne('/api/v1/me/restriction').flush(restriction());
    await settle(fixture);
    const el: HTMLElement = fixture.nativeElement;
    expect(el.textContent).toContain('It could not be prepared: store down');
    (el.querySelector('[data-testid="erasure-request"]') as HTMLButtonElement).click();
    await settle(fixture);
    http.expectNone('/api/v1/me/erasure-request');
    (el.querySelector('[data-testid="export-request"]') as HTMLButtonElement).click();
    await settle(fixture);
    http.expectOne('/api/v1/me/export').flush({ error: { code: 'rate_limited', message: 'Too many exports' } }, { status: 429, statusText: 'Too Many' });
    await settle(fixture);
    expect(el.querySelector('[data-testid="data-error"]')).not.toBeNull();
  });

  it('restricts processing and lists what stops meanwhile', async () => {
    const { http } = setup();
    const fixture = await openEmpty(http);
    const el: HTMLElement = fixture.nativeElement;
    const box = el.querySelector('[data-testid="restriction"]')!;
    expect(box.textContent).toContain('Restrict processing of my data');
    expect(box.querySelector('[data-testid="restriction-effects"]')!.textContent).toContain('AI copilot');
    (box.querySelector('[data-testid="restriction-switch"]') as HTMLInputElement).click();
    await settle(fixture);
    const put = http.expectOne('/api/v1/me/restriction');
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({ restricted: true });
    put.flush(restriction(true));
    await settle(fixture);
    expect(box.textContent).toContain('Processing of your data is restricted');
    expect((box.querySelector('[data-testid="restriction-switch"]') as HTMLInputElement).checked).toBe(true);
    http.verify();
  });

  it('records a consent to the current text and shows when it was given', async () => {
    const { http } = setup();
    const fixture = TestBed.createComponent(YourDataPage);
    await settle(fixture);
    http.expectOne('/api/v1/me/exports').flush({ items: [] });
    http.expectOne('/api/v1/me/erasure-request').flush({ item: null });
    const ai = { purpose: 'ai_processing', title: 'AI assistance', text: 'Indexed for answers.', version: 'v2', granted: false, answered_version: null, answered_at: null };
    http.expectOne('/api/v1/me/consents').flush({ items: [ai] });
    http.expectOne('/api/v1/me/restriction').flush(restriction());
    await settle(fixture);
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelector('[data-purpose="ai_processing"]')!.textContent).toContain('Not answered yet');
    (el.querySelector('[data-testid="consent-ai_processing"]') as HTMLInputElement).click();
    await settle(fixture);
    const put = http.expectOne('/api/v1/me/consents/ai_processing');
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({ granted: true, version: 'v2' });
    put.flush({ ...ai, granted: true, answered_version: 'v2', answered_at: 5000 });
    await settle(fixture);
    expect(el.querySelector('[data-purpose="ai_processing"]')!.textContent).toContain('Agreed on');
    http.verify();
  });

  it('computes the progress percentage', () => {
    expect(exportPercent(exp())).toBe(0);
    expect(exportPercent(exp({ state: 'running', progress: { done: 1, total: 3 } }))).toBe(33);
    expect(exportPercent(exp({ state: 'ready', progress: { done: 0, total: 0 } }))).toBe(100);
  });
});
