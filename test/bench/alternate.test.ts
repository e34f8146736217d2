/** Run-by-run alternation: every subject once per round, a rotating start, warm-up runs discarded. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { runAlternating, type BenchSubject } from '../../models/bench/index.js';

function recorder(names: string[]) {
  const order: string[] = [];
  let counter = 0;
  const subjects: BenchSubject<number>[] = names.map((name) => ({
    name,
    run: async () => {
      order.push(name);
      return counter++;
    },
  }));
  return { order, subjects };
}

describe('runAlternating', () => {
  it('rotates the first subject each round', async () => {
    const { order, subjects } = recorder(['a', 'b', 'c']);
    await runAlternating(subjects, { runs: 3, warmupRuns: 0 });
    assert.deepEqual(order, ['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
  });

  it('discards warm-up results', async () => {
    const { subjects } = recorder(['a', 'b']);
    const events: string[] = [];
    const results = await runAlternating(subjects, { runs: 2, warmupRuns: 1, onRun: (event) => events.push(`${event.warmup ? 'w' : 'r'}${event.run}:${event.subject}=${event.result}`) });
    assert.deepEqual(events, ['w0:a=0', 'w0:b=1', 'r0:b=2', 'r0:a=3', 'r1:a=4', 'r1:b=5']);
    assert.deepEqual(results.get('a'), [3, 4]);
    assert.deepEqual(results.get('b'), [2, 5]);
  });

  it('awaits the hook before each round', async () => {
    const { order, subjects } = recorder(['a', 'b']);
    await runAlternating(subjects, {
      runs: 2,
      warmupRuns: 1,
      beforeRound: async (round) => {
        order.push(`round ${round}`);
      },
    });
    assert.deepEqual(order, ['round 0', 'a', 'b', 'round 1', 'b', 'a', 'round 2', 'a', 'b']);
  });

  it('rejects duplicate subject names', async () => {
    const { subjects } = recorder(['a', 'a']);
    await assert.rejects(runAlternating(subjects, { runs: 1, warmupRuns: 0 }), (error: Error) => error instanceof RangeError && /"a" appears twice/.test(error.message));
  });

  it('rejects zero runs', async () => {
    const { subjects } = recorder(['a']);
    await assert.rejects(runAlternating(subjects, { runs: 0, warmupRuns: 0 }), (error: Error) => error instanceof RangeError && /runs must be a positive integer, got 0/.test(error.message));
  });

  it('rejects negative warm-up runs', async () => {
    const { subjects } = recorder(['a']);
    await assert.rejects(runAlternating(subjects, { runs: 1, warmupRuns: -1 }), (error: Error) => error instanceof RangeError && /warmupRuns/.test(error.message));
  });

  it('rejects an empty subject list', async () => {
    await assert.rejects(runAlternating([], { runs: 1, warmupRuns: 0 }), (error: Error) => error instanceof RangeError && /subjects must not be empty/.test(error.message));
  });
});
