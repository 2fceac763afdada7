import { ChangeDetectionStrategy, Component, ElementRef, effect, input, viewChild } from '@angular/core';

/** One video: a MediaStream in a <video>, with its label and state as data attributes for tests. */
@Component({
  selector: 'mer-video-tile',
  template: `
    <video #video autoplay playsinline [muted]="muted()"></video>
    <div class="label"><ng-content /></div>
  `,
  styles: `
    :host { position: relative; display: block; background: var(--media-bg); border-radius: var(--radius); overflow: hidden; aspect-ratio: 16 / 9; }
    :host(.speaking) { outline: 3px solid var(--ok); }
    video { width: 100%; height: 100%; object-fit: cover; }
    .label { position: absolute; left: 8px; bottom: 6px; right: 8px; color: var(--topbar-text-strong); font-size: var(--text-sm); text-shadow: 0 1px 2px var(--media-bg); display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VideoTile {
  readonly stream = input<MediaStream | null>(null);
  readonly muted = input(false);
  private readonly video = viewChild.required<ElementRef<HTMLVideoElement>>('video');

  constructor() {
    effect(() => {
      const el = this.video().nativeElement;
      const s = this.stream();
      if (el.srcObject !== s) el.srcObject = s;
    });
  }
}
