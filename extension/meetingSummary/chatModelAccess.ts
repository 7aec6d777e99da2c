// The chat model "Summarize Meeting" uses, and the user's one-time consent to send it a transcript:
// models come from the editor (vscode.lm.selectChatModels); with several the user picks one, which
// is remembered; before a model first gets a transcript a modal says which model, whose, and exactly
// what it gets. Both live in globalState; "Forget Summary Model and Consent" clears them.
import * as vscode from 'vscode';
import { consentQuestion, modelLabel, NO_LM_API, NO_MODEL } from './summaryMessages';

const CHOSEN_MODEL = 'sensevoice.summary.model';
const CONSENTED = 'sensevoice.summary.consentedModels';

/** A model's key in globalState: the vendor's and the model's ids. */
function modelKey(m: vscode.LanguageModelChat): string {
  return `${m.vendor}/${m.id}`;
}

/** True when this editor has the language model API at all (VS Code 1.90+, not every fork). */
export function hasLanguageModelApi(): boolean {
  return typeof (vscode as { lm?: { selectChatModels?: unknown } }).lm?.selectChatModels === 'function';
}

/** Says there is no model and offers the extensions view; resolves when the message is dealt with. */
async function explainNoModel(): Promise<void> {
  const choice = await vscode.window.showWarningMessage(NO_MODEL, 'Find Extensions');
  if (choice === 'Find Extensions')
    await vscode.commands.executeCommand('workbench.extensions.search', '@category:"AI" language model');
}

/** The model to use: the remembered one, the only one, or the user's pick; undefined when none (the user was told why). */
export async function chooseChatModel(state: vscode.Memento): Promise<vscode.LanguageModelChat | undefined> {
  if (!hasLanguageModelApi()) {
    void vscode.window.showWarningMessage(NO_LM_API);
    return undefined;
  }
  const models = await vscode.lm.selectChatModels({});
  if (models.length === 0) {
    await explainNoModel();
    return undefined;
  }
  const remembered = state.get<string>(CHOSEN_MODEL);
  const known = models.find((m) => modelKey(m) === remembered);
  if (known) return known;
  if (models.length === 1) return models[0];
  const pick = await vscode.window.showQuickPick(
    models.map((m) => ({
      label: m.name || m.family,
      description: m.vendor,
      detail: `${m.family} ${m.version} · up to ${m.maxInputTokens.toLocaleString('en-US')} input tokens`,
      model: m,
    })),
    {
      title: 'Summarize Meeting: which language model?',
      placeHolder: 'Only the transcript text goes to the model you pick (it is remembered)',
      matchOnDescription: true,
    },
  );
  if (!pick) return undefined;
  await state.update(CHOSEN_MODEL, modelKey(pick.model));
  return pick.model;
}

/** True once the user agreed to send transcripts to this model (asked now, in a modal, the first time). */
export async function consentTo(model: vscode.LanguageModelChat, state: vscode.Memento): Promise<boolean> {
  const agreed = state.get<string[]>(CONSENTED, []);
  if (agreed.includes(modelKey(model))) return true;
  const { message, detail } = consentQuestion(modelLabel(model));
  const send = 'Send and Summarize';
  const answer = await vscode.window.showInformationMessage(message, { modal: true, detail }, send);
  if (answer !== send) return false;
  await state.update(CONSENTED, [...agreed, modelKey(model)]);
  return true;
}

/** Forgets the chosen model only (it is gone: the next summary lets the user pick again). */
export async function forgetChosenModel(state: vscode.Memento): Promise<void> {
  await state.update(CHOSEN_MODEL, undefined);
}

/** Forgets the chosen model and every consent: the next Summarize Meeting asks again. */
export async function forgetModelAndConsent(state: vscode.Memento): Promise<void> {
  const had = state.get<string[]>(CONSENTED, []).length > 0 || state.get<string>(CHOSEN_MODEL) !== undefined;
  await state.update(CHOSEN_MODEL, undefined);
  await state.update(CONSENTED, undefined);
  void vscode.window.showInformationMessage(
    had
      ? 'SenseVoice: the summary model and your consent are forgotten. Summarize Meeting will ask again before it sends a transcript.'
      : 'SenseVoice: no summary model or consent was stored.',
  );
}
