/**
 * Entry of our engine's benchmark process. The benchmark bundles it with esbuild (as a Lambda
 * ships bundled code) and runs the bundle with plain `node`, so no TypeScript loader is resident.
 * Usage: node ours-child.mjs --input FILE --out DIR [--budget BYTES]
 */
import { parseArgs } from 'node:util';
import { benchContract } from '../contract.js';
import { peakRssMb } from '../lib/childProcess.js';
import { runOursJob } from './oursJob.js';

const { values: args } = parseArgs({
  options: { input: { type: 'string' }, out: { type: 'string' }, budget: { type: 'string' } },
});
const result = await runOursJob(
  benchContract,
  String(args.input),
  String(args.out),
  args.budget ? Number(args.budget) : undefined,
);
console.log(JSON.stringify({ ...result, peakRssMb: peakRssMb() }));
