/**
 * The AWS app: `npx sst deploy --stage NAME`. Resources live in `stacks/` (storage, pipeline,
 * catalog); this file only wires them and returns the outputs a user needs. Types: see
 * `stacks/tsconfig.json` (after `sst install`, `/// <reference path="./.sst/platform/config.d.ts" />`).
 */
export default $config({
  app(input) {
    return {
      name: 'lake',
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      protect: input?.stage === 'production',
      home: 'aws',
    };
  },
  async run() {
    const { stageNames } = await import('./src/aws/stageNames.js');
    const { loadContracts } = await import('./src/core/contract/index.js');
    const { createStorage } = await import('./stacks/storage.js');
    const { createPipeline } = await import('./stacks/pipeline.js');
    const { createCatalog } = await import('./stacks/catalog.js');
    const { createOperations } = await import('./stacks/operations.js');

    const names = stageNames($app.stage, $app.name);
    const contracts = await loadContracts('schemas');
    const storage = createStorage();
    const pipeline = createPipeline(storage, names);
    const catalog = createCatalog(storage, names, contracts, pipeline.stateMachine.arn);
    // LAKE_ALARM_EMAIL=ops@example.com npx sst deploy --stage dev: alarms also go to that address.
    const operations = createOperations(pipeline, names, {
      alarmEmail: process.env.LAKE_ALARM_EMAIL || undefined,
    });

    return {
      stage: $app.stage,
      ingestBucket: storage.ingest.name,
      rawBucket: storage.raw.name,
      curatedBucket: storage.curated.name,
      quarantineBucket: storage.quarantine.name,
      athenaResultsBucket: storage.athenaResults.name,
      database: catalog.database.name,
      workgroup: catalog.workgroup.name,
      stateMachineArn: pipeline.stateMachine.arn,
      deadLetterQueueUrl: pipeline.deadLetterQueue.url,
      alarmTopicArn: operations.alarmTopic.arn,
    };
  },
});
