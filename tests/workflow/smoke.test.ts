import { describe, expect, it } from 'vitest';
import { FakeClock, WorkflowRunner, type AslDefinition } from '../../src/local/workflow/index.js';

describe('smoke', () => {
  it('runs', async () => {
    const definition: AslDefinition = {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Output: { x: '{% $states.input.n + 1 %}' }, Assign: { v: 5 }, Next: 'W' },
        W: { Type: 'Wait', Seconds: 3600, Next: 'T' },
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'f', Payload: '{% $states.input %}' }, Output: '{% $states.result.Payload %}', Next: 'M' },
        M: { Type: 'Map', Items: '{% [1,2,3] %}', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', Output: '{% $states.input * $v %}', End: true } } }, End: true },
      },
    };
    const runner = new WorkflowRunner({ definition, clock: new FakeClock(), lambdas: { f: async (e) => e } });
    const { executionArn } = await runner.startExecution({ input: { n: 1 } });
    const d = await runner.waitForExecution(executionArn);
    const h = await runner.getExecutionHistory(executionArn);
    console.log(d, h.events.map((e) => `${e.id}<${e.previousEventId} ${e.type}`).join('\n'));
    expect(d.status).toBe('SUCCEEDED');
  });
});
