// The model's answer read back and written into the notes: sections in the asked form or near it,
// owners matched to speaker names, "None" lists empty, an answer in no form kept as the summary,
// and every word of it escaped in the Markdown section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSummarySection, parseSummaryAnswer } from '../../../../common/meetingSummary/summaryAnswer';

const SPEAKERS = ['Alice', 'Speaker 2'];

test('the asked form: summary, decisions, action items with owners', () => {
  const s = parseSummaryAnswer(
    [
      '## Summary',
      'The team planned the release.',
      '',
      'Dates were discussed.',
      '## Decisions',
      '- Release on **Friday**.',
      '* Keep the old API.',
      '## Action items',
      '- alice: send the draft by 10:00',
      '- Speaker 2: book the room',
      '- Unassigned: write the changelog',
      '- [Bob] check the build',
      '- Update the docs (owner: Alice)',
      '- Agree on the date: before Friday',
    ].join('\n'),
    SPEAKERS,
  );
  assert.equal(s.summary, 'The team planned the release.\n\nDates were discussed.');
  assert.deepEqual(s.decisions, ['Release on Friday.', 'Keep the old API.']);
  assert.deepEqual(s.actionItems, [
    { task: 'send the draft by 10:00', owner: 'Alice' },
    { task: 'book the room', owner: 'Speaker 2' },
    { task: 'write the changelog' },
    { task: 'check the build', owner: 'Bob' },
    { task: 'Update the docs', owner: 'Alice' },
    { task: 'Agree on the date: before Friday' },
  ]);
});

test('near the form: bold or colon headings, numbered lists, check boxes, None, a fenced answer', () => {
  const s = parseSummaryAnswer(
    '```markdown\n**Summary:**\nShort.\n**Decisions**\n1. None.\n### Action Items:\n1) [ ] **Alice**: ship it\n- None\n```',
    SPEAKERS,
  );
  assert.equal(s.summary, 'Short.');
  assert.deepEqual(s.decisions, []);
  assert.deepEqual(s.actionItems, [{ task: 'ship it', owner: 'Alice' }]);
});

test('an answer in no recognisable form is all summary', () => {
  const s = parseSummaryAnswer('They talked about lunch.\r\nNothing else.', SPEAKERS);
  assert.deepEqual(s, { summary: 'They talked about lunch.\nNothing else.', decisions: [], actionItems: [] });
});

test('the section: headings one level below, the model named, owners bold, everything escaped', () => {
  const md = formatSummarySection(
    {
      summary: 'We said <img src=x onerror=alert(1)> & [link](http://x).\n- a *point*',
      decisions: ['Use `rm -rf`'],
      actionItems: [{ task: 'Ship #1', owner: 'Al_ice' }, { task: 'Write docs' }],
    },
    { headingLevel: 2, modelLabel: 'GPT *x* (copilot)', date: '2026-12-05 12:00' },
  );
  assert.equal(
    md,
    [
      '## Meeting summary',
      '',
      '_Written by GPT \\*x\\* (copilot) from the transcript, 2026-12-05 12:00. Check it against the transcript below._',
      '',
      '### Summary',
      '',
      'We said \\<img src=x onerror=alert(1)\\> \\& \\[link\\](http://x).',
      '- a point',
      '',
      '### Decisions',
      '',
      '- Use \\`rm -rf\\`',
      '',
      '### Action items',
      '',
      '- [ ] Ship \\#1 (owner: **Al\\_ice**)',
      '- [ ] Write docs (owner: unassigned)',
      '',
    ].join('\n'),
  );
  const empty = formatSummarySection(
    { summary: '', decisions: [], actionItems: [] },
    { headingLevel: 9, modelLabel: 'M', title: 'T' },
  );
  assert.match(empty, /^##### T\n/);
  assert.match(empty, /_The model wrote no summary\._/);
  assert.equal((empty.match(/- _None recorded\._/g) ?? []).length, 2);
});
