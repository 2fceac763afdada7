import { TestBed } from '@angular/core/testing';
import { HttpEventType, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { AttachmentPicker, MAX_ATTACHMENTS, filesOf } from './attachment-picker';
import { Composer } from './composer';

const tick = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('AttachmentPicker', () => {
  let http: HttpTestingController;

  function setup(conversationId: number | null = 5) {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(AttachmentPicker);
    fixture.componentRef.setInput('conversationId', conversationId);
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const rows = () => Array.from(el.querySelectorAll('[data-testid="attachment-upload"]')) as HTMLElement[];
    return { fixture, picker: fixture.componentInstance, el, rows };
  }

  async function answerSpace(id = 9) {
    await tick();
    http.expectOne('/api/v1/conversations/5/space').flush({ id, kind: 'conversation' });
    await tick();
  }

  afterEach(() => http.verify());

  it('uploads into the conversation space with a progress bar, then hands the file id to the message', async () => {
    const { fixture, picker, rows } = setup();
    picker.add([new File(['hello world'], 'notes.txt')]);
    fixture.detectChanges();
    expect(rows().length).toBe(1);
    expect(rows()[0].dataset['state']).toBe('uploading');
    await answerSpace();
    const req = http.expectOne((r) => r.method === 'POST' && r.url === '/api/v1/spaces/9/files');
    expect(req.request.params.get('name')).toBe('notes.txt');
    expect(req.request.params.get('parent_id')).toBe('0');
    req.event({ type: HttpEventType.UploadProgress, loaded: 5, total: 11 });
    fixture.detectChanges();
    const bar = rows()[0].querySelector('progress') as HTMLProgressElement;
    expect(bar.value).toBe(5);
    expect(bar.max).toBe(11);
    expect(picker.ready().length).toBe(0);
    req.flush({ id: 77, name: 'notes.txt' }, { status: 201, statusText: 'Created' });
    fixture.detectChanges();
    expect(rows()[0].dataset['state']).toBe('done');
    expect(picker.ready().length).toBe(1);
    expect(picker.takeReady()).toEqual([77]);
    fixture.detectChanges();
    expect(rows().length).toBe(0);
  });

  it('cancel aborts an upload in flight; after it finished, cancel removes the stored file', async () => {
    const { fixture, picker, rows } = setup();
    picker.add([new File(['a'], 'a.txt'), new File(['b'], 'b.txt')]);
    await answerSpace();
    const [a, b] = http.match((r) => r.url === '/api/v1/spaces/9/files');
    fixture.detectChanges();
    (rows()[0].querySelector('[data-testid="attachment-cancel"]') as HTMLButtonElement).click();
    expect(a.cancelled).toBe(true);
    b.flush({ id: 78 });
    fixture.detectChanges();
    expect(rows().length).toBe(1);
    (rows()[0].querySelector('[data-testid="attachment-cancel"]') as HTMLButtonElement).click();
    http.expectOne((r) => r.method === 'DELETE' && r.url === '/api/v1/files/78').flush(null, { status: 204, statusText: 'No Content' });
    fixture.detectChanges();
    expect(rows().length).toBe(0);
    expect(picker.takeReady()).toEqual([]);
  });

  it("shows the server's reason when an upload is refused", async () => {
    const { fixture, picker, el } = setup();
    picker.add([new File(['x'], 'big.bin')]);
    await answerSpace();
    http
      .expectOne('/api/v1/spaces/9/files?parent_id=0&name=big.bin')
      .flush({ error: { code: 'too_large', message: 'quota exceeded: 3 bytes free in this space' } }, { status: 413, statusText: 'Payload Too Large' });
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="attachment-error"]')?.textContent).toContain('quota exceeded');
    expect(picker.ready().length).toBe(0);
  });

  it('takes files pasted or dropped on the page, at most ten per message', async () => {
    const { fixture, picker } = setup();
    const paste = new Event('paste', { cancelable: true }) as ClipboardEvent;
    Object.defineProperty(paste, 'clipboardData', { value: { files: [new File(['p'], 'screenshot.png', { type: 'image/png' })] } });
    document.dispatchEvent(paste);
    expect(paste.defaultPrevented).toBe(true);
    const drop = new Event('drop', { cancelable: true }) as DragEvent;
    const many = Array.from({ length: 12 }, (_, i) => new File(['d'], `f${i}.txt`));
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: many } });
    document.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    fixture.detectChanges();
    await answerSpace();
    expect(http.match((r) => r.url === '/api/v1/spaces/9/files').length).toBe(MAX_ATTACHMENTS);
    // Plain text pastes stay text.
    const text = new Event('paste', { cancelable: true }) as ClipboardEvent;
    Object.defineProperty(text, 'clipboardData', { value: { files: [], items: [] } });
    document.dispatchEvent(text);
    expect(text.defaultPrevented).toBe(false);
    picker.takeReady();
  });

  it('does nothing without a conversation', () => {
    const { picker, rows } = setup(null);
    picker.add([new File(['x'], 'x.txt')]);
    expect(rows().length).toBe(0);
  });
});

describe('filesOf', () => {
  it('reads files, or file items when the list is empty', () => {
    const f = new File(['x'], 'x.png');
    expect(filesOf(null)).toEqual([]);
    expect(filesOf({ files: [f] } as unknown as DataTransfer)).toEqual([f]);
    const items = [{ kind: 'string', getAsFile: () => null }, { kind: 'file', getAsFile: () => f }];
    expect(filesOf({ files: [], items } as unknown as DataTransfer)).toEqual([f]);
  });
});

describe('Composer with attachments', () => {
  it('sends with no text when files are ready, never while editing', () => {
    const fixture = TestBed.createComponent(Composer);
    const sent: string[] = [];
    fixture.componentInstance.send.subscribe((t) => sent.push(t));
    fixture.detectChanges();
    const button = () => fixture.nativeElement.querySelector('button[type="submit"]') as HTMLButtonElement;
    expect(button().disabled).toBe(true);
    fixture.componentRef.setInput('hasAttachments', true);
    fixture.detectChanges();
    expect(button().disabled).toBe(false);
    button().click();
    expect(sent).toEqual(['']);
  });
});
