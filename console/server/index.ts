export { startConsoleServer, MAX_UPLOAD_BODY, ConsoleRequestError } from './startConsoleServer.js';
export type { ConsoleServer, ConsoleServerOptions } from './startConsoleServer.js';
export type { ConsoleBackend, ConsoleRunner, QueryAnswer } from './consoleBackend.js';
export { twinBackend } from './twinBackend.js';
export { buildConsolePage, consolePage, type ConsolePage } from './consolePage.js';
export { stateRuns, type StateRun, type StateStatus } from './stateRuns.js';
export { executionRow, ExecutionRows, type ExecutionRow } from './executionRows.js';
export { tableDetail, type TableDetail } from './tableDetails.js';
export { quarantineList, type QuarantinedFile } from './quarantineList.js';
