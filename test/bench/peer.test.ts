/**
 * The PyTorch peer without Python: a missing interpreter gives the install instructions, and the
 * report's ratios and targets come out of the summaries as defined. The peer itself never runs in tests.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { summarizeRuns } from '../../apps/platform/stats/summary.js';
import { formatTargets, oursOverTorch, peerTargets, speedups, tokenAgreement, type PairResult, type SideResult } from '../../scripts/bench/peer-report.js';
import { PeerUnavailableError, TorchPeer } from '../../scripts/bench/torch-peer.js';
import { SHARED_IMAGES, tinyModelDir } from '../helpers/tiny-model.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

function side(totalMs: number, visionMs = totalMs / 2): SideResult {
  const summary = (ms: number) => summarizeRuns([ms, ms * 1.1, ms * 0.9]);
  return {
    summary: { preprocess: summary(10), visionEncoder: summary(visionMs), decoder: summary(totalMs - visionMs - 10), decoderPerToken: summary((totalMs - visionMs - 10) / 20), total: summary(totalMs) },
    runs: [],
    tokenIds: [],
    caption: '',
  };
}

function pair(label: string, oursMs: number, torchMs: number): PairResult {
  const ours = side(oursMs);
  const torch = side(torchMs);
  return { label, ours, torch, oursOverTorch: oursOverTorch(ours.summary, torch.summary), tokenAgreement: { equal: 0, compared: 0 } };
}

describe('PyTorch peer start', () => {
  it('names the missing interpreter and how to install', async () => {
    await assert.rejects(TorchPeer.start('/nonexistent/python3', () => undefined), (error: Error) => {
      assert.ok(error instanceof PeerUnavailableError);
      assert.match(error.message, /\/nonexistent\/python3 was not found/);
      assert.match(error.message, /BLIPBENCH_PYTHON/);
      assert.match(error.message, /pip install torch==2\.13\.0 transformers/);
      return true;
    });
  });

  it('reports an interpreter that exits at once', async () => {
    await assert.rejects(TorchPeer.start('/bin/false', () => undefined), (error: Error) => error instanceof PeerUnavailableError && /exited before it reported ready/.test(error.message));
  });

  it('bench:peer prints the install hint and exits 1', async () => {
    const model = await tinyModelDir();
    const failure = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'bench', 'peer.ts'), '--model', model, '--image', join(SHARED_IMAGES, 'chelsea.png')], {
      env: { ...process.env, BLIPBENCH_PYTHON: '/nonexistent/python3' },
      cwd: ROOT,
    }).then(
      () => assert.fail('bench:peer succeeded without Python'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /^bench:peer: The PyTorch peer could not start: \/nonexistent\/python3 was not found/);
  });
});

describe('peer report', () => {
  it('divides our medians by the peer medians', () => {
    const result = pair('fp32', 500, 1000);
    assert.equal(result.oursOverTorch.total, 0.5);
    assert.equal(result.oursOverTorch.preprocess, 1);
  });

  it('computes speedups over the own fp32', () => {
    assert.equal(speedups(side(1000).summary, side(250).summary).total, 4);
  });

  it('compares generated tokens only', () => {
    assert.deepEqual(tokenAgreement([30522, 1, 2, 3], [30522, 1, 9, 3]), { equal: 2, compared: 3 });
    assert.deepEqual(tokenAgreement([30522, 1], [30522, 1, 2]), { equal: 1, compared: 1 });
  });

  it('checks the end-to-end targets', () => {
    const targets = peerTargets([pair('fp32', 600, 1000), pair('int8-dynamic', 250, 600)], undefined);
    assert.deepEqual(
      targets.map((target) => [target.name, target.measured, target.met]),
      [
        ['our fp32 vs PyTorch fp32, end to end (x faster)', 1000 / 600, true],
        ['our int8-dynamic vs PyTorch quantize_dynamic, end to end (x faster)', 600 / 250, true],
        ['our int8-dynamic vs our fp32, end to end (x faster)', 600 / 250, true],
      ],
    );
  });

  it('says by how much a target is missed', () => {
    const text = formatTargets([
      { name: 'speed', target: 2, measured: 1.6, met: false },
      { name: 'share of peak', target: 0.6, measured: 0.45, met: false },
    ]);
    assert.match(text, /missed {2}speed: 1\.60x, target ≥ 2\.00x \(short by 1\.25x\)/);
    assert.match(text, /missed {2}share of peak: 45 %, target ≥ 60 % \(short by 15 points\)/);
  });
});
