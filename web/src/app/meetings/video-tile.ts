import { ChangeDetectionStrategy, Component, ElementRef, effect, input, viewChild } from '@angular/core';

/** One video: a MediaStream in a <video>, with its label and state as data attributes for tests. */
@Component({
  selector: 'mer-video-tile',
  template: `
    <video #video autoplay playsinline [muted]="muted()"></video>
    <div class="label"><ng-content /></div>
  `,
  styles: `
    :host { position: relative; display: block; background: #111; border-radius: 8px; overflow: hidden; aspect-ratio: 16 / 9; }
    :host(.speaking) { outline: 3px solid #2a9d8f; }
    video { width: 100%; height: 100%; object-fit: cover; }
    .label { position: absolute; left: 8px; bottom: 6px; right: 8px; color: #fff; font-size: 0.85rem; text-shadow: 0 1px 2px #000; display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
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
