/** `npm run bundle`: build every handler as SST would into `dist/functions/<name>/` and print sizes. */
import { bundleHandlers } from './bundle.js';

const results = await bundleHandlers(process.argv[2] ?? 'dist/functions');
for (const r of results) {
  const externals = r.externals.length ? `  externals: ${r.externals.join(', ')}` : '';
  console.log(
    `${r.name.padEnd(12)} ${(r.bytes / 1024).toFixed(0).padStart(6)} KiB  ${r.outfile}${externals}`,
  );
}
