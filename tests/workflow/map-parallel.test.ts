// Map (inline) and Parallel.
// Sources: SPEC Map/Parallel; DG state-map-inline.html, input-output-itemreader.html, input-output-itembatcher.html;
// LS test_parallel_state_fail, scenarios/test_base_scenarios.snapshot.json; localstack #12315, #9970, #9863.
import { describe, expect, it } from 'vitest';
import { machine, NamedError, run } from './helpers.js';

const square = {
  StartAt: 'S',
  States: {
    S: { Type: 'Pass' as const, Output: '{% $states.input * $states.input %}', End: true },
  },
};

describe('Map', () => {
  // DG state-map-inline.html: results follow Items order.
  it('maps Items in order', async () => {
    expect(
      (
        await run(
          machine({
            M: { Type: 'Map', Items: '{% $states.input.xs %}', ItemProcessor: square, End: true },
          }),
          { xs: [3, 1, 2] },
        )
      ).output,
    ).toEqual([9, 1, 4]);
  });

  // Trap 7 (localstack #12315): JSONata in ItemSelector is evaluated, with $states.context.Map.Item and $states.input.
  it('ItemSelector sees Map.Item and the state input', async () => {
    const def = machine({
      M: {
        Type: 'Map',
        Items: '{% $states.input.xs %}',
        ItemSelector: {
          i: '{% $states.context.Map.Item.Index %}',
          v: '{% $states.context.Map.Item.Value %}',
          tag: '{% $states.input.tag %}',
        },
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        End: true,
      },
    });
    expect((await run(def, { xs: ['a', 'b'], tag: 't' })).output).toEqual([
      { i: 0, v: 'a', tag: 't' },
      { i: 1, v: 'b', tag: 't' },
    ]);
  });

  // LS test_base_scenarios (Nov 2024): a non-array Items fails with "Expected 'array', but was 'object'".
  it('refuses non-array Items', async () => {
    const r = await run(
      machine({
        M: { Type: 'Map', Items: '{% $states.input %}', ItemProcessor: square, End: true },
      }),
      { a: 1 },
    );
    expect(r.cause).toContain("Expected 'array', but was 'object'");
  });

  // SPEC MaxConcurrency: at most that many iterations at once.
  it('honours MaxConcurrency', async () => {
    let active = 0;
    let peak = 0;
    const f = async (): Promise<number> => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active--;
      return 1;
    };
    const def = machine({
      M: {
        Type: 'Map',
        Items: '{% [1,2,3,4,5,6,7] %}',
        MaxConcurrency: 2,
        ItemProcessor: {
          StartAt: 'T',
          States: {
            T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', End: true },
          },
        },
        End: true,
      },
    });
    const r = await run(def, {}, { lambdas: { f } });
    expect(r.output).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(peak).toBe(2);
  });

  // Trap 8 (localstack #9970) and trap 3: one failed iteration fails the Map with that iteration's own error and stops the rest.
  it('a failed iteration fails the Map with its own error', async () => {
    let calls = 0;
    const def = machine({
      M: {
        Type: 'Map',
        Items: '{% [1,2,3,4,5] %}',
        MaxConcurrency: 1,
        ItemProcessor: {
          StartAt: 'T',
          States: {
            T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', End: true },
          },
        },
        End: true,
      },
    });
    const r = await run(
      def,
      {},
      {
        lambdas: {
          f: async (x) => {
            calls++;
            if (x === 2) throw new NamedError('ItemBroke');
            return x;
          },
        },
      },
    );
    expect(r.error).toBe('ItemBroke');
    expect(calls).toBe(2);
    expect(r.types).toContain('MapIterationFailed');
    expect(r.types).toContain('MapStateFailed');
  });

  // SPEC: ToleratedFailureCount lets that many iterations fail; one more raises States.ExceedToleratedFailureThreshold.
  it('tolerates failures up to ToleratedFailureCount', async () => {
    const processor = {
      StartAt: 'T',
      States: {
        T: { Type: 'Task' as const, Resource: 'arn:aws:lambda:us-east-1:1:function:f', End: true },
      },
    };
    const f = async (x: unknown): Promise<unknown> => {
      if ((x as number) % 2 === 0) throw new NamedError('Even');
      return x;
    };
    const ok = await run(
      machine({
        M: {
          Type: 'Map',
          Items: [1, 2, 3],
          ToleratedFailureCount: 1,
          ItemProcessor: processor,
          End: true,
        },
      }),
      {},
      { lambdas: { f } },
    );
    expect(ok.status).toBe('SUCCEEDED');
    expect((ok.output as unknown[])[0]).toBe(1);
    const bad = await run(
      machine({
        M: {
          Type: 'Map',
          Items: [1, 2, 3, 4],
          ToleratedFailureCount: 1,
          ItemProcessor: processor,
          End: true,
        },
      }),
      {},
      { lambdas: { f } },
    );
    expect(bad.error).toBe('States.ExceedToleratedFailureThreshold');
  });

  // DG input-output-itembatcher.html: each iteration receives {Items, BatchInput}.
  it('batches items with ItemBatcher', async () => {
    const def = machine({
      M: {
        Type: 'Map',
        Items: [1, 2, 3, 4, 5],
        ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { tag: 'x' } },
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        End: true,
      },
    });
    expect((await run(def)).output).toEqual([
      { Items: [1, 2], BatchInput: { tag: 'x' } },
      { Items: [3, 4], BatchInput: { tag: 'x' } },
      { Items: [5], BatchInput: { tag: 'x' } },
    ]);
  });

  // DG input-output-itemreader.html: ItemReader reads CSV (header row), JSON and JSONL from S3.
  it.each([
    [
      'CSV',
      'id,name\n1,a\n2,b\n',
      [
        { id: '1', name: 'a' },
        { id: '2', name: 'b' },
      ],
    ],
    ['JSON', '[{"id":1},{"id":2}]', [{ id: 1 }, { id: 2 }]],
    ['JSONL', '{"id":1}\n{"id":2}\n', [{ id: 1 }, { id: 2 }]],
  ])('reads %s items through the object reader', async (type, text, expected) => {
    const reads: string[] = [];
    const def = machine({
      M: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          Arguments: { Bucket: 'b', Key: '{% $states.input.key %}' },
          ReaderConfig: { InputType: type, CSVHeaderLocation: 'FIRST_ROW' },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'P',
          States: { P: { Type: 'Pass', End: true } },
        },
        End: true,
      },
    });
    const r = await run(
      def,
      { key: 'k' },
      {
        objectReader: async (bucket, key) => {
          reads.push(`${bucket}/${key}`);
          return text;
        },
      },
    );
    expect(r.output).toEqual(expected);
    expect(reads).toEqual(['b/k']);
  });

  // SPEC: a reader failure is States.ItemReaderFailed.
  it('a reader failure is States.ItemReaderFailed', async () => {
    const def = machine({
      M: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          Arguments: { Bucket: 'b', Key: 'k' },
        },
        ItemProcessor: square,
        End: true,
      },
    });
    const r = await run(
      def,
      {},
      {
        objectReader: async () => {
          throw new Error('NoSuchKey');
        },
      },
    );
    expect(r.error).toBe('States.ItemReaderFailed');
  });
});

describe('Parallel', () => {
  // SPEC: the result is the array of branch outputs, each branch getting the Arguments (default: the input).
  it('returns branch outputs in order', async () => {
    const def = machine({
      P: {
        Type: 'Parallel',
        Arguments: { n: '{% $states.input.n %}' },
        Branches: [
          {
            StartAt: 'A',
            States: { A: { Type: 'Pass', Output: '{% $states.input.n + 1 %}', End: true } },
          },
          {
            StartAt: 'B',
            States: { B: { Type: 'Pass', Output: '{% $states.input.n * 2 %}', End: true } },
          },
        ],
        Output: { results: '{% $states.result %}' },
        End: true,
      },
    });
    expect((await run(def, { n: 5 })).output).toEqual({ results: [6, 10] });
  });

  // Trap 3 (LS test_parallel_state_fail; localstack #9863): the failure carries the branch's own error, not States.BranchFailed.
  it('fails with the branch error name', async () => {
    const def = machine({
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Nope', Cause: 'c' } } },
          { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
        ],
        End: true,
      },
    });
    const r = await run(def);
    expect(r).toMatchObject({ status: 'FAILED', error: 'Nope', cause: 'c' });
    expect(r.types).toContain('ParallelStateFailed');
  });
});
