import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiInterceptor } from '../../core/api.interceptor';
import { SESSION_STORAGE } from '../../core/session.store';
import { ChatOperationsPage } from './chat-operations-page';

const settle = () => new Promise((resolve) => setTimeout(resolve));

describe('ChatOperationsPage retention form', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ChatOperationsPage],
      providers: [provideHttpClient(withInterceptors([apiInterceptor])), provideHttpClientTesting(), { provide: SESSION_STORAGE, useValue: null }],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function render() {
    const fixture = TestBed.createComponent(ChatOperationsPage);
    fixture.detectChanges();
    for (const path of ['admin/retention/policies', 'admin/retention/holds', 'admin/support/routes', 'admin/teams']) {
      http.expectOne((r) => r.url.endsWith(path)).flush({ items: [] });
    }
    await fixture.whenStable();
    fixture.detectChanges();
    return { fixture, element: fixture.nativeElement as HTMLElement };
  }

  const $ = <T extends Element>(root: HTMLElement, id: string) => root.querySelector<T>(`[data-testid="${id}"]`)!;

  it('saves what the form shows: after a conversation policy the next save is for what is chosen, not a leftover conversation', async () => {
    const { fixture, element } = await render();
    const kind = $<HTMLSelectElement>(element, 'policy-kind');
    kind.value = 'conversation';
    kind.dispatchEvent(new Event('change'));
    fixture.detectChanges();
    $<HTMLInputElement>(element, 'policy-value').value = '12';
    $<HTMLInputElement>(element, 'policy-days').value = '30';
    $<HTMLButtonElement>(element, 'policy-save').click();
    http.expectOne((r) => r.method === 'PUT' && r.url.endsWith('/policies/conversation%3A12')).flush({ scope: 'conversation:12', keep_days: 30, updated_at: 1 });
    await settle();
    http.expectOne((r) => r.method === 'GET' && r.url.endsWith('/policies')).flush({ items: [{ scope: 'conversation:12', keep_days: 30, updated_at: 1 }] });
    await fixture.whenStable();
    fixture.detectChanges();

    // Whatever "Applies to" now shows, saving again asks only for what that choice needs.
    const shown = $<HTMLSelectElement>(element, 'policy-kind').value;
    if (shown === 'conversation') {
      expect($<HTMLInputElement>(element, 'policy-value')).not.toBeNull();
      $<HTMLInputElement>(element, 'policy-value').value = '13';
    } else {
      expect(element.querySelector('[data-testid="policy-value"]')).toBeNull();
    }
    $<HTMLInputElement>(element, 'policy-days').value = '90';
    $<HTMLButtonElement>(element, 'policy-save').click();
    await settle();
    fixture.detectChanges();
    expect(element.querySelector('[data-testid="policy-error"]')?.textContent ?? '').toBe('');
    const put = http.expectOne((r) => r.method === 'PUT');
    expect(decodeURIComponent(put.request.url)).toMatch(shown === 'conversation' ? /policies\/conversation:13$/ : new RegExp(`policies/${shown}$`));
    put.flush({});
    await settle();
    http.expectOne((r) => r.method === 'GET' && r.url.endsWith('/policies')).flush({ items: [] });
  });
});
