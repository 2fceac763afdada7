import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

@Component({
  selector: 'mer-admin-layout',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  template: `
    <div class="admin">
      <aside aria-label="Administration">
        <h2>Admin</h2>
        <nav>
          <a routerLink="users" routerLinkActive="active">Users</a>
          <a routerLink="teams" routerLinkActive="active">Teams</a>
          <a routerLink="feature-toggles" routerLinkActive="active">Feature toggles</a>
          <a routerLink="chat-operations" routerLinkActive="active" data-testid="admin-chat-operations">Chat operations</a>
          <a routerLink="audit" routerLinkActive="active">Audit log</a>
          <a routerLink="privacy" routerLinkActive="active" data-testid="admin-privacy">Privacy requests</a>
          <a routerLink="ai-index" routerLinkActive="active" data-testid="admin-ai-index">AI file index</a>
        </nav>
      </aside>
      <div class="content"><router-outlet /></div>
    </div>
  `,
  styles: `
    .admin { display: grid; grid-template-columns: 210px minmax(0, 1fr); min-height: calc(100vh - 56px); }
    aside { background: var(--surface); border-right: 1px solid var(--border); padding: 1.25rem 0.75rem; }
    h2 { font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--text-muted); padding: 0 0.6rem; }
    nav { display: flex; flex-direction: column; gap: 2px; }
    nav a { padding: 0.5rem 0.6rem; border-radius: 6px; color: var(--text); text-decoration: none; font-weight: 500; }
    nav a:hover { background: var(--surface-muted); }
    nav a.active { background: var(--brand-soft); color: var(--brand-strong); font-weight: 600; }
    @media (max-width: 760px) {
      .admin { grid-template-columns: minmax(0, 1fr); }
      aside { border-right: none; border-bottom: 1px solid var(--border); padding: 0.5rem; }
      aside h2 { display: none; }
      nav { flex-direction: row; flex-wrap: wrap; }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminLayout {}
