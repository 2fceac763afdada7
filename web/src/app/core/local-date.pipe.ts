import { Pipe, PipeTransform } from '@angular/core';
import { DateStyle, formatDate } from './locale-format';

/** `{{ at | localDate }}`, `{{ at | localDate: 'date' }}`: formatDate as a pipe (the browser's locale). */
@Pipe({ name: 'localDate' })
export class LocalDatePipe implements PipeTransform {
  transform(at: number | string | Date | null | undefined, style: DateStyle = 'short', timeZone?: string): string {
    return formatDate(at, style, timeZone);
  }
}
