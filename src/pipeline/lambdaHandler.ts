import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { depsFromEnv } from './depsFromEnv.js';
import type { PipelineDeps } from './deps.js';
import { METRICS_NAMESPACE, runMetrics } from './runMetrics.js';

const logger = new Logger({ serviceName: 'lake' });
// `stage` is a dimension, so each stage's alarms watch only their own runs.
const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: 'lake',
  defaultDimensions: { stage: process.env.LAKE_STAGE ?? 'local' },
});
const stepLogger = {
  info: (message: string, extra?: Record<string, unknown>) => logger.info(message, extra ?? {}),
  warn: (message: string, extra?: Record<string, unknown>) => logger.warn(message, extra ?? {}),
};

/**
 * Wrap a pipeline step as a Lambda handler: dependencies from the environment, structured logs
 * with the request id (and a WARN per warning the result carries), run metrics (`runMetrics.ts`), and errors rethrown untouched so their `name` reaches the
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
      const points = runMetrics(step, event, result);
      for (const m of points) metrics.addMetric(m.name, MetricUnit[m.unit], m.value);
      if (points.length) metrics.publishStoredMetrics();
      return result;
    } catch (err) {
      logger.error('step failed', err as Error);
      throw err;
    }
  };
}
