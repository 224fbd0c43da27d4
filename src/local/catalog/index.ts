/** The twin's Glue-shaped catalog. */
export { LocalCatalog } from './LocalCatalog.js';
export type { StoredTable } from './LocalCatalog.js';
