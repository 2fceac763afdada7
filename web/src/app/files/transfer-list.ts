import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { formatBytes } from './files-logic';
import { Transfer, TransferQueue, transferPercent } from './transfer-queue';
import { UiButton } from '../ui';

/** The files page's uploads: each file's progress, with pause, resume, retry, cancel and dismiss. */
@Component({
  selector: 'app-transfer-list',
  imports: [UiButton],
  templateUrl: './transfer-list.html',
  styleUrl: './transfer-list.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TransferList {
  readonly transfers = input.required<Transfer[]>();
  /** The queue the rows act on. */
  readonly queue = input.required<TransferQueue>();

  protected readonly active = computed(() => this.transfers().filter((t) => t.state !== 'done' && t.state !== 'cancelled').length);
  protected readonly formatBytes = formatBytes;
  protected readonly percent = transferPercent;
}
