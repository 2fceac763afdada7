import { Routes } from '@angular/router';

/** /availability: overlap hours of a set of people; /availability/settings: my working hours. */
export const availabilityRoutes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Overlap hours · Meridian',
    loadComponent: () => import('./overlap-page').then((m) => m.OverlapPage),
  },
  {
    path: 'settings',
    title: 'Working hours · Meridian',
    loadComponent: () => import('./working-hours-page').then((m) => m.WorkingHoursPage),
  },
];
