export type { ErrorCode, RowIssue } from './types.js';
export { compileRowValidator, IN_BLOCK } from './compileRowValidator.js';
export type { RowValidator } from './compileRowValidator.js';
export { compileColumnCheck, quoteText } from './compileColumnCheck.js';
export type { ColumnCheck } from './compileColumnCheck.js';
export { DuplicateKeys } from './DuplicateKeys.js';
