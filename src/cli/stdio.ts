/**
 * Output to a pipe whose reader may leave: `lake show ID | head -1` closes the pipe after one
 * line, and the next write fails with EPIPE, which Node raises as an unhandled 'error' event (a
 * crash with exit 1). A reader that went away wants no more output: stop quietly with exit 0.
 */

/** Exit 0 on EPIPE from stdout or stderr; any other stream error is still thrown. */
export function exitQuietlyOnBrokenPipe(
  streams: NodeJS.WriteStream[] = [process.stdout, process.stderr],
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') return exit(0);
      throw err;
    });
  }
}
