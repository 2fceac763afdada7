// Meridian's shared components: every feature page is built from these.
export { UiBadge, type BadgeTone } from './badge';
export { UiButton, type ButtonSize, type ButtonVariant } from './button';
export { ConfirmDialog, UiDialog, type ConfirmOptions } from './dialog';
export { UiEmptyState } from './empty-state';
export { UiFlag } from './flag';
export { UiInput, UiSwitch } from './form-controls';
export { UiIcon, type IconName } from './icon';
export { UiModal } from './modal';
export { UiSkeleton } from './skeleton';
export { UiTab, UiTabs } from './tabs';
export { Toasts, UiToasts, type Toast, type ToastTone } from './toast';
