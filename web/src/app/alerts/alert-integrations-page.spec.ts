import { TestBed } from '@angular/core/testing';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import { apiInterceptor } from '../core/api.interceptor';
import { SESSION_STORAGE } from '../core/session.store';
import { AlertIntegrationsPage } from './alert-integrations-page';
import { AlertIntegration } from './alerts-api';

const settle = async (fixture: { whenStable(): Promise<unknown> }) => {
  for (let i = 0; i < 3; i++) {
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
  }
};

const integration = (extra: Partial<AlertIntegration> = {}): AlertIntegration => ({
  id: 3, name: 'prometheus-prod', kind: 'alertmanager', audience: { countries: ['DE'] }, require_ack: false, created_by: 1,
  created_at: 1000, webhook_path: '/api/v1/integrations/alertmanager/prometheus-prod', alertmanager_url: null, suspended: null, ...extra,
});

function setup() {
  TestBed.configureTestingModule({ providers: [provideHttpClient(withInterceptors([apiInterceptor])), provideHttpClientTesting(), provideRouter([]), { provide: SESSION_STORAGE, useValue: null }] });
  return TestBed.inject(HttpTestingController);
}

describe('AlertIntegrationsPage', () => {
  afterEach(() => document.body.replaceChildren());

  it('lists integrations with a suspended one and its reason', async () => {
    const http = setup();
    const fixture = TestBed.createComponent(AlertIntegrationsPage);
    await settle(fixture);
    const why = "integration 'old' is suspended: its creator's account is deactivated; an administrator takes it over by rotating its secret";
    http.expectOne('/api/v1/alerts/integrations').flush({
      items: [integration(), integration({ id: 4, name: 'old', kind: 'webhook', webhook_path: '/api/v1/integrations/webhook/old', suspended: why })],
    });
    await settle(fixture);
    const el: HTMLElement = fixture.nativeElement;
    const states = [...el.querySelectorAll('[data-testid="integration-state"]')].map((b) => b.textContent!.trim());
    expect(states).toEqual(['Active', 'Suspended']);
    expect(el.querySelector('[data-testid="integration-reason"]')!.textContent).toContain("creator's account is deactivated");
    expect(el.textContent).toContain('JSON webhook');
  });

  it('checks the form, creates an integration and shows its secret once', async () => {
    const http = setup();
    const fixture = TestBed.createComponent(AlertIntegrationsPage);
    await settle(fixture);
    http.expectOne('/api/v1/alerts/integrations').flush({ items: [] });
    await settle(fixture);
    const el: HTMLElement = fixture.nativeElement;
    expect(el.textContent).toContain('No integrations yet');
    (el.querySelector('[data-testid="integration-create"]') as HTMLButtonElement).click();
    await settle(fixture);
    expect(el.textContent).toContain('Lower-case letters, digits and dashes');
    expect(el.textContent).toContain('Choose who its alerts reach.');
    http.expectNone('/api/v1/alerts/integrations');

    const name = el.querySelector('[data-testid="integration-name"]') as HTMLInputElement;
    name.value = 'backups';
    name.dispatchEvent(new Event('input'));
    const kind = el.querySelector('[data-testid="integration-kind"]') as HTMLSelectElement;
    kind.value = 'webhook';
    kind.dispatchEvent(new Event('change'));
    const country = el.querySelector('[data-testid="integration-country"]') as HTMLSelectElement;
    country.value = 'DE';
    country.dispatchEvent(new Event('change'));
    await settle(fixture);
    expect(el.querySelector('[data-testid="integration-url"]')).toBeNull();
    (el.querySelector('[data-testid="integration-create"]') as HTMLButtonElement).click();
    await settle(fixture);
    const req = http.expectOne((r) => r.method === 'POST' && r.url === '/api/v1/alerts/integrations');
    expect(req.request.body).toEqual({ name: 'backups', kind: 'webhook', audience: { countries: ['DE'] }, require_ack: false });
    req.flush(integration({ id: 9, name: 'backups', kind: 'webhook', webhook_path: '/api/v1/integrations/webhook/backups', secret: 's3cr3t-value' }));
    await settle(fixture);
    http.expectOne('/api/v1/alerts/integrations').flush({ items: [integration({ id: 9, name: 'backups', kind: 'webhook' })] });
    await settle(fixture);
    expect(el.querySelector('[data-testid="integration-secret"]')!.textContent).toBe('s3cr3t-value');
    (el.querySelector('[data-testid="integration-secret-done"]') as HTMLButtonElement).click();
    await settle(fixture);
    expect(el.querySelector('[data-testid="integration-secret"]')).toBeNull();
    expect(el.textContent).not.toContain('s3cr3t-value');
  });

  it('says why when the server refuses (not an admin)', async () => {
    const http = setup();
    const fixture = TestBed.createComponent(AlertIntegrationsPage);
    await settle(fixture);
    http
      .expectOne('/api/v1/alerts/integrations')
      .flush({ error: { code: 'forbidden', message: 'only administrators manage integrations' } }, { status: 403, statusText: 'Forbidden' });
    await settle(fixture);
    expect(fixture.nativeElement.querySelector('[data-testid="integrations-error"]').textContent).toContain('only administrators');
  });
});
