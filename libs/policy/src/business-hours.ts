import type { BusinessHours } from './policy.schema';

/** Whether `at` falls inside the business hours, in their time zone ([start, end), same day). */
export function withinBusinessHours(at: Date, hours: BusinessHours): boolean {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: hours.timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  const day = part('weekday').toLowerCase().slice(0, 3) as BusinessHours['days'][number];
  const minutes = Number(part('hour')) * 60 + Number(part('minute'));
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return hours.days.includes(day) && minutes >= toMinutes(hours.start) && minutes < toMinutes(hours.end);
}

/** The role an escalation goes to at `at`: outside business hours, the on-call role for those who are away. */
export function roleAt(role: string, at: Date, hours: BusinessHours | undefined): string {
  if (!hours || !hours.roles.includes(role)) return role;
  return withinBusinessHours(at, hours) ? role : hours.onCallRole;
}
