export { LocalFolderSink, UnsafeKeyError, assertSafeKey } from './LocalFolderSink.js';
export { MemorySink } from './MemorySink.js';
