// The state a transcript page saves for a window reload is checked before the host acts on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRestoreState } from '../../../../extension/transcript/restoreState';

test('a state the page saved: the audio file, and the JSON it showed if any', () => {
  const filters = { emotion: [], event: ['Laughter'], language: [] };
  assert.deepEqual(parseRestoreState({ filters, restore: { filePath: '/home/u/a b.wav', transcriptFile: null } }), {
    filePath: '/home/u/a b.wav',
    transcriptFile: null,
  });
  assert.deepEqual(
    parseRestoreState({ filters, restore: { filePath: '/x/a.wav', transcriptFile: '/x/a.transcript.json' } }),
    { filePath: '/x/a.wav', transcriptFile: '/x/a.transcript.json' },
  );
  assert.deepEqual(parseRestoreState({ restore: { filePath: 'C:\\Users\\u\\a.wav' } }), {
    filePath: 'C:\\Users\\u\\a.wav',
    transcriptFile: null,
  });
});

test('anything else is refused: older pages without it, relative or odd paths, wrong types', () => {
  for (const bad of [
    undefined,
    null,
    'restore',
    { filters: { emotion: [], event: [], language: [] } },
    { restore: null },
    { restore: { filePath: 'a.wav' } },
    { restore: { filePath: '' } },
    { restore: { filePath: 42 } },
    { restore: { filePath: '/a\0b.wav' } },
    { restore: { filePath: '/a.wav', transcriptFile: 'rel.json' } },
    { restore: { filePath: '/a.wav', transcriptFile: 7 } },
    { restore: { filePath: `/${'x'.repeat(5000)}` } },
  ]) {
    assert.equal(parseRestoreState(bad), null, JSON.stringify(bad)?.slice(0, 80));
  }
});

test('the speaker count set in the view comes back; anything but "auto" or 1..100 is the window setting', () => {
  const at = (speakerCount: unknown) => parseRestoreState({ restore: { filePath: '/a.wav', speakerCount } });
  assert.deepEqual(at(3), { filePath: '/a.wav', transcriptFile: null, speakerCount: 3 });
  assert.deepEqual(at('auto'), { filePath: '/a.wav', transcriptFile: null, speakerCount: 'auto' });
  for (const ignored of [null, undefined, 0, -1, 2.5, 101, '3', 'all', {}])
    assert.deepEqual(at(ignored), { filePath: '/a.wav', transcriptFile: null }, String(ignored));
});
