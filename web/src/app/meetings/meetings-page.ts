import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { API_BASE } from '../core/api-client';
import { ApiError } from '../core/api-error';

export interface MeetingSummary {
  id: number;
  code: string;
  join_url: string;
  title: string;
  kind: 'instant' | 'scheduled';
  starts_at: number | null;
  time_zone: string;
  my_role: string;
  host: { id: number; display_name: string };
  my_start?: { time_zone: string; local: string };
  invitees: { user_id: number; display_name: string; time_zone: string; local_start?: string }[];
}

/** /meetings — start an instant meeting, schedule one, and the meetings you host or are invited to. */
@Component({
  selector: 'mer-meetings-page',
  imports: [FormsModule, RouterLink],
  template: `
    <section class="page">
      <h1>Meetings</h1>
      <div class="actions">
        <button type="button" class="primary" (click)="startInstant()" data-testid="start-instant">Start an instant meeting</button>
      </div>
      <form class="schedule" (ngSubmit)="schedule()">
        <h2>Schedule a meeting</h2>
        <label>Title <input name="title" [(ngModel)]="title" required maxlength="200" data-testid="schedule-title" /></label>
        <label>Starts (your local time) <input type="datetime-local" name="start" [(ngModel)]="start" required data-testid="schedule-start" /></label>
        <label>Duration (minutes) <input type="number" name="duration" [(ngModel)]="duration" min="1" max="1440" /></label>
        <button type="submit" [disabled]="!title || !start">Schedule</button>
      </form>
      @if (error(); as e) { <p role="alert" class="error">{{ e }}</p> }
      <h2>Your meetings</h2>
      <ul class="list" data-testid="meetings-list">
        @for (m of meetings(); track m.id) {
          <li>
            <a [routerLink]="['/meet', m.code]">{{ m.title }}</a>
            <small>
              {{ m.kind }} · {{ m.my_role }}
              @if (m.my_start) { · {{ m.my_start.local.replace('T', ' ') }} ({{ m.my_start.time_zone }}) }
            </small>
            <code>{{ m.join_url }}</code>
          </li>
        } @empty {
          <li>No meetings yet.</li>
        }
      </ul>
    </section>
  `,
  styles: `
    .page { max-width: 48rem; margin: 1.5rem auto; padding: 0 1rem; }
    .schedule { display: grid; gap: 0.5rem; max-width: 24rem; margin: 1rem 0; }
    label { display: flex; flex-direction: column; gap: 0.2rem; }
    .list li { display: flex; flex-direction: column; padding: 0.5rem 0; border-bottom: 1px solid #ddd; }
    .error { color: #b00020; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MeetingsPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  protected readonly meetings = signal<MeetingSummary[]>([]);
  protected readonly error = signal<string | null>(null);
  protected title = '';
  protected start = '';
  protected duration = 60;

  constructor() {
    void this.refresh();
  }

  private async refresh(): Promise<void> {
    try {
      const r = await firstValueFrom(this.http.get<{ items: MeetingSummary[] }>(`${API_BASE}/meetings`));
      this.meetings.set(r.items);
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    }
  }

  protected async startInstant(): Promise<void> {
    try {
      const m = await firstValueFrom(this.http.post<MeetingSummary>(`${API_BASE}/meetings`, { title: 'Instant meeting' }));
      await this.router.navigate(['/meet', m.code]);
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    }
  }

  protected async schedule(): Promise<void> {
    try {
      // datetime-local is the browser's zone; the API stores UTC milliseconds.
      const startsAt = new Date(this.start).getTime();
      await firstValueFrom(
        this.http.post<MeetingSummary>(`${API_BASE}/meetings`, {
          title: this.title,
          kind: 'scheduled',
          starts_at: startsAt,
          duration_minutes: Number(this.duration),
          time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        }),
      );
      this.title = '';
      this.start = '';
      await this.refresh();
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.message : String(e));
    }
  }
}
