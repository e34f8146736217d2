import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { diffWords } from '../../apps/dashboard/src/word-diff.js';

describe('diffWords', () => {
  test('equal captions are one same part', () => {
    assert.deepEqual(diffWords('a cat on a bed', 'a  cat on a bed'), [{ kind: 'same', text: 'a cat on a bed' }]);
  });

  test('replaced word lists removed before added', () => {
    assert.deepEqual(diffWords('a cat on a bed', 'a dog on a bed'), [
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'cat' },
      { kind: 'added', text: 'dog' },
      { kind: 'same', text: 'on a bed' },
    ]);
  });

  test('added and dropped words at the ends', () => {
    assert.deepEqual(diffWords('a cat', 'a cat sleeping'), [
      { kind: 'same', text: 'a cat' },
      { kind: 'added', text: 'sleeping' },
    ]);
    assert.deepEqual(diffWords('the big cat', 'cat'), [
      { kind: 'removed', text: 'the big' },
      { kind: 'same', text: 'cat' },
    ]);
  });

  test('empty captions', () => {
    assert.deepEqual(diffWords('', 'a cat'), [{ kind: 'added', text: 'a cat' }]);
    assert.deepEqual(diffWords('a cat', ''), [{ kind: 'removed', text: 'a cat' }]);
    assert.deepEqual(diffWords('', ''), []);
  });

  test('variant words in order with common words kept', () => {
    const parts = diffWords('a man riding a horse on a beach', 'a man riding a brown horse near the beach');
    const variant = parts.filter((part) => part.kind !== 'removed').map((part) => part.text).join(' ');
    const baseline = parts.filter((part) => part.kind !== 'added').map((part) => part.text).join(' ');
    assert.equal(variant, 'a man riding a brown horse near the beach');
    assert.equal(baseline, 'a man riding a horse on a beach');
    assert.equal(parts.filter((part) => part.kind === 'same').map((part) => part.text).join(' ').split(' ').length, 6);
  });
});
