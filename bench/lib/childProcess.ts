import { spawn } from 'node:child_process';

/**
 * Runs a script in a fresh Node and parses the last stdout line as JSON. A `.ts` file runs through
 * the tsx loader; a `.js`/`.mjs` file (an esbuild bundle) runs with plain `node`.
 */
export function runChild<T>(
  file: string,
  args: string[],
  extraNodeArgs: string[] = [],
): Promise<T> {
  return new Promise((resolve, reject) => {
    const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...extraNodeArgs, ...loader, file, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0)
        return reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch (err) {
        reject(new Error(`child printed no JSON result: ${out}`, { cause: err }));
      }
    });
  });
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
