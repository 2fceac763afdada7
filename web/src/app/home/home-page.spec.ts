import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { makeMe } from '../../testing/fixtures';
import { apiInterceptor } from '../core/api.interceptor';
import { SESSION_STORAGE, SessionStore } from '../core/session.store';
import { HomePage } from './home-page';

describe('HomePage features', () => {
  async function render(features: Record<string, boolean>, country = 'DE') {
    TestBed.configureTestingModule({
      imports: [HomePage],
      providers: [provideHttpClient(withInterceptors([apiInterceptor])), provideHttpClientTesting(), provideRouter([]), { provide: SESSION_STORAGE, useValue: null }],
    });
    const session = TestBed.inject(SessionStore);
    session.start({ token: 'tok', expires_at: Date.now() + 60_000, user: makeMe() });
    session.setProfile(makeMe({ country, features }));
    const fixture = TestBed.createComponent(HomePage);
    await fixture.whenStable();
    fixture.detectChanges();
    return (fixture.nativeElement as HTMLElement).querySelector('[aria-labelledby="features-title"]')!.textContent!.replace(/\s+/g, ' ');
  }

  it('shows only features that exist, never a switch for one that does not', async () => {
    const text = await render({ 'ai.copilot': true, 'ai.external': false, 'remote_support.screen_share': true, 'meet.recording': true, 'files.external_links': true });
    expect(text).not.toMatch(/copilot|screen share|remote support/i);
    expect(text).not.toMatch(/\bAI\b/);
    expect(text).toContain('Meeting recording');
    expect(text).toContain('Share links');
  });

  it('explains a switched-off feature in words', async () => {
    const text = await render({ 'meet.recording': false, 'files.external_links': true }, 'DE');
    expect(text).toMatch(/Meetings with participants in Germany are not recorded/);
    expect(text).not.toMatch(/\bOff\b/);
  });
});
