import { buildRrule, describeRule, describeWhen } from './alert-schedule-format';

describe('alert schedule words', () => {
  it('builds the RRULE subset the server takes', () => {
    expect(buildRrule('none', [], 1, null)).toBe('');
    expect(buildRrule('daily', [], 1, 5)).toBe('FREQ=DAILY;COUNT=5');
    expect(buildRrule('weekly', ['WE', 'MO'], 1, null)).toBe('FREQ=WEEKLY;BYDAY=MO,WE');
    expect(buildRrule('monthly', [], 15, null)).toBe('FREQ=MONTHLY;BYMONTHDAY=15');
  });

  it('says a rule in words', () => {
    expect(describeRule('')).toBe('Once');
    expect(describeRule('FREQ=DAILY;COUNT=1')).toBe('Every day, 1 time');
    expect(describeRule('FREQ=WEEKLY;BYDAY=MO,WE')).toBe('Every week on Mon, Wed');
    expect(describeRule('FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231T000000Z')).toBe('Every 2 weeks, until 2026-12-31');
    expect(describeRule('FREQ=MONTHLY;BYMONTHDAY=-1')).toBe('Every month on its last day');
  });

  it('says when, in one zone or in each recipient’s', () => {
    expect(describeWhen({ at: '2027-03-14T02:30', time_zone: 'America/New_York', recipient_local: false })).toBe(
      '02:30 in America/New_York, from 2027-03-14',
    );
    expect(describeWhen({ at: '2027-01-04T09:00', time_zone: null, recipient_local: true })).toBe(
      "09:00 in each recipient's own time zone, from 2027-01-04",
    );
  });
});
