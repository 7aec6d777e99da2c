// The transcript view's page. It draws what the host sends (a snapshot after `ready`, then live
// segments and progress) and asks the host for everything that leaves the page (exports, copies,
// cancel). Transcript text is untrusted: it is only ever set with textContent, never as markup.
import type { HostMessage, PageMessage, ViewSegment, ViewState } from '../common/pages/transcriptMessages';
import {
  emotionEmoji,
  emotionName,
  eventEmoji,
  eventName,
  isMoodless,
  isPlainSpeechEvent,
  languageName,
} from '../common/formats/labels';
import { tagSpans } from '../common/formats/summary';
import { clockSpan, clockTime } from '../common/formats/time';
import { durationText } from '../common/units';
import { EXPORT_FORMAT_IDS, isOneOf } from '../common/values';
import { $, el, notice } from './dom';
import { renderSourceWarnings } from './sourceWarningBanner';
import { nameOf, overlapText, participants, speakerLanes, speakerLook, type SpeakerLook } from './speakerLook';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

type Category = 'speaker' | 'emotion' | 'event' | 'language';
const CATEGORIES = ['speaker', 'emotion', 'event', 'language'] as const;
interface Persisted {
  filters: Record<Category, string[]>;
  /** What the host needs to bring this view back after a window reload (extension/transcript/restoreState.ts). */
  restore?: { filePath: string; transcriptFile: string | null; speakerCount?: number | 'auto' | null };
}

const persisted = (vscode.getState() as Persisted | undefined) ?? {
  filters: { speaker: [], emotion: [], event: [], language: [] },
};
const filters: Record<Category, Set<string>> = {
  // A state saved before speakers existed has no speaker filter.
  speaker: new Set(persisted.filters.speaker ?? []),
  emotion: new Set(persisted.filters.emotion),
  event: new Set(persisted.filters.event),
  language: new Set(persisted.filters.language),
};

let state: ViewState | null = null;
let segments: ViewSegment[] = [];
let currentIndex = -1;
/** The audio URI on the player; undefined until the first snapshot says what it is. */
let loadedAudio: string | null | undefined;
/** Speaker names and colours of the transcript shown. */
let look: SpeakerLook = speakerLook([]);
/** A moment asked for (a notes link) before the audio could play: played once it can. */
let pendingSeek: number | null = null;

const audio = $('audio') as HTMLAudioElement;
const list = $('segments');
const timeline = $('timeline');

/** A small stroked icon drawn with DOM calls (no markup strings, no icon font). */
function icon(paths: string[]): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('icon');
  for (const d of paths) {
    const p = document.createElementNS(ns, 'path');
    p.setAttribute('d', d);
    svg.appendChild(p);
  }
  return svg;
}
const COPY_ICON = ['M5.5 5.5h7v8h-7z', 'M3.5 10.5v-8h7'];

function post(m: PageMessage): void {
  vscode.postMessage(m);
}

function saveState(): void {
  vscode.setState({
    filters: {
      speaker: [...filters.speaker],
      emotion: [...filters.emotion],
      event: [...filters.event],
      language: [...filters.language],
    },
    restore: state
      ? { filePath: state.filePath, transcriptFile: state.transcriptFile, speakerCount: state.speakerCount ?? null }
      : persisted.restore,
  } satisfies Persisted);
}

function duration(): number {
  const fromState = state?.durationSec;
  if (fromState && fromState > 0) return fromState;
  if (Number.isFinite(audio.duration) && audio.duration > 0) return audio.duration;
  return Math.max(0, ...segments.map((s) => s.end));
}

/** The segment's value for a filter; undefined when it has none (a segment without a speaker). */
function tagValue(s: ViewSegment, c: Category): string | undefined {
  return c === 'speaker' ? s.speaker : c === 'emotion' ? s.emotion : c === 'event' ? s.event : s.language;
}

function visible(s: ViewSegment): boolean {
  return CATEGORIES.every((c) => {
    if (filters[c].size === 0) return true;
    const v = tagValue(s, c);
    return v !== undefined && filters[c].has(v);
  });
}

// ---- header ---------------------------------------------------------------------------------

function renderHeader(): void {
  if (!state) return;
  $('file-name').textContent = state.fileName;
  $('file-name').title = state.filePath;
  document.title = state.fileName;
  const facts = $('facts');
  facts.replaceChildren();
  const add = (label: string, value: string, title?: string) => {
    const wrap = el('div', 'fact');
    wrap.append(el('dt', undefined, label), el('dd', undefined, value));
    if (title) wrap.title = title;
    facts.appendChild(wrap);
  };
  const d = duration();
  if (d > 0) add('Duration', `${clockTime(d)} (${durationText(d)})`);
  const langs = [...new Set(segments.map((s) => s.language).filter((l) => l && l !== 'nospeech'))];
  if (langs.length) add('Languages', langs.map(languageName).join(', '), langs.join(', '));
  if (state.model) {
    add('Model', `SenseVoiceSmall ${state.model.quantization}`, `${state.model.layout} layout`);
    add('Provider', state.model.provider);
  }
  if (state.rtf !== null) {
    const rtf = state.rtf;
    const speed =
      rtf > 0
        ? `${rtf > 0.1 ? (1 / rtf).toFixed(1) : Math.round(1 / rtf)}× faster than real time`
        : 'faster than the clock could measure';
    add(
      'Real-time factor',
      rtf < 0.001 ? '< 0.001' : rtf.toFixed(3),
      `Processing seconds per second of audio: ${speed}`,
    );
  }
  if (state.origin === 'file') add('Source', 'saved transcript');
  renderSpeakers();
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('.export-button, #copy-text, #copy-md'))) {
    b.disabled = state.status !== 'done' && !(b.id.startsWith('copy') && segments.length > 0);
  }
}

/** The participants line (each name a button that renames it) or why there are no speakers. */
function renderSpeakers(): void {
  if (!state) return;
  const root = $('speakers');
  root.replaceChildren();
  const people = participants(look, state.speakers);
  root.hidden = people.length === 0 && !state.speakersUnavailable;
  if (people.length === 0) {
    if (state.speakersUnavailable) root.appendChild(el('span', 'speakers-unavailable', state.speakersUnavailable));
    return;
  }
  root.appendChild(el('span', 'speakers-title', 'Participants'));
  for (const p of people) {
    const b = speakerChip(p.id, 'participant');
    b.appendChild(el('span', 'chip-count', p.talk));
    const recognised = state.speakers.find((x) => x.id === p.id)?.recognised !== undefined;
    b.title =
      `${p.name}: ${p.talk} (${Math.round(p.share * 100)}% of the talk time). Click to rename; ` +
      `right-click: ${recognised ? 'Not This Person (a remembered voice)' : 'Remember This Voice'}.`;
    root.appendChild(b);
  }
  if (people.length > 1) {
    const merge = el('button', 'link-button merge-speakers', 'Merge speakers…');
    merge.type = 'button';
    merge.title = 'Two speakers are one person: merge them';
    merge.addEventListener('click', () => post({ type: 'mergeSpeakers' }));
    root.appendChild(merge);
  }
  // Another count re-runs the diarization alone on the cached recognition, which a transcript read
  // from a JSON file does not have.
  if (state.status === 'done' && state.origin !== 'file') {
    const count = el('button', 'link-button speaker-count', `Speakers: ${people.length} ▾`);
    count.type = 'button';
    count.title =
      'Set the number of speakers and find them again (the recognition is kept; names stay where their speaker is)';
    count.addEventListener('click', () => post({ type: 'setSpeakerCount' }));
    root.appendChild(count);
  }
}

/** A speaker's colour and name as a button that asks the host to rename it. */
function speakerChip(id: string, where: 'segment' | 'participant'): HTMLButtonElement {
  const name = nameOf(look, id);
  const b = el('button', `chip chip-speaker speaker-${where}`);
  b.type = 'button';
  b.dataset.speaker = id;
  b.dataset.colour = String(look.colours.get(id) ?? 0);
  const recognised = state?.speakers.find((x) => x.id === id)?.recognised;
  b.title = recognised
    ? `${name}: a remembered voice (${Math.round(recognised.similarity * 100)}% alike). Click to rename; right-click: Not This Person.`
    : `${name}: click to rename; right-click: Remember This Voice.`;
  b.setAttribute('aria-label', `Speaker ${name}, rename`);
  // VS Code's context menu on the chip (package.json webview/context) gets the speaker from here.
  b.dataset.vscodeContext = JSON.stringify({
    webviewSection: 'speaker',
    speakerId: id,
    speakerRecognised: recognised !== undefined,
    preventDefaultContextMenuItems: true,
  });
  b.append(el('span', 'speaker-dot'), el('span', 'chip-label speaker-name', name));
  b.addEventListener('click', () => post({ type: 'renameSpeaker', id }));
  return b;
}

function renderStatus(): void {
  if (!state) return;
  // A run that failed before its first segment has nothing to play or place on a timeline.
  ($('player') as HTMLElement).hidden = state.status === 'failed' && segments.length === 0;
  const text = $('status-text');
  const bar = $('progress-bar');
  const status = $('status');
  status.dataset.status = state.status;
  ($('cancel') as HTMLButtonElement).hidden = state.status !== 'running';
  const retry = $('retry') as HTMLButtonElement;
  retry.hidden = !(state.status === 'cancelled' || (state.status === 'failed' && state.error?.canRetry));
  // A failed run is retried; a cancelled one is started again (neither resumes where it stopped).
  retry.textContent = state.status === 'failed' ? 'Retry' : 'Transcribe again';
  const count = `${state.segmentsDone} segment${state.segmentsDone === 1 ? '' : 's'}`;
  if (state.status === 'running') {
    // Rounded down, as the progress notification does: the two never disagree.
    const pct = state.fraction !== null ? `${Math.floor(state.fraction * 100)}%` : '';
    text.textContent = ['Transcribing…', pct, count].filter(Boolean).join(' · ');
    bar.style.width = `${Math.round((state.fraction ?? 0) * 100)}%`;
    bar.classList.toggle('indeterminate', state.fraction === null);
  } else if (state.status === 'failed' && state.error) {
    // Segments finished before the failure stay below (e.g. the daemon stopped mid-file).
    const kept =
      segments.length > 0 ? `Stopped after ${segments.length} segment${segments.length === 1 ? '' : 's'}: ` : '';
    text.textContent = `${kept}${state.error.message} (${state.error.code})`;
  } else if (state.status === 'cancelled') {
    text.textContent = `Cancelled after ${count}.`;
  } else {
    text.textContent = '';
  }
}

// ---- filters --------------------------------------------------------------------------------

function chipLabel(c: Category, tag: string): { emoji: string; label: string } {
  if (c === 'speaker') return { emoji: '', label: nameOf(look, tag) };
  if (c === 'emotion') return { emoji: emotionEmoji(tag), label: emotionName(tag) };
  if (c === 'event') return { emoji: eventEmoji(tag), label: eventName(tag) };
  return { emoji: '', label: languageName(tag) };
}

function renderFilters(): void {
  const root = $('filters');
  root.replaceChildren();
  let any = false;
  const titles: Record<Category, string> = {
    speaker: 'Speaker',
    emotion: 'Emotion',
    event: 'Sound',
    language: 'Language',
  };
  for (const c of CATEGORIES) {
    const counts = new Map<string, number>();
    for (const s of segments) {
      const v = tagValue(s, c);
      if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // A filter whose tag vanished (a new run) would hide everything: drop it.
    for (const t of [...filters[c]]) if (!counts.has(t)) filters[c].delete(t);
    if (counts.size === 0) continue;
    any = true;
    const group = el('div', 'filter-group');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', titles[c]);
    group.appendChild(el('span', 'filter-title', titles[c]));
    for (const [tag, n] of [...counts].sort((a, b) => b[1] - a[1])) {
      const { emoji, label } = chipLabel(c, tag);
      const b = el('button', `chip filter-chip chip-${c}`);
      b.type = 'button';
      b.dataset.category = c;
      b.dataset.tag = tag;
      if (c === 'speaker') b.dataset.colour = String(look.colours.get(tag) ?? 0);
      b.setAttribute('aria-pressed', String(filters[c].has(tag)));
      if (emoji) b.appendChild(el('span', 'chip-emoji', emoji));
      if (c === 'speaker') b.appendChild(el('span', 'speaker-dot'));
      b.appendChild(el('span', 'chip-label', label));
      b.appendChild(el('span', 'chip-count', String(n)));
      b.addEventListener('click', () => {
        if (filters[c].has(tag)) filters[c].delete(tag);
        else filters[c].add(tag);
        saveState();
        renderFilters();
        applyFilters();
      });
      group.appendChild(b);
    }
    root.appendChild(group);
  }
  const active = CATEGORIES.reduce((n, c) => n + filters[c].size, 0);
  if (active > 0) {
    const shown = segments.filter(visible).length;
    const summary = el('div', 'filter-summary');
    summary.appendChild(el('span', undefined, `Showing ${shown} of ${segments.length} segments`));
    const clear = el('button', 'link-button', 'Clear filters');
    clear.type = 'button';
    clear.addEventListener('click', () => {
      for (const c of CATEGORIES) filters[c].clear();
      saveState();
      renderFilters();
      applyFilters();
    });
    summary.appendChild(clear);
    root.appendChild(summary);
  }
  root.hidden = !any;
}

function applyFilters(): void {
  for (const row of Array.from(list.querySelectorAll<HTMLElement>('.segment'))) {
    const s = segments.find((x) => x.index === Number(row.dataset.index));
    row.hidden = !!s && !visible(s);
  }
  renderEmpty();
}

// ---- segments -------------------------------------------------------------------------------

function segmentRow(s: ViewSegment): HTMLElement {
  const row = el('article', 'segment');
  row.dataset.index = String(s.index);
  row.dataset.emotion = s.emotion;
  row.dataset.event = s.event;
  row.dataset.language = s.language;
  if (s.speaker !== undefined) row.dataset.speaker = s.speaker;
  const time = el('button', 'time', clockTime(s.start));
  time.type = 'button';
  time.title = `Play from ${clockSpan(s.start, s.end)}`;
  time.addEventListener('click', () => seek(s.start, true));
  const body = el('div', 'segment-body');
  const chips = el('div', 'chips');
  if (s.speaker !== undefined) chips.appendChild(speakerChip(s.speaker, 'segment'));
  const over = overlapText(look, s.overlap);
  if (over) {
    const o = el('span', 'chip chip-overlap', over);
    o.title = 'Also heard at the same time (overlapping speech)';
    chips.appendChild(o);
  }
  if (s.language) {
    const lang = el('span', 'chip chip-language', s.language === 'nospeech' ? 'No speech' : s.language.toUpperCase());
    lang.title = languageName(s.language);
    chips.appendChild(lang);
  }
  if (s.emotion) {
    const c = el('span', `chip chip-emotion${isMoodless(s.emotion) ? ' muted' : ''}`);
    c.dataset.tag = s.emotion;
    const e = emotionEmoji(s.emotion);
    if (e) c.appendChild(el('span', 'chip-emoji', e));
    c.appendChild(el('span', 'chip-label', emotionName(s.emotion)));
    chips.appendChild(c);
  }
  if (!isPlainSpeechEvent(s.event)) {
    const c = el('span', 'chip chip-event');
    c.dataset.tag = s.event;
    const e = eventEmoji(s.event);
    if (e) c.appendChild(el('span', 'chip-emoji', e));
    c.appendChild(el('span', 'chip-label', eventName(s.event)));
    chips.appendChild(c);
  }
  const text = el('p', 'text');
  if (s.text.trim()) text.textContent = s.text;
  else {
    text.textContent = 'No words in this segment';
    text.classList.add('empty-text');
  }
  body.append(chips, text);
  const copy = el('button', 'icon-button copy-segment');
  copy.type = 'button';
  copy.title = 'Copy this segment';
  copy.setAttribute('aria-label', `Copy the segment at ${clockTime(s.start)}`);
  copy.appendChild(icon(COPY_ICON));
  copy.addEventListener('click', () => post({ type: 'copy', what: 'segment', index: s.index }));
  row.append(time, body, copy);
  row.hidden = !visible(s);
  return row;
}

function renderSegments(): void {
  list.replaceChildren(...segments.map(segmentRow));
  currentIndex = -1;
  renderEmpty();
  highlight();
}

/** A live segment: placed by index among those already shown (they can arrive out of order). */
function insertSegment(s: ViewSegment): void {
  const at = segments.findIndex((x) => x.index >= s.index);
  const row = segmentRow(s);
  if (at >= 0 && segments[at].index === s.index) {
    segments[at] = s;
    list.querySelector(`.segment[data-index="${s.index}"]`)?.replaceWith(row);
  } else if (at >= 0) {
    segments.splice(at, 0, s);
    list.insertBefore(row, list.querySelector(`.segment[data-index="${segments[at + 1].index}"]`));
  } else {
    segments.push(s);
    list.appendChild(row);
  }
  row.classList.add('arrived');
  renderEmpty();
}

function renderEmpty(): void {
  list.querySelector('.empty')?.remove();
  if (!state) return;
  let message = '';
  if (segments.length === 0) {
    if (state.status === 'running') message = 'Listening… segments appear here as they are recognised.';
    else if (state.status === 'done') message = 'Nothing was recognised in this file.';
    else if (state.status === 'cancelled') message = 'Cancelled before the first segment.';
    else message = 'No transcript: see the message above.';
  } else if (!segments.some(visible)) {
    message = 'No segment matches the filters.';
  }
  if (message) list.appendChild(el('p', 'empty', message));
}

// ---- timeline and playback ------------------------------------------------------------------

function renderTimeline(): void {
  const d = duration();
  timeline.setAttribute('aria-valuemax', String(Math.round(d)));
  const place = (
    track: HTMLElement,
    spans: { tag: string; start: number; end: number }[],
    kind: 'event' | 'emotion' | 'speech',
  ) => {
    track.replaceChildren();
    if (!(d > 0)) return;
    for (const span of spans) {
      const b = el('div', `block block-${kind}`);
      b.dataset.tag = span.tag;
      b.style.left = `${(Math.max(0, span.start) / d) * 100}%`;
      b.style.width = `${(Math.max(0, Math.min(span.end, d) - span.start) / d) * 100}%`;
      const label =
        kind === 'event'
          ? `${eventEmoji(span.tag)} ${eventName(span.tag)}`
          : kind === 'emotion'
            ? `${emotionEmoji(span.tag)} ${emotionName(span.tag)}`
            : 'Speech';
      b.title = `${label.trim()} ${clockSpan(span.start, span.end)}`;
      const e = kind === 'event' ? eventEmoji(span.tag) : kind === 'emotion' ? emotionEmoji(span.tag) : '';
      if (e) b.textContent = e;
      track.appendChild(b);
    }
  };
  place($('lane-events'), tagSpans(segments, 'event', isPlainSpeechEvent), 'event');
  place($('lane-moods'), tagSpans(segments, 'emotion', isMoodless), 'emotion');
  place(
    $('lane-speech'),
    segments.filter((s) => s.text.trim()).map((s) => ({ tag: 'speech', start: s.start, end: s.end })),
    'speech',
  );
  renderSpeakerLanes(d);
  movePlayhead();
}

/** One lane per speaker from the diarization's turns (they may overlap across lanes). */
function renderSpeakerLanes(d: number): void {
  const root = $('speaker-lanes');
  root.replaceChildren();
  if (!state) return;
  for (const lane of speakerLanes(look, state.speakers, state.turns)) {
    const row = el('div', 'lane lane-speaker');
    row.dataset.speaker = lane.id;
    const label = el('span', 'lane-label', lane.name);
    label.title = lane.name;
    const track = el('div', 'lane-track');
    if (d > 0)
      for (const span of lane.spans) {
        const b = el('div', 'block block-speaker');
        b.dataset.colour = String(lane.colour);
        b.style.left = `${(Math.max(0, span.start) / d) * 100}%`;
        b.style.width = `${(Math.max(0, Math.min(span.end, d) - span.start) / d) * 100}%`;
        b.title = `${lane.name} ${clockSpan(span.start, span.end)}`;
        track.appendChild(b);
      }
    row.append(label, track);
    root.appendChild(row);
  }
}

function movePlayhead(): void {
  const d = duration();
  const head = $('playhead');
  head.hidden = !(d > 0);
  if (d > 0)
    head.style.left = `calc(var(--lane-label-width) + (100% - var(--lane-label-width)) * ${Math.min(1, audio.currentTime / d)})`;
  timeline.setAttribute('aria-valuenow', String(Math.round(audio.currentTime)));
  timeline.setAttribute('aria-valuetext', clockTime(audio.currentTime));
}

function seek(sec: number, play: boolean): void {
  if (!loadedAudio) return;
  audio.currentTime = Math.max(0, sec);
  if (play) void audio.play().catch(() => undefined);
  highlight();
  movePlayhead();
}

function highlight(): void {
  const t = audio.currentTime;
  // Without audio there is no "now" to point at.
  const s = loadedAudio ? segments.find((x) => t >= x.start && t < x.end) : undefined;
  const index = s ? s.index : -1;
  if (index === currentIndex) return;
  list.querySelector('.segment.current')?.classList.remove('current');
  currentIndex = index;
  if (index < 0) return;
  const row = list.querySelector<HTMLElement>(`.segment[data-index="${index}"]`);
  if (!row) return;
  row.classList.add('current');
  if (!audio.paused) row.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

timeline.addEventListener('click', (e) => {
  const track = $('lane-events').getBoundingClientRect();
  const x = (e.clientX - track.left) / track.width;
  if (x < 0 || x > 1) return;
  seek(x * duration(), true);
});
timeline.addEventListener('keydown', (e) => {
  const step = e.shiftKey ? 10 : 5;
  if (e.key === 'ArrowRight') seek(audio.currentTime + step, false);
  else if (e.key === 'ArrowLeft') seek(audio.currentTime - step, false);
  else if (e.key === 'Home') seek(0, false);
  else if (e.key === ' ' || e.key === 'Enter') {
    if (audio.paused) void audio.play().catch(() => undefined);
    else audio.pause();
  } else return;
  e.preventDefault();
});
audio.addEventListener('timeupdate', () => {
  highlight();
  movePlayhead();
});
audio.addEventListener('seeked', () => {
  highlight();
  movePlayhead();
});
audio.addEventListener('loadedmetadata', () => {
  renderTimeline();
  renderHeader();
  playPendingSeek();
});

/** A moment a notes link asked for: kept until the transcript is there and the audio can play. */
function seekRequested(sec: number): void {
  if (!Number.isFinite(sec) || sec < 0) return;
  pendingSeek = sec;
  playPendingSeek();
}

function playPendingSeek(): void {
  if (pendingSeek === null || segments.length === 0) return;
  const sec = pendingSeek;
  const row = segments.find((x) => sec >= x.start && sec < x.end) ?? segments.find((x) => x.start >= sec);
  list.querySelector<HTMLElement>(`.segment[data-index="${row?.index ?? -1}"]`)?.scrollIntoView({ block: 'center' });
  if (loadedAudio && audio.readyState < 1) return; // loadedmetadata plays it
  pendingSeek = null;
  if (loadedAudio) seek(sec, true);
}
audio.addEventListener('error', () => {
  const note = $('audio-note');
  note.textContent =
    'This file cannot be played in VS Code (its format is not supported here); the transcript is not affected.';
  note.hidden = false;
  audio.hidden = true;
});

function renderAudio(): void {
  if (!state) return;
  const src = state.audioUri;
  if (src === loadedAudio) return;
  loadedAudio = src;
  const note = $('audio-note');
  if (src) {
    audio.hidden = false;
    note.hidden = true;
    audio.src = src;
  } else {
    audio.removeAttribute('src');
    audio.hidden = true;
    note.textContent = 'The audio file is not at hand, so playback is off.';
    note.hidden = false;
  }
}

// ---- messages -------------------------------------------------------------------------------

let pendingRefresh = false;
/** Filters, header and timeline follow live segments at most once a frame. */
function refreshSoon(): void {
  if (pendingRefresh) return;
  pendingRefresh = true;
  requestAnimationFrame(() => {
    pendingRefresh = false;
    renderFilters();
    renderTimeline();
    renderHeader();
  });
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  switch (m?.type) {
    case 'snapshot':
      state = m.state;
      saveState();
      segments = [...m.state.segments].sort((a, b) => a.index - b.index);
      look = speakerLook(m.state.speakers);
      document.body.dataset.status = state.status;
      renderAudio();
      renderHeader();
      renderStatus();
      renderSourceWarnings($('source-warnings'), state.warnings);
      renderFilters();
      renderSegments();
      renderTimeline();
      playPendingSeek();
      break;
    case 'segment':
      if (!state) return;
      insertSegment(m.segment);
      refreshSoon();
      break;
    case 'progress':
      if (!state) return;
      state.fraction = m.fraction;
      state.segmentsDone = m.segmentsDone;
      renderStatus();
      break;
    case 'notice':
      notice(m.text);
      break;
    case 'seek':
      seekRequested(m.sec);
      break;
  }
});

for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('.export-button'))) {
  b.addEventListener('click', () => {
    const format = b.dataset.format;
    if (isOneOf(EXPORT_FORMAT_IDS, format)) post({ type: 'export', format });
  });
}
$('copy-text').addEventListener('click', () => post({ type: 'copy', what: 'text' }));
$('copy-md').addEventListener('click', () => post({ type: 'copy', what: 'markdown' }));
$('cancel').addEventListener('click', () => post({ type: 'cancel' }));
$('retry').addEventListener('click', () => post({ type: 'retry' }));

post({ type: 'ready' });
