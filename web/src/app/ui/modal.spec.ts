import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { UiModal } from './modal';

@Component({
  imports: [UiModal],
  template: `
    <button type="button" id="opener" (click)="open.set(true)">Open</button>
    @if (open()) {
      <ui-modal labelledBy="t" testId="test-modal" [autoFocus]="focus" (closed)="closed = closed + 1; open.set(false)">
        <header><h2 id="t">Title</h2></header>
        <div class="body">
          <input id="disabled" disabled />
          <input id="first" />
          <input id="second" />
        </div>
      </ui-modal>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class Host {
  readonly open = signal(false);
  closed = 0;
  focus = 'input:not([disabled])';
}

describe('UiModal', () => {
  afterEach(() => {
    document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = ''));
    document.body.replaceChildren();
  });

  async function opened() {
    const fixture = TestBed.createComponent(Host);
    document.body.appendChild(fixture.nativeElement);
    await fixture.whenStable();
    const opener = document.getElementById('opener') as HTMLButtonElement;
    opener.focus();
    opener.click();
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    await fixture.whenStable();
    const dialog = document.querySelector<HTMLElement>('.cdk-overlay-container [role="dialog"]');
    return { fixture, opener, dialog };
  }

  it('opens its content as a labelled dialog with focus in the first field it can take', async () => {
    const { dialog } = await opened();
    expect(dialog).not.toBeNull();
    expect(dialog!.getAttribute('aria-labelledby')).toBe('t');
    expect(dialog!.querySelector('[data-testid="test-modal"]')).not.toBeNull();
    expect(document.activeElement?.id).toBe('first');
  });

  it('closes on Escape, tells the page, and gives focus back to the opener', async () => {
    const { fixture, opener, dialog } = await opened();
    dialog!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }));
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    expect(fixture.componentInstance.closed).toBe(1);
    expect(document.querySelector('.cdk-overlay-container [role="dialog"]')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('closes without a second "closed" when the page removes it', async () => {
    const { fixture } = await opened();
    fixture.componentInstance.open.set(false);
    await fixture.whenStable();
    expect(document.querySelector('.cdk-overlay-container [role="dialog"]')).toBeNull();
    expect(fixture.componentInstance.closed).toBe(0);
  });
});
