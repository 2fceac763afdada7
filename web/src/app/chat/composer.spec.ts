import { TestBed } from '@angular/core/testing';
import { Composer, mentionQuery } from './composer';

describe('Composer', () => {
  function setup() {
    const fixture = TestBed.createComponent(Composer);
    const sent: string[] = [];
    fixture.componentInstance.send.subscribe((text) => sent.push(text));
    fixture.detectChanges();
    const box = fixture.nativeElement.querySelector('textarea') as HTMLTextAreaElement;
    const type = (value: string) => {
      box.value = value;
      box.dispatchEvent(new Event('input'));
      fixture.detectChanges();
    };
    const key = (init: KeyboardEventInit) => {
      const event = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init });
      box.dispatchEvent(event);
      fixture.detectChanges();
      return event;
    };
    const sendButton = () => fixture.nativeElement.querySelector('button[type="submit"]') as HTMLButtonElement;
    return { fixture, box, sent, type, key, sendButton };
  }

  it('Enter sends the text and clears the box', () => {
    const { box, sent, type, key } = setup();
    type('hello');
    const event = key({});
    expect(event.defaultPrevented).toBe(true);
    expect(sent).toEqual(['hello']);
    expect(box.value).toBe('');
  });

  it('Shift+Enter does not send (the browser adds the new line)', () => {
    const { sent, type, key } = setup();
    type('line one');
    const event = key({ shiftKey: true });
    expect(event.defaultPrevented).toBe(false);
    expect(sent).toEqual([]);
  });

  it('keeps line breaks inside the message and trims trailing blank space', () => {
    const { sent, type, key } = setup();
    type('line one\nline two\n\n');
    key({});
    expect(sent).toEqual(['line one\nline two']);
  });

  it('does not send an empty or blank message, and the button is disabled with a hint', () => {
    const { fixture, sent, type, key, sendButton } = setup();
    key({});
    type('   \n ');
    key({});
    expect(sent).toEqual([]);
    expect(sendButton().disabled).toBe(true);
    expect(fixture.nativeElement.textContent).toContain('Type a message to send it.');
    type('x');
    expect(sendButton().disabled).toBe(false);
  });

  it('Enter while an input method is composing does not send', () => {
    const { sent, type, key } = setup();
    type('にほん');
    key({ isComposing: true });
    expect(sent).toEqual([]);
  });

  it('does not send while disabled', () => {
    const { fixture, sent, type, key } = setup();
    fixture.componentRef.setInput('disabled', true);
    fixture.detectChanges();
    type('hello');
    key({});
    expect(sent).toEqual([]);
  });

  it('shows why it is blocked, disables the box and sends nothing', () => {
    const { fixture, box, sent, type, key, sendButton } = setup();
    fixture.componentRef.setInput('blocked', 'Claim this conversation to reply');
    fixture.detectChanges();
    const notice = fixture.nativeElement.querySelector('[data-testid="composer-blocked"]') as HTMLElement;
    expect(notice.textContent).toContain('Claim this conversation to reply');
    expect(box.disabled).toBe(true);
    expect(box.getAttribute('placeholder')).toBe('Claim this conversation to reply');
    // No "type a message" or Enter hint where nobody may type.
    expect(fixture.nativeElement.querySelector('[data-testid="composer-hint"]')).toBeNull();
    type('hello');
    key({});
    expect(sendButton().disabled).toBe(true);
    expect(sent).toEqual([]);
    fixture.componentRef.setInput('blocked', '');
    fixture.detectChanges();
    expect(fixture.nativeElement.querySelector('[data-testid="composer-blocked"]')).toBeNull();
    expect(fixture.nativeElement.querySelector('[data-testid="composer-hint"]')).not.toBeNull();
    expect(box.disabled).toBe(false);
  });

  it('Up in an empty box asks to edit the last message; Enter saves, the draft comes back', () => {
    const { fixture, box, sent, type, key } = setup();
    const asks: number[] = [];
    const saved: string[] = [];
    fixture.componentInstance.editLast.subscribe(() => {
      asks.push(1);
      fixture.componentInstance.startEditing('old text');
    });
    fixture.componentInstance.saveEdit.subscribe((t) => saved.push(t));
    type('draft');
    key({ key: 'ArrowUp' });
    expect(asks).toEqual([]); // not empty: Up moves the caret
    type('');
    const up = key({ key: 'ArrowUp' });
    expect(up.defaultPrevented).toBe(true);
    expect(box.value).toBe('old text');
    expect(fixture.nativeElement.querySelector('[data-testid="composer-editing"]')).not.toBeNull();
    type('new text');
    key({});
    expect(saved).toEqual(['new text']);
    expect(sent).toEqual([]);
    expect(fixture.nativeElement.querySelector('[data-testid="composer-editing"]')).toBeNull();
  });

  it('Escape cancels an edit and restores what was typed', () => {
    const { fixture, box, type, key } = setup();
    let cancelled = 0;
    fixture.componentInstance.cancelEdit.subscribe(() => cancelled++);
    type('half a thought');
    fixture.componentInstance.startEditing('old');
    fixture.detectChanges();
    expect(box.value).toBe('old');
    key({ key: 'Escape' });
    expect(cancelled).toBe(1);
    expect(box.value).toBe('half a thought');
  });

  it('tells the page when someone types, not when the box is emptied', () => {
    const { fixture, type } = setup();
    let typed = 0;
    fixture.componentInstance.typed.subscribe(() => typed++);
    type('h');
    type('');
    expect(typed).toBe(1);
  });

  it('finds the @query before the caret, not inside an email address', () => {
    expect(mentionQuery('hi @be', 6)).toEqual({ start: 3, query: 'be' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('mail ana@example', 16)).toBeNull();
    expect(mentionQuery('hi @ben there', 13)).toBeNull();
  });

  it('@ suggests members; arrows choose, Enter completes instead of sending', () => {
    const { fixture, box, sent, key } = setup();
    fixture.componentRef.setInput('mentionables', [
      { handle: 'ben.silva', label: 'Ben Silva' },
      { handle: 'bia', label: 'Beatriz Costa' },
      { handle: 'channel', label: 'everyone in this channel' },
    ]);
    box.value = 'hello @b';
    box.setSelectionRange(8, 8);
    box.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    const options = () => Array.from(fixture.nativeElement.querySelectorAll('[data-testid="mention-option"]')) as HTMLElement[];
    expect(options().map((o) => o.querySelector('strong')?.textContent)).toEqual(['@ben.silva', '@bia']);
    key({ key: 'ArrowDown' });
    key({ key: 'Enter' });
    expect(sent).toEqual([]);
    expect(box.value).toBe('hello @bia ');
    expect(options().length).toBe(0);
  });
});
