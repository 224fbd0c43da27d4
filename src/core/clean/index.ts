export { compileCoercer, describeType, NOT_TYPE, OUT_OF_RANGE } from './coerce.js';
export type { Coerce } from './coerce.js';
export { parseIsoDate, parseIsoTimestamp, formatDays, daysInMonth, MS_PER_DAY } from './isoTime.js';
export { compilePatternDate, compilePatternTimestamp, checkPattern } from './patternTime.js';
export { decimalParts, parseDecimal, formatDecimal } from './decimal.js';
export type { DecimalFailure } from './decimal.js';
