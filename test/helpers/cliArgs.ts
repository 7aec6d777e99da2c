// The cli arguments the tests give `sensevoice transcribe` for a private daemon on a synthetic model,
// with or without speakers: one list, so that every cli test transcribes the same way.

/** The model, on the CPU with one thread, in a private daemon (`--stdio`). */
export function cliModelArgs(modelPath: string): string[] {
  return ['--model', modelPath, '--provider', 'cpu', '--threads', '1', '--stdio'];
}

/** Speakers from these diarization models, `speakers` of them (0: automatic). */
export function cliDiarizeArgs(segmentationModel: string, embeddingModel: string, speakers: number): string[] {
  return [
    '--diarize',
    '--segmentation-model',
    segmentationModel,
    '--embedding-model',
    embeddingModel,
    '--speakers',
    String(speakers),
  ];
}
