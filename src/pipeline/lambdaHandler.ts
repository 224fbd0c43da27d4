import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { depsFromEnv } from './depsFromEnv.js';
import type { PipelineDeps } from './deps.js';

const logger = new Logger({ serviceName: 'lake' });
const metrics = new Metrics({ namespace: 'Lake', serviceName: 'lake' });
const stepLogger = {
  info: (message: string, extra?: Record<string, unknown>) => logger.info(message, extra ?? {}),
  warn: (message: string, extra?: Record<string, unknown>) => logger.warn(message, extra ?? {}),
};

/** Row counters of a run summary; each becomes a CloudWatch metric (from Commit only, so chunks are not counted twice). */
const COUNTERS = {
  rowsRead: 'RowsRead',
  rowsCurated: 'RowsCurated',
  rowsRejected: 'RowsRejected',
} as const;

/**
 * Wrap a pipeline step as a Lambda handler: dependencies from the environment, structured logs
 * with the request id (and a WARN per warning the result carries), row metrics, and errors rethrown untouched so their `name` reaches the
 * state machine as the `errorType` its Retry and Catch match.
 * @example export const handler = lambdaHandler('validate', validate);
 */
export function lambdaHandler<I, O>(
  step: string,
  run: (input: I, deps: PipelineDeps) => Promise<O>,
) {
  return async (event: I, context?: { awsRequestId?: string }): Promise<O> => {
    logger.appendKeys({
      step,
      ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}),
    });
    try {
      const result = await run(event, await depsFromEnv(process.env, stepLogger));
      // A result's warnings (a run summary's small files) reach the logs, not only the output.
      const warnings = (result as { warnings?: unknown } | undefined)?.warnings;
      if (Array.isArray(warnings))
        for (const w of warnings) if (typeof w === 'string') logger.warn(w);
      for (const [field, metric] of Object.entries(COUNTERS)) {
        const value = (result as Record<string, unknown> | undefined)?.[field];
        if (typeof value === 'number' && step === 'commit')
          metrics.addMetric(metric, MetricUnit.Count, value);
      }
      return result;
    } catch (err) {
      logger.error('step failed', err as Error);
      throw err;
    } finally {
      if (step === 'commit') metrics.publishStoredMetrics();
    }
  };
}
