import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Summary } from './ai-api';
import { sections } from './ai-format';

/**
 * A summary's points grouped by kind (decisions, action items with owners, open questions,
 * highlights), each linking to the messages it came from (/chat/<id>?seq=N opens the message
 * highlighted). Shared by the assistant panel and the catch-up page; `testIds` keeps each
 * caller's test ids (`<testIds>-point`, `<testIds>-point-link`), `place` names the
 * conversation in the links' labels where several are on one page.
 */
@Component({
  selector: 'mer-summary-points',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (section of sectionList(); track section.kind) {
      <h3>{{ section.title }}</h3>
      <ul>
        @for (point of section.points; track $index) {
          <li [attr.data-kind]="point.kind" [attr.data-testid]="testIds() + '-point'">
            <span class="text">{{ point.text }}</span>
            @if (point.kind === 'action_item' && point.owner_name) {
              <span class="owner">Owner: {{ point.owner_name }}</span>
            }
            <span class="links">
              @for (seq of point.message_seqs; track seq; let i = $index) {
                <a [routerLink]="['/chat', conversationId()]" [queryParams]="{ seq }" [attr.data-testid]="testIds() + '-point-link'"
                   [attr.aria-label]="'Open message ' + (i + 1) + ' of this point' + (place() ? ' in ' + place() : '')">
                  {{ point.message_seqs.length > 1 ? 'Message ' + (i + 1) : 'Go to message' }}
                </a>
              }
            </span>
          </li>
        }
      </ul>
    } @empty {
      <p class="hint">Nothing to report: no decisions, tasks or questions were found.</p>
    }
  `,
  styles: `
    :host { display: contents; }
    h3 { font-size: var(--text-sm); margin: var(--space-2) 0 0; color: var(--text-muted); text-transform: uppercase; letter-spacing: 0.04em; }
    .hint { font-size: var(--text-xs); color: var(--text-muted); margin: 0; }
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: var(--space-2); }
    li { display: flex; flex-direction: column; gap: var(--space-1); font-size: var(--text-md); padding: var(--space-2); border-radius: var(--radius-sm); background: var(--surface-muted); overflow-wrap: anywhere; }
    .owner { font-size: var(--text-xs); font-weight: 600; color: var(--brand-strong); }
    .links { display: flex; flex-wrap: wrap; gap: var(--space-2); font-size: var(--text-xs); }
  `,
})
export class SummaryPoints {
  readonly summary = input.required<Summary>();
  readonly conversationId = input.required<number>();
  readonly testIds = input.required<string>();
  /** The conversation's name, said in the links' labels; empty: the one open beside them. */
  readonly place = input('');

  protected readonly sectionList = computed(() => sections(this.summary()));
}
