// Sample data shared by unit tests.
import { Me } from '../app/core/api-types';

export function makeMe(overrides: Partial<Me> = {}): Me {
  return {
    id: 7,
    email: 'ana@example.test',
    display_name: 'Ana Silva',
    kind: 'employee',
    country: 'PT',
    region: 'EU',
    time_zone: 'Europe/Lisbon',
    working_hours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
    roles: ['employee'],
    teams: [],
    active: true,
    gdpr: { restrict_processing: false, exclude_from_ai: false },
    created_at: 0,
    features: {},
    ...overrides,
  };
}
