import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { UiTab, UiTabs } from './tabs';

@Component({
  imports: [UiTabs, UiTab],
  template: `
    <div uiTabs="Panels">
      @for (t of names; track t) {
        <button uiTab [selected]="current() === t" (click)="current.set(t)">{{ t }}</button>
      }
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class Host {
  readonly names = ['People', 'Chat', 'Info'];
  readonly current = signal('People');
}

describe('UiTabs', () => {
  // The CDK key manager reads keyCode, as browsers still send it.
  const codes: Record<string, number> = { ArrowLeft: 37, ArrowRight: 39, Home: 36, End: 35 };
  const key = (el: Element, key: string) => el.dispatchEvent(new KeyboardEvent('keydown', { key, keyCode: codes[key], bubbles: true }));

  async function render() {
    const fixture = TestBed.createComponent(Host);
    document.body.appendChild(fixture.nativeElement);
    await fixture.whenStable();
    const tabs = Array.from(fixture.nativeElement.querySelectorAll('[role="tab"]')) as HTMLButtonElement[];
    return { fixture, list: fixture.nativeElement.querySelector('[role="tablist"]') as HTMLElement, tabs };
  }

  it('names the list and puts only the selected tab in the Tab order', async () => {
    const { list, tabs } = await render();
    expect(list.getAttribute('aria-label')).toBe('Panels');
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).toEqual(['true', 'false', 'false']);
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1]);
  });

  it('moves focus with the arrow keys, wrapping, and Home/End', async () => {
    const { tabs } = await render();
    tabs[0].focus();
    key(tabs[0], 'ArrowRight');
    expect(document.activeElement).toBe(tabs[1]);
    key(tabs[1], 'ArrowRight');
    key(tabs[2], 'ArrowRight');
    expect(document.activeElement).toBe(tabs[0]);
    key(tabs[0], 'ArrowLeft');
    expect(document.activeElement).toBe(tabs[2]);
    key(tabs[2], 'Home');
    expect(document.activeElement).toBe(tabs[0]);
    key(tabs[0], 'End');
    expect(document.activeElement).toBe(tabs[2]);
  });

  it('selects on click and moves the roving tabindex', async () => {
    const { fixture, tabs } = await render();
    tabs[1].click();
    await fixture.whenStable();
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).toEqual(['false', 'true', 'false']);
    expect(tabs.map((t) => t.tabIndex)).toEqual([-1, 0, -1]);
  });
});
