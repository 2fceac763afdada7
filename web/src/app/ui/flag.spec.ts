import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { UiFlag } from './flag';

@Component({
  imports: [UiFlag],
  template: `<ui-flag country="PT" /><ui-flag country="de" [labelled]="true" /><ui-flag country="EUR" /><ui-flag [country]="null" />`,
})
class Host {}

describe('UiFlag', () => {
  it('draws the flag as a shipped picture, not an emoji that needs a font', () => {
    const fixture = TestBed.createComponent(Host);
    fixture.detectChanges();
    const el: HTMLElement = fixture.nativeElement;
    const images = [...el.querySelectorAll('img')];
    expect(images.map((i) => i.getAttribute('src'))).toEqual(['/flags/pt.svg', '/flags/de.svg']);
    expect(images[0].getAttribute('alt')).toBe('');
    expect(images[0].getAttribute('aria-hidden')).toBe('true');
    expect(images[1].getAttribute('alt')).toBe('Germany');
    expect(el.textContent).not.toMatch(/[\u{1F1E6}-\u{1F1FF}]/u);
  });
});
