import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ChatAttachment } from './chat-types';
import { MAX_THUMBNAIL_BYTES, MessageAttachments, showsThumbnail } from './message-attachments';

const tick = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('MessageAttachments', () => {
  let http: HttpTestingController;
  let created: Blob[];

  beforeEach(() => {
    created = [];
    URL.createObjectURL = vi.fn((b: Blob) => {
      created.push(b);
      return `blob:test/${created.length}`;
    }) as typeof URL.createObjectURL;
    URL.revokeObjectURL = vi.fn();
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  function render(attachments: ChatAttachment[]) {
    const fixture = TestBed.createComponent(MessageAttachments);
    fixture.componentRef.setInput('attachments', attachments);
    fixture.detectChanges();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('shows each file as a chip with name and size', () => {
    const { el } = render([
      { id: 1, name: 'plan.pdf', size: 52_311, content_type: 'application/pdf' },
      { id: 2, name: 'notes.txt', size: 12, content_type: 'text/plain' },
    ]);
    const names = Array.from(el.querySelectorAll('[data-testid="attachment-name"]')).map((n) => n.textContent);
    expect(names).toEqual(['plan.pdf', 'notes.txt']);
    expect(el.querySelector('[data-testid="attachment-size"]')?.textContent).toBe('51 KB');
    expect(el.querySelector('img')).toBeNull();
  });

  it('fetches image thumbnails through the preview endpoint with the token, never huge ones', async () => {
    const { fixture, el } = render([
      { id: 3, name: 'photo.png', size: 2048, content_type: 'image/png' },
      { id: 4, name: 'huge.jpg', size: MAX_THUMBNAIL_BYTES + 1, content_type: 'image/jpeg' },
      { id: 5, name: 'drawing.svg', size: 100, content_type: 'image/svg+xml' },
    ]);
    const req = http.expectOne('/api/v1/files/3/content?inline=1');
    expect(req.request.responseType).toBe('blob');
    req.flush(new Blob(['png']));
    await tick();
    fixture.detectChanges();
    const img = el.querySelector('[data-testid="attachment-thumbnail"]') as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('blob:test/1');
    expect(img.alt).toBe('photo.png');
    fixture.destroy();
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:test/1');
  });

  it('downloads with the token and says so when access is gone', async () => {
    const { fixture, el } = render([{ id: 6, name: 'report.pdf', size: 10, content_type: 'application/pdf' }]);
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    (el.querySelector('[data-testid="attachment-download"]') as HTMLButtonElement).click();
    http.expectOne('/api/v1/files/6/content').flush(new Blob(['%PDF']));
    await tick();
    expect(click).toHaveBeenCalledTimes(1);
    expect(created.length).toBe(1);
    (el.querySelector('[data-testid="attachment-download"]') as HTMLButtonElement).click();
    http.expectOne('/api/v1/files/6/content').flush(new Blob(['{}']), { status: 404, statusText: 'Not Found' });
    await tick();
    fixture.detectChanges();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('no longer have access');
    click.mockRestore();
  });

  it('thumbnails only for image types a browser draws, within the size limit', () => {
    expect(showsThumbnail({ id: 1, name: 'a', size: 1, content_type: 'image/webp' })).toBe(true);
    expect(showsThumbnail({ id: 1, name: 'a', size: 1, content_type: 'image/svg+xml' })).toBe(false);
    expect(showsThumbnail({ id: 1, name: 'a', size: 1, content_type: 'text/html' })).toBe(false);
  });
});
