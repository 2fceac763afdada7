import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { UiIcon } from './icon';

@Component({
  imports: [UiIcon],
  template: `<ui-icon name="lock" /><ui-icon name="mic-off" label="Muted" />`,
})
class Host {}

describe('UiIcon', () => {
  it('draws the icon as an inline SVG in the text colour, hidden from screen readers unless labelled', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const [lock, muted] = fixture.nativeElement.querySelectorAll('ui-icon') as NodeListOf<HTMLElement>;
    const svg = lock.querySelector('svg');
    expect(svg?.getAttribute('stroke')).toBe('currentColor');
    expect(svg?.children.length).toBeGreaterThan(0);
    expect(lock.getAttribute('aria-hidden')).toBe('true');
    expect(muted.getAttribute('aria-hidden')).toBeNull();
    expect(muted.getAttribute('role')).toBe('img');
    expect(muted.getAttribute('aria-label')).toBe('Muted');
  });
});
