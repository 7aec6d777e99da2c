// Who said what, in a real VS Code (code-server): a two-speaker recording transcribed with speakers
// (synthetic ASR and diarization models), a speaker renamed from the transcript view, meeting notes
// inserted: the Markdown shows both names, and a timestamp link opens the transcript at its moment;
// then the number of speakers set from the view (1, then 2 again: Alice is still Alice).
// Then Alice's voice is remembered (Remember This Voice, turning speaker profiles on for the workspace),
// a second recording with the two readers in the other order names her speaker Alice, and Not This
// Person takes the name off again and records the correction in .vscode/sensevoice-speakers.json.
// Started by test/e2e/run.sh; the recording and the diarization models are put in place here.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeDiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels.ts';
import { buildMultiSpeakerAudio, makeMultiSpeakerAudio } from '../helpers/multiSpeakerAudio.ts';
import * as wb from './workbench.mjs';
import { RUN, WS, until, QUICK_INPUT_BOX } from './workbench.mjs';

const AUDIO = 'two-speakers.wav';
const NOTES = 'speaker-notes.md';
const OTHER_ORDER = 'other-order.wav';
const PROFILES = path.join(WS, '.vscode', 'sensevoice-speakers.json');
let browser;
let page;

describe('speakers in VS Code', { timeout: 300_000 }, () => {
  before(async () => {
    fs.copyFileSync(makeMultiSpeakerAudio('twoSpeakers').file, path.join(WS, AUDIO));
    fs.writeFileSync(path.join(WS, NOTES), '# Standup\n\n');
    // The same two readers, 1221 first: reader 1089 (Alice, S1 in AUDIO) is S2 here.
    const A = 'librispeech/1089-134686-0001.wav';
    const B1 = 'librispeech/1221-135766-0001.wav';
    const B2 = 'librispeech/1221-135766-0002.wav';
    const other = buildMultiSpeakerAudio('twoSpeakersOtherOrder', [
      [B2, 0.5],
      [A, 1.0],
      [B1, 0.8],
      [A, 0.7],
    ]);
    fs.copyFileSync(other.file, path.join(WS, OTHER_ORDER));
    const models = makeDiarizationModels();
    const store = path.join(process.env.SENSEVOICE_MODEL_STORE ?? path.join(RUN, 'model-store'), 'diarization');
    fs.mkdirSync(store, { recursive: true });
    fs.copyFileSync(models.segmentation, path.join(store, 'segmentation.onnx'));
    fs.copyFileSync(models.wespeaker, path.join(store, 'embedding.onnx'));
    ({ browser, page } = await wb.openWorkbench({ firstRow: AUDIO }));
    // The extension first (a command activates it), so that it hears the settings change; the
    // settings reach the window's extension host (a remote one in code-server) a little later.
    await wb.runCommand(page, 'SenseVoice: Show Logs');
    const turnedOn = () => (wb.extensionLog().match(/speaker diarization on \(2 speakers\)/g) ?? []).length;
    const before = turnedOn();
    await wb.setUserSettings(page, { 'sensevoice.diarization.enabled': true, 'sensevoice.diarization.speakers': 2 });
    await until('the window to take the diarization settings', () => turnedOn() > before, 30_000);
  });

  afterEach(wb.afterEachShot(() => page));

  after(async () => {
    const workspaceSettings = path.join(WS, '.vscode', 'settings.json');
    if (fs.existsSync(workspaceSettings) && fs.readFileSync(workspaceSettings, 'utf8').includes('sensevoice.speakers'))
      await wb.setWorkspaceSettings(page, WS, { 'sensevoice.speakers.profiles': undefined });
    fs.rmSync(PROFILES, { force: true });
    await wb.setUserSettings(page, {
      'sensevoice.diarization.enabled': undefined,
      'sensevoice.diarization.speakers': undefined,
    });
    await browser?.close();
  });

  it('transcribes with speakers, renames one, and the notes show both names with working timestamp links', async () => {
    await wb.chooseFromContextMenu(page, AUDIO, /SenseVoice: Transcribe/);
    const frame = await wb.transcriptFrame(page, AUDIO);
    await until('speaker chips', async () => (await frame.locator('#speakers .chip-speaker').count()) === 2, 120_000);
    assert.equal(await frame.locator('#speaker-lanes .lane').count(), 2);
    await wb.shot(page, 'speakers-view');

    await frame.locator('#speakers .chip-speaker[data-speaker="S1"]').click();
    const input = page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ timeout: 10_000 });
    await input.fill('Alice');
    await page.keyboard.press('Enter');
    await until('the new name in the view', async () =>
      (await frame.locator('.segment .speaker-name').allInnerTexts()).includes('Alice'),
    );
    assert.deepEqual(await frame.locator('#speaker-lanes .lane-label').allInnerTexts(), ['Alice', 'Speaker 2']);
    await wb.shot(page, 'speakers-renamed');

    await wb.explorerRow(page, NOTES).click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await wb.runCommand(page, 'SenseVoice: Insert Meeting Notes');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: AUDIO }).first().waitFor({ timeout: 20_000 });
    await input.fill(AUDIO);
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines', { hasText: 'Meeting notes' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+S');
    const notes = await until('notes saved', () => {
      const s = fs.readFileSync(path.join(WS, NOTES), 'utf8');
      return s.includes('Participants') && s;
    });
    assert.match(notes, /\*\*Participants:\*\* Alice \(.+\), Speaker 2 \(/);
    assert.match(notes, /^\*\*Alice\*\* \[\d+:\d\d\]\(<[^>]+>\): /m);
    assert.match(notes, /^\*\*Speaker 2\*\* \[\d+:\d\d\]\(<[^>]+>\): /m);
    const links = [...notes.matchAll(/\*\*Speaker 2\*\* \[(\d+:\d\d)\]\(<([^>]+)>\)/g)];
    const link = new URL(links[0][2]);
    assert.equal(link.pathname, '/open');
    assert.equal(link.searchParams.get('file'), path.join(WS, AUDIO));
    const t = Number(link.searchParams.get('t'));
    assert.ok(t > 1, `Speaker 2 starts after the first turn (${t} s)`);

    // Opened as the editor opens such a link (its URL service): the transcript plays from there.
    await wb.explorerRow(page, NOTES).click();
    await wb.runCommand(page, 'Developer: Open URL');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(links[0][2]);
    await page.keyboard.press('Enter');
    // The editor asks before an extension opens a URI it did not start.
    const open = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$/ });
    try {
      await open.waitFor({ timeout: 10_000 });
      await open.click();
    } catch {
      // not asked: nothing to confirm
    }
    const shown = await wb.transcriptFrame(page, AUDIO);
    await until(
      'the view at the link moment',
      async () => (await shown.locator('#audio').evaluate((a) => a.currentTime)) >= t - 0.5,
      30_000,
    );
    await wb.shot(page, 'speakers-link-opened');
  });

  it('sets the number of speakers from the view: the diarization alone runs again, the view changes in place', async () => {
    const frame = await wb.transcriptFrame(page, AUDIO);
    const chips = () => frame.locator('#speakers .chip-speaker');
    const pick = async (label) => {
      await frame.locator('#speakers .speaker-count').click();
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^${label}\\b`) }).first();
      await row.waitFor({ timeout: 10_000 });
      await row.click();
    };
    assert.equal(await frame.locator('#speakers .speaker-count').innerText(), 'Speakers: 2 ▾');
    // The window's daemon logs to the extension's log: the recognition is reused, the analysis re-clustered.
    const reclustered = () =>
      (wb.extensionLog().match(/again on its cached recognition \(kept analysis re-clustered\)/g) ?? []).length;
    const before = reclustered();
    await pick('1');
    await until('one speaker', async () => (await chips().count()) === 1, 60_000);
    assert.equal(await frame.locator('#speaker-lanes .lane').count(), 1);
    assert.equal(await frame.locator('#speakers .speaker-count').innerText(), 'Speakers: 1 ▾');
    await until('the daemon log of the re-clustering', () => reclustered() > before, 10_000);
    await wb.shot(page, 'speakers-count-one');
    await pick('2');
    await until('two speakers again', async () => (await chips().count()) === 2, 60_000);
    assert.deepEqual(await frame.locator('#speaker-lanes .lane-label').allInnerTexts(), ['Alice', 'Speaker 2']);
  });

  it("remembers Alice's voice, names her in another recording, and Not This Person takes it back", async () => {
    // From the palette (a speaker chip's context menu runs the same command): the transcript of AUDIO.
    await wb.transcriptFrame(page, AUDIO);
    await wb.runCommand(page, 'SenseVoice: Remember This Voice');
    // Profiles are off in this workspace: turning them on is asked first.
    const remember = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Remember Voices$/ });
    await remember.waitFor({ timeout: 10_000 });
    await remember.click();
    await wb.pickQuickPick(page, 'Alice');
    const saved = await until(
      'the profiles file',
      () => fs.existsSync(PROFILES) && JSON.parse(fs.readFileSync(PROFILES, 'utf8')),
    );
    assert.deepEqual(
      saved.profiles.map((p) => [p.name, p.samples, p.embedding.length]),
      [['Alice', 1, 256]],
    );

    await wb.chooseFromContextMenu(page, OTHER_ORDER, /SenseVoice: Transcribe/);
    const frame = await wb.transcriptFrame(page, OTHER_ORDER);
    const chip = (id) => frame.locator(`#speakers .chip-speaker[data-speaker="${id}"] .speaker-name`);
    await until('speaker chips', async () => (await frame.locator('#speakers .chip-speaker').count()) === 2, 120_000);
    await until('Alice recognised as S2', async () => (await chip('S2').innerText()) === 'Alice', 10_000);
    assert.equal(await chip('S1').innerText(), 'Speaker 1');
    const context = JSON.parse(
      await frame.locator('#speakers .chip-speaker[data-speaker="S2"]').getAttribute('data-vscode-context'),
    );
    assert.equal(context.speakerRecognised, true);
    await wb.shot(page, 'speakers-recognised');

    await wb.runCommand(page, 'SenseVoice: Not This Person');
    await wb.pickQuickPick(page, 'Alice');
    await until('the name taken off', async () => (await chip('S2').innerText()) === 'Speaker 2');
    const corrected = await until('the negative saved', () => {
      const f = JSON.parse(fs.readFileSync(PROFILES, 'utf8'));
      return f.profiles[0].negatives?.length === 1 && f;
    });
    assert.equal(corrected.profiles[0].name, 'Alice');
  });
});
