export { parseIsoDuration, addDuration, scaleDuration, sumDurations, isZeroDuration, exactMillis, DURATION_UNITS, type Duration } from './duration.js';
export {
  addBusinessDuration,
  checkCalendar,
  isWorkingTime,
  nextWorkingTime,
  workingHoursBetween,
  WEEKDAYS,
  type Calendar,
  type Weekday,
  type WorkingPeriod,
} from './business.js';
export { parseInstant, formatInstant, parseDate, formatDate, parseOffset } from './instant.js';
