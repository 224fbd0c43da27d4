/**
 * Runs `work(i)` for i in [0, count) with at most `limit` at once (0 = no limit), launching no
 * more once `signal` aborts. Resolves when every launched task has settled.
 */
export async function runPool(
  count: number,
  limit: number,
  signal: AbortSignal,
  work: (index: number) => Promise<void>,
): Promise<void> {
  const width = limit > 0 ? Math.min(limit, count) : count;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count && !signal.aborted) {
      const index = next++;
      await work(index);
    }
  };
  await Promise.all(Array.from({ length: width }, () => worker()));
}
