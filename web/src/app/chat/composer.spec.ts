import { TestBed } from '@angular/core/testing';
import { Composer } from './composer';

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
});
