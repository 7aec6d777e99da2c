// The SenseVoice front end: what the rest of the daemon imports. Pure TypeScript over Float32Array
// (no vscode, no onnxruntime), bit-identical to sherpa-onnx 1.13.8's features on Linux x64.

export { applyCmvn, parseAmMvn, type Cmvn } from './cmvn';
export {
  computeFbank,
  createFbankComputer,
  numFbankFrames,
  SENSE_VOICE_FBANK_OPTIONS,
  type FbankComputer,
  type FbankOptions,
} from './fbank';
export { emptyFeatureMatrix, FLOAT32_EPSILON, type FeatureMatrix } from './featureMatrix';
export { computeFeatures, createFrontEnd, type FrontEnd, type FrontEndOptions } from './frontEnd';
export {
  applyLowFrameRate,
  numLowFrameRateFrames,
  SENSE_VOICE_LFR_OPTIONS,
  type LowFrameRateOptions,
} from './lowFrameRate';
export { kaldiMelBanks, melScale, type MelBanks, type MelBanksOptions } from './melBanks';
