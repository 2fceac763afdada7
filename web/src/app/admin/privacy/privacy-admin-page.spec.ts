import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import { PrivacyAdminPage } from './privacy-admin-page';
import { UiDialog } from '../../ui/dialog';

const settle = async (fixture: { whenStable(): Promise<unknown> }) => {
  for (let i = 0; i < 3; i++) {
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
  }
};

const request = { id: 1, user_id: 12, state: 'requested', requested_by: 12, requested_at: 5000, erased_by: null, finished_at: null, stores: [], held: [] };
const ines = { id: 12, email: 'ines@example.test', display_name: 'Inês Data' };

function setup(confirm: boolean) {
  const asked: { title: string; message: string }[] = [];
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideRouter([]),
      { provide: UiDialog, useValue: { confirm: async (o: { title: string; message: string }) => (asked.push(o), confirm) } },
    ],
  });
  return { http: TestBed.inject(HttpTestingController), asked };
}

async function open(http: HttpTestingController) {
  const fixture = TestBed.createComponent(PrivacyAdminPage);
  await settle(fixture);
  http.expectOne('/api/v1/admin/erasures?state=requested').flush({ items: [request] });
  http.expectOne('/api/v1/admin/exports').flush({ items: [] });
  await settle(fixture);
  http.expectOne('/api/v1/admin/users/12').flush(ines);
  await settle(fixture);
  return fixture;
}

describe('PrivacyAdminPage', () => {
  afterEach(() => document.body.replaceChildren());

  it('names the person in the list and in the confirmation, then shows the receipt', async () => {
    const { http, asked } = setup(true);
    const fixture = await open(http);
    const el: HTMLElement = fixture.nativeElement;
    const row = el.querySelector('[data-user="12"]')!;
    expect(row.textContent).toContain('Inês Data');
    expect(row.textContent).toContain('ines@example.test');

    (row.querySelector('[data-testid="erase-now"]') as HTMLButtonElement).click();
    await settle(fixture);
    expect(asked[0].title).toBe('Erase Inês Data?');
    expect(asked[0].message).toContain('ines@example.test');
    const erase = http.expectOne('/api/v1/admin/users/12/erase');
    expect(erase.request.method).toBe('POST');
    erase.flush({
      ...request, state: 'done', finished_at: 9000,
      stores: [{ name: 'identity.users', module: 'identity', action: 'pseudonymised', count: 1 }], held: ['audit: kept'],
    });
    await settle(fixture);
    http.expectOne('/api/v1/admin/erasures?state=requested').flush({ items: [] });
    http.expectOne('/api/v1/admin/exports').flush({ items: [] });
    await settle(fixture);
    const receipt = el.querySelector('[data-testid="erasure-receipt"]')!;
    expect(receipt.textContent).toContain('Inês Data');
    expect(receipt.textContent).toContain('identity.users');
    expect(receipt.textContent).toContain('audit: kept');
    http.verify();
  });

  it("says when the administrator's copy was taken instead of offering it again", async () => {
    const { http } = setup(true);
    const fixture = TestBed.createComponent(PrivacyAdminPage);
    await settle(fixture);
    http.expectOne('/api/v1/admin/erasures?state=requested').flush({ items: [] });
    const base = { user_id: 12, requested_by: 1, progress: { done: 9, total: 9 }, bytes: 2048, created_at: 1000, finished_at: 2000, expires_at: 99000 };
    http.expectOne('/api/v1/admin/exports').flush({
      items: [
        { ...base, id: 2, state: 'ready', admin_downloaded_at: 3000 },
        { ...base, id: 1, state: 'ready', admin_downloaded_at: null, download_url: '/api/v1/exports/1/archive?token=t' },
      ],
    });
    await settle(fixture);
    http.expectOne('/api/v1/admin/users/12').flush(ines);
    http.expectOne('/api/v1/admin/users/1').flush({ id: 1, email: 'root@example.test', display_name: 'Root' });
    await settle(fixture);
    const el: HTMLElement = fixture.nativeElement;
    const rows = el.querySelectorAll('[data-testid="exports-table"] tbody tr');
    expect(rows.length).toBe(2);
    expect(rows[0].querySelector('[data-testid="admin-copy"]')?.textContent).toContain('Copy downloaded');
    expect(rows[0].querySelector('a[download]')).toBeNull();
    expect(rows[1].querySelector('a[download]')?.getAttribute('href')).toBe('/api/v1/exports/1/archive?token=t');
    expect(rows[1].textContent).toContain('2.0 KB');
    http.verify();
  });

  it('erases nothing when the confirmation is declined', async () => {
    const { http } = setup(false);
    const fixture = await open(http);
    (fixture.nativeElement.querySelector('[data-testid="erase-now"]') as HTMLButtonElement).click();
    await settle(fixture);
    http.expectNone('/api/v1/admin/users/12/erase');
    http.verify();
  });
});
