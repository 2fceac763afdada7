import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ButtonVariant, UiButton } from './button';

@Component({
  imports: [UiButton],
  template: `<button type="button" [uiButton]="variant()" uiSize="sm" class="mine">Go</button><a uiButton href="#">Link</a>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class Host {
  readonly variant = signal<ButtonVariant | ''>('');
}

describe('UiButton', () => {
  it('is secondary without a variant and keeps the classes the template gave it', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const button: HTMLButtonElement = fixture.nativeElement.querySelector('button');
    expect([...button.classList].sort()).toEqual(['btn', 'btn-small', 'mine']);
    expect(fixture.nativeElement.querySelector('a').classList).toContain('btn');
  });

  it('switches variant classes', async () => {
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.variant.set('danger');
    await fixture.whenStable();
    const button: HTMLButtonElement = fixture.nativeElement.querySelector('button');
    expect(button.classList).toContain('btn-danger');
    fixture.componentInstance.variant.set('primary');
    await fixture.whenStable();
    expect(button.classList).toContain('btn-primary');
    expect(button.classList).not.toContain('btn-danger');
  });
});
