import { spawn } from 'node:child_process';

/** Runs this repo's TypeScript file in a fresh Node (via tsx) and parses the last stdout line as JSON. */
export function runChild<T>(file: string, args: string[], extraNodeArgs: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...extraNodeArgs, '--import', 'tsx', file, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${out}`));
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
