import { ChangeDetectionStrategy, Component, ElementRef, OnInit, computed, inject, input, output, signal, viewChild } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { errorMessage } from '../../core/api-error';
import { IsoWeekday, ROLES, Role, USER_KINDS, User, UserKind, WorkingHours } from '../../core/api-types';
import { WEEKDAY_SHORT } from '../../core/local-time';
import { browserTimeZone, countryOptions, timeZoneOptions } from '../countries';
import { UsersStore } from './users.store';
import { UiButton, UiModal } from '../../ui';

const DAYS: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];

/** Create a user (no `user` given) or edit one, in a modal dialog (focus starts in the first field it can take). */
@Component({
  selector: 'mer-user-form-dialog',
  imports: [UiButton, UiModal, ReactiveFormsModule],
  templateUrl: './user-form-dialog.html',
  styleUrl: './user-form-dialog.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserFormDialog implements OnInit {
  private readonly store = inject(UsersStore);
  private readonly fb = inject(FormBuilder).nonNullable;

  readonly user = input<User | null>(null);
  readonly saved = output<User>();
  readonly closed = output<void>();

  private readonly modal = viewChild.required(UiModal);
  private readonly formElement = viewChild.required<ElementRef<HTMLFormElement>>('formElement');

  protected readonly kinds = USER_KINDS;
  protected readonly roles = ROLES;
  protected readonly days = DAYS;
  protected readonly dayNames = WEEKDAY_SHORT;
  protected readonly countries = countryOptions();
  protected readonly timeZones = timeZoneOptions();
  protected readonly isEdit = computed(() => this.user() !== null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly submitted = signal(false);

  protected readonly form = this.fb.group({
    email: ['', [Validators.required, Validators.email]],
    display_name: ['', [Validators.required, Validators.maxLength(120)]],
    password: ['', [Validators.required, Validators.minLength(8)]],
    kind: this.fb.control<UserKind>('employee'),
    country: ['', [Validators.required]],
    time_zone: [browserTimeZone(), [Validators.required]],
    roles: this.fb.control<Role[]>(['employee']),
    start: ['09:00', [Validators.required]],
    end: ['17:00', [Validators.required]],
    days: this.fb.control<IsoWeekday[]>([1, 2, 3, 4, 5]),
    active: [true],
    restrict_processing: [false],
    exclude_from_ai: [false],
  });

  private rolesTouched = false;

  constructor() {
    // A new user's role follows the kind until the admin picks roles by hand.
    this.form.controls.kind.valueChanges.subscribe((kind) => {
      if (!this.rolesTouched) this.form.controls.roles.setValue([kind]);
    });
  }

  /** Before the dialog opens, so that focus finds the first field that is not disabled. */
  ngOnInit(): void {
    const user = this.user();
    if (user) {
      this.form.patchValue({
        email: user.email,
        display_name: user.display_name,
        kind: user.kind,
        country: user.country,
        time_zone: user.time_zone,
        roles: [...user.roles],
        start: user.working_hours.start,
        end: user.working_hours.end,
        days: [...user.working_hours.days],
        active: user.active,
        restrict_processing: user.gdpr.restrict_processing,
        exclude_from_ai: user.gdpr.exclude_from_ai,
      });
      this.form.controls.email.disable();
      this.form.controls.password.disable();
      this.rolesTouched = true;
    }
  }

  protected hasRole(role: Role): boolean {
    return this.form.controls.roles.value.includes(role);
  }

  protected toggleRole(role: Role, checked: boolean): void {
    this.rolesTouched = true;
    const roles = this.form.controls.roles.value.filter((r) => r !== role);
    this.form.controls.roles.setValue(checked ? [...roles, role] : roles);
  }

  protected hasDay(day: IsoWeekday): boolean {
    return this.form.controls.days.value.includes(day);
  }

  protected toggleDay(day: IsoWeekday, checked: boolean): void {
    const days = this.form.controls.days.value.filter((d) => d !== day);
    this.form.controls.days.setValue((checked ? [...days, day] : days).sort((a, b) => a - b));
  }

  protected invalid(name: keyof typeof this.form.controls): boolean {
    const control = this.form.controls[name];
    return control.invalid && (control.touched || this.submitted());
  }

  protected checked(event: Event): boolean {
    return (event.target as HTMLInputElement).checked;
  }

  protected cancel(): void {
    this.modal().close();
  }

  protected onClose(): void {
    this.closed.emit();
  }

  protected async submit(): Promise<void> {
    this.submitted.set(true);
    if (this.form.invalid) {
      this.error.set('Some fields need attention: see the messages below them.');
      this.focusFirstInvalid();
      return;
    }
    const value = this.form.getRawValue();
    const working_hours: WorkingHours = { start: value.start, end: value.end, days: value.days };
    this.busy.set(true);
    this.error.set(null);
    try {
      const existing = this.user();
      const user = existing
        ? await this.store.update(existing.id, {
            display_name: value.display_name.trim(),
            kind: value.kind,
            country: value.country,
            time_zone: value.time_zone,
            roles: value.roles,
            working_hours,
            active: value.active,
            gdpr: { restrict_processing: value.restrict_processing, exclude_from_ai: value.exclude_from_ai },
          })
        : await this.store.create({
            email: value.email.trim(),
            display_name: value.display_name.trim(),
            password: value.password,
            kind: value.kind,
            country: value.country,
            time_zone: value.time_zone,
            roles: value.roles,
            working_hours,
          });
      this.saved.emit(user);
      this.modal().close();
    } catch (failure) {
      this.error.set(errorMessage(failure));
    } finally {
      this.busy.set(false);
    }
  }

  private focusFirstInvalid(): void {
    const element = this.formElement().nativeElement.querySelector<HTMLElement>('.ng-invalid:not(form)');
    element?.focus();
  }
}
