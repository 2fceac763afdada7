import { ChangeDetectionStrategy, Component, ElementRef, effect, inject, input } from '@angular/core';
import {
  AtSign,
  Bell,
  Check,
  ChevronLeft,
  ChevronRight,
  Clock,
  CircleDot,
  Download,
  File,
  FileArchive,
  FileImage,
  FileMusic,
  FileText,
  FileVideoCamera,
  Folder,
  Hand,
  Hash,
  Headphones,
  type IconNode,
  Info,
  Lock,
  LockOpen,
  Menu,
  MessageSquare,
  Mic,
  MicOff,
  OctagonX,
  Paperclip,
  PhoneOff,
  ScreenShare,
  ScreenShareOff,
  Search,
  Send,
  Siren,
  Sparkles,
  Trash,
  TriangleAlert,
  User,
  Users,
  Video,
  VideoOff,
  X,
} from 'lucide';

/**
 * The icons the app uses, from Lucide (ISC licence), shipped in the bundle: no emoji as icons,
 * since emoji fonts differ by machine (DESIGN.md). Import a new one here to use it.
 */
const ICONS = {
  'at-sign': AtSign,
  bell: Bell,
  'chevron-left': ChevronLeft,
  'chevron-right': ChevronRight,
  clock: Clock,
  check: Check,
  'circle-dot': CircleDot,
  download: Download,
  file: File,
  'file-archive': FileArchive,
  'file-image': FileImage,
  'file-music': FileMusic,
  'file-text': FileText,
  'file-video': FileVideoCamera,
  folder: Folder,
  hand: Hand,
  hash: Hash,
  headphones: Headphones,
  info: Info,
  lock: Lock,
  'lock-open': LockOpen,
  menu: Menu,
  'message-square': MessageSquare,
  mic: Mic,
  'mic-off': MicOff,
  'octagon-x': OctagonX,
  paperclip: Paperclip,
  'phone-off': PhoneOff,
  'screen-share': ScreenShare,
  'screen-share-off': ScreenShareOff,
  search: Search,
  send: Send,
  siren: Siren,
  sparkles: Sparkles,
  trash: Trash,
  'triangle-alert': TriangleAlert,
  user: User,
  users: Users,
  video: Video,
  'video-off': VideoOff,
  x: X,
} satisfies Record<string, IconNode>;

export type IconName = keyof typeof ICONS;

const SVG = 'http://www.w3.org/2000/svg';

/**
 * `<ui-icon name="lock" />`: an inline SVG, 1em square in the current text colour. Decorative
 * (aria-hidden) unless given `label`, which screen readers then read.
 */
@Component({
  selector: 'ui-icon',
  template: '',
  styles: `
    :host { display: inline-flex; flex: none; width: 1em; height: 1em; vertical-align: -0.125em; }
    :host ::ng-deep svg { width: 100%; height: 100%; }
  `,
  host: {
    '[attr.aria-hidden]': 'label() ? null : "true"',
    '[attr.role]': 'label() ? "img" : null',
    '[attr.aria-label]': 'label()',
    '[attr.data-icon]': 'name()',
  },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UiIcon {
  readonly name = input.required<IconName>();
  readonly label = input<string | null>(null);

  constructor() {
    const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    effect(() => host.replaceChildren(svgOf(ICONS[this.name()])));
  }
}

function svgOf(node: IconNode): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  const attrs: Record<string, string> = {
    viewBox: '0 0 24 24',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': '2',
    'stroke-linecap': 'round',
    'stroke-linejoin': 'round',
    focusable: 'false',
  };
  for (const [name, value] of Object.entries(attrs)) svg.setAttribute(name, value);
  for (const [tag, childAttrs] of node) {
    const child = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(childAttrs)) if (value !== undefined) child.setAttribute(name, String(value));
    svg.appendChild(child);
  }
  return svg;
}
