// The model's answer read back (summary, decisions, action items with owners) and written as a
// Markdown section of the notes. A model may stray from the form it was asked for (other heading
// marks, bold owners, numbered lists): what can be read is read, the rest is kept as the summary.
// Its text is escaped like the transcript's, so that whatever it wrote shows as text.
import { escapeMarkdown } from '../formats/markdown';

export interface ActionItem {
  task: string;
  /** A speaker's name (spelled as the transcript has it when it is one), or undefined when unassigned. */
  owner?: string;
}

export interface MeetingSummary {
  summary: string;
  decisions: string[];
  actionItems: ActionItem[];
}

type Section = 'summary' | 'decisions' | 'actions';

/** The section a line heads ("## Decisions", "**Action items:**", "Summary:"), or null. */
function sectionOf(line: string): Section | null {
  const m =
    /^\s*(?:#{1,6}\s*)?[*_]{0,2}\s*(summary|decisions?|action items?|actions?|next steps)\s*:?\s*[*_]{0,2}\s*:?\s*$/i.exec(
      line,
    );
  if (!m) return null;
  const word = m[1].toLowerCase();
  return word === 'summary' ? 'summary' : word.startsWith('decision') ? 'decisions' : 'actions';
}

/** A list line's text without its marker ("- ", "* ", "1. ", "- [ ] "), or null for other lines. */
function listItem(line: string): string | null {
  const m = /^\s*(?:[-*+•]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*)$/.exec(line);
  return m ? m[1].trim() : null;
}

/** "None", "None.", "n/a", "-": an item that says the list is empty. */
function isNone(text: string): boolean {
  return /^(?:_?\(?none( recorded| identified| mentioned)?\.?\)?_?|n\/?a\.?|-+|—)$/i.test(text.trim());
}

/** Emphasis the model put around words, taken off (the section escapes everything it writes). */
function plain(text: string): string {
  return text
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|\s)[*_](\S(?:.*?\S)?)[*_](?=\s|[.,;:!?]|$)/g, '$1$2')
    .trim();
}

/** "Bob", "Speaker 2", "Mary Ann Lee", "王伟": a name someone was called by (not "Send the draft"). */
function looksLikeName(text: string): boolean {
  if (!/\p{Script=Latin}/u.test(text)) return text.length <= 12;
  return /^\p{Lu}[\p{L}'.-]*(?:\s+(?:\p{Lu}[\p{L}'.-]*|\d+)){0,2}$/u.test(text);
}

/** An action item's owner and task: "Alice: task", "[Alice] task", "task (owner: Alice)", "Alice — task". */
function actionItem(text: string, speakers: readonly string[]): ActionItem {
  const t = plain(text);
  let owner: string | undefined;
  let task = t;
  const tail = /^(.*?)[\s,;—-]*\((?:owner|assignee|assigned to)\s*:\s*([^)]+)\)\.?$/i.exec(t);
  const head = /^\[([^\]]{1,60})\]\s*(.+)$/.exec(t) ?? /^([^:—]{1,60}?)\s*(?::|—| - )\s*(.+)$/.exec(t);
  if (tail) [, task, owner] = tail;
  else if (head) [, owner, task] = head;
  owner = owner?.trim();
  if (owner !== undefined) {
    const known = speakers.find((s) => s.toLowerCase() === owner!.toLowerCase());
    if (known) owner = known;
    else if (/^(unassigned|none|nobody|unknown|tbd|n\/a|-)$/i.test(owner)) owner = undefined;
    else if (head && !tail && !looksLikeName(owner)) {
      // "Agree on the date: before Friday" is a task with a colon, not an owner.
      owner = undefined;
      task = t;
    }
  }
  return { task: task.trim(), ...(owner ? { owner } : {}) };
}

/** The answer read into its parts; an answer in no recognisable form is all summary. */
export function parseSummaryAnswer(answer: string, speakers: readonly string[] = []): MeetingSummary {
  const out: MeetingSummary = { summary: '', decisions: [], actionItems: [] };
  const summary: string[] = [];
  let section: Section | null = null;
  let seenHeading = false;
  const loose: string[] = [];
  for (const raw of answer.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    if (/^\s*```/.test(line)) continue; // a model that fenced its answer
    const heading = sectionOf(line);
    if (heading) {
      section = heading;
      seenHeading = true;
      continue;
    }
    if (section === null) {
      loose.push(line);
      continue;
    }
    if (section === 'summary') {
      summary.push(line);
      continue;
    }
    const item = listItem(line) ?? (line.trim() ? line.trim() : null);
    if (item === null || isNone(item)) continue;
    if (section === 'decisions') out.decisions.push(plain(item));
    else out.actionItems.push(actionItem(item, speakers));
  }
  out.summary = (seenHeading ? summary : loose)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return out;
}

export interface SectionOptions {
  /** The section's heading level (its parts sit one below), 1-5. */
  headingLevel: number;
  /** Who wrote it: the model's name and vendor, as the user picked it. */
  modelLabel: string;
  /** A ready-made date line (localDateTime). */
  date?: string;
  /** The section's heading (default "Meeting summary"), for a document of its own. */
  title?: string;
}

/** The notes' "Meeting summary" section: Summary, Decisions, Action items (owner: Name). */
export function formatSummarySection(s: MeetingSummary, options: SectionOptions): string {
  const level = Math.min(5, Math.max(1, Math.round(options.headingLevel)));
  const h = '#'.repeat(level);
  const sub = '#'.repeat(level + 1);
  const when = options.date ? `, ${escapeMarkdown(options.date)}` : '';
  const out = [
    `${h} ${escapeMarkdown(options.title ?? 'Meeting summary')}`,
    '',
    `_Written by ${escapeMarkdown(options.modelLabel)} from the transcript${when}. Check it against the transcript below._`,
    '',
    `${sub} Summary`,
    '',
  ];
  const paragraphs = s.summary
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => {
          const item = listItem(l);
          return item === null ? escapeMarkdown(plain(l.trim())) : `- ${escapeMarkdown(plain(item))}`;
        })
        .filter(Boolean)
        .join('\n'),
    )
    .filter(Boolean);
  out.push(paragraphs.length > 0 ? paragraphs.join('\n\n') : '_The model wrote no summary._', '');
  out.push(`${sub} Decisions`, '');
  if (s.decisions.length === 0) out.push('- _None recorded._');
  for (const d of s.decisions) out.push(`- ${escapeMarkdown(d)}`);
  out.push('', `${sub} Action items`, '');
  if (s.actionItems.length === 0) out.push('- _None recorded._');
  for (const a of s.actionItems)
    out.push(`- [ ] ${escapeMarkdown(a.task)} (owner: ${a.owner ? `**${escapeMarkdown(a.owner)}**` : 'unassigned'})`);
  out.push('');
  return out.join('\n');
}
