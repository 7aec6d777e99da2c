// What the user reads when "Summarize Meeting" cannot go on: no language model API, no model, and
// each error code of the editor's language model API (vscode.LanguageModelError), each saying what
// to do next. Pure (codes and names in, text out), so every branch is unit-tested.

/** Where models come from, named in the messages. */
const GET_A_MODEL =
  'Install and sign in to an extension that provides language models to the editor (for example GitHub Copilot Chat), then run Summarize Meeting again.';

/** The editor has no `vscode.lm` (an editor older than VS Code 1.90, or a fork without it). */
export const NO_LM_API =
  'SenseVoice: Summarize Meeting needs an editor with the language model API (vscode.lm, VS Code 1.99 or later), and this one has none. The meeting notes themselves work without it.';

/** The editor has the API but no extension offers a chat model. */
export const NO_MODEL = `SenseVoice: Summarize Meeting needs a language model, and none is available in this editor. ${GET_A_MODEL}`;

/** The transcript has no words. */
export const NOTHING_SAID = 'SenseVoice: this transcript has no speech to summarize.';

/** The message for an error of the language model API, by its code ('NoPermissions', 'Blocked', 'NotFound', …). */
export function languageModelErrorMessage(code: string | undefined, modelLabel: string, detail: string): string {
  const more = detail ? ` (${detail})` : '';
  switch (code) {
    case 'NoPermissions':
      return `SenseVoice: the editor did not allow SenseVoice to use ${modelLabel}${more}. Allow it when the editor asks (or in the Accounts menu: Manage Language Model Access), or pick another model with "SenseVoice: Forget Summary Model and Consent", then summarize again.`;
    case 'Blocked':
      return `SenseVoice: ${modelLabel} refused the request${more}: its provider may limit how often or how much you can ask. Wait a while and summarize again, or pick another model with "SenseVoice: Forget Summary Model and Consent".`;
    case 'NotFound':
      return `SenseVoice: ${modelLabel} is not available any more${more}: its extension may be disabled, uninstalled or signed out. Run Summarize Meeting again to pick another model. ${GET_A_MODEL}`;
    default:
      return `SenseVoice: ${modelLabel} could not summarize the meeting${more}. Try again, or pick another model with "SenseVoice: Forget Summary Model and Consent"; the SenseVoice log has the details.`;
  }
}

/** The consent question's text: the model by name and vendor, and exactly what is sent. */
export function consentQuestion(modelLabel: string): { message: string; detail: string } {
  return {
    message: `Send this meeting's transcript to ${modelLabel}?`,
    detail: [
      `To summarize the meeting, SenseVoice sends the transcript's text to the language model ${modelLabel}: what was said, with the speakers' names and the times ("[12:03] Alice: …").`,
      'Nothing else is sent: not the audio, not the file name or its folder, not the rest of the document.',
      "The model's provider handles it under its own terms; it may run on a remote service.",
      'SenseVoice asks once for each model. "SenseVoice: Forget Summary Model and Consent" takes the answer back.',
    ].join('\n\n'),
  };
}

/** How a model is named to the user: its name and the vendor that provides it. */
export function modelLabel(model: { name: string; vendor: string; family?: string }): string {
  const name = model.name.trim() || model.family?.trim() || 'the language model';
  return `${name} (${model.vendor})`;
}
