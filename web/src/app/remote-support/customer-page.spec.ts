import { TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CustomerPage } from './customer-page';

async function settle(fixture: { detectChanges(): void }) {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  fixture.detectChanges();
}

function type(el: HTMLElement, selector: string, value: string) {
  const input = el.querySelector<HTMLInputElement>(selector)!;
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

describe('the customer page', () => {
  afterEach(() => vi.unstubAllGlobals());

  async function render() {
    TestBed.configureTestingModule({ imports: [CustomerPage] });
    const fixture = TestBed.createComponent(CustomerPage);
    fixture.detectChanges();
    await settle(fixture);
    return fixture;
  }

  it('asks for the code and a name before it connects, and labels every field', async () => {
    const fixture = await render();
    const el = fixture.nativeElement as HTMLElement;
    const connect = el.querySelector<HTMLButtonElement>('[data-testid="rs-connect"]')!;
    expect(connect.disabled).toBe(true);
    type(el, '[data-testid="rs-code-input"]', 'abcd 2345');
    await settle(fixture);
    expect(connect.disabled).toBe(true);
    type(el, '[data-testid="rs-name-input"]', 'Carla');
    await settle(fixture);
    expect(connect.disabled).toBe(false);
    for (const input of Array.from(el.querySelectorAll('input, textarea'))) expect(input.closest('label')?.textContent?.trim()).toBeTruthy();
  });

  it('sends what was typed to redeem and says plainly when the code did not work or was guessed too often', async () => {
    const calls: { url: string; body: unknown }[] = [];
    let status = 404;
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) });
      const body = status === 429 ? { error: { code: 'rate_limited', message: 'slow down' } } : { error: { code: 'not_found', message: 'no such code' } };
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    });
    const fixture = await render();
    const el = fixture.nativeElement as HTMLElement;
    type(el, '[data-testid="rs-code-input"]', 'abcd 2345');
    type(el, '[data-testid="rs-name-input"]', ' Carla ');
    type(el, '[data-testid="rs-topic-input"]', 'invoice');
    await settle(fixture);
    el.querySelector<HTMLButtonElement>('[data-testid="rs-connect"]')!.click();
    await settle(fixture);
    expect(calls).toEqual([{ url: '/api/v1/remote-support/redeem', body: { code: 'abcd 2345', name: 'Carla', topic: 'invoice' } }]);
    expect(el.querySelector('[data-testid="rs-error"]')?.textContent).toContain('no such code');

    status = 429;
    el.querySelector<HTMLButtonElement>('[data-testid="rs-connect"]')!.click();
    await settle(fixture);
    expect(el.querySelector('[data-testid="rs-error"]')?.textContent).toContain('Too many wrong codes');
    // Still on the form: nothing was opened.
    expect(el.querySelector('[data-testid="rs-agent-sees"]')).toBeNull();
  });
});
