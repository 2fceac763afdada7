import { TestBed } from '@angular/core/testing';
import { UiDialog } from './dialog';

describe('UiDialog.confirm', () => {
  let dialogs: UiDialog;

  beforeEach(() => {
    dialogs = TestBed.inject(UiDialog);
  });

  afterEach(() => {
    document.querySelectorAll('.cdk-overlay-container').forEach((el) => (el.innerHTML = ''));
  });

  const rendered = async () => {
    TestBed.tick();
    await Promise.resolve();
    TestBed.tick();
    return document.querySelector<HTMLElement>('.cdk-overlay-container [role="alertdialog"]');
  };

  it('shows the question as a labelled alert dialog and resolves true on confirm', async () => {
    const answer = dialogs.confirm({ title: 'Cancel “Standup”?', message: 'Everyone invited is told.', confirmLabel: 'Cancel meeting', danger: true });
    const dialog = await rendered();
    expect(dialog).not.toBeNull();
    const title = document.getElementById(dialog!.getAttribute('aria-labelledby')!);
    expect(title?.textContent).toBe('Cancel “Standup”?');
    const ok = dialog!.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!;
    expect(ok.textContent?.trim()).toBe('Cancel meeting');
    expect(ok.classList).toContain('btn-danger');
    ok.click();
    await expect(answer).resolves.toBe(true);
  });

  it('resolves false when the person keeps things as they are', async () => {
    const answer = dialogs.confirm({ title: 'Delete?', message: 'Gone for good.', confirmLabel: 'Delete' });
    const dialog = await rendered();
    dialog!.querySelector<HTMLButtonElement>('[data-testid="confirm-cancel"]')!.click();
    await expect(answer).resolves.toBe(false);
  });

  it('resolves false when Escape closes it', async () => {
    const answer = dialogs.confirm({ title: 'Delete?', message: 'Gone for good.', confirmLabel: 'Delete' });
    const dialog = await rendered();
    dialog!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }));
    await expect(answer).resolves.toBe(false);
  });
});
