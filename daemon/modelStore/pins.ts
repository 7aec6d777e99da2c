// The published sizes and sha256 of every file the named sources serve. A download is used only
// when its bytes match; nothing else in the daemon carries these numbers.
//
// Provenance: the int8 model, the ModelScope int8 model and the int8 archive are the pins of
// ../shared/REFERENCE.md ("The model"). tokens.txt, am.mvn and the SentencePiece model are the real
// release files kept in ../shared/models/sensevoice-small-assets (a unit test checks both against
// those sources). The fp32 model.onnx pin is the figure published for the Hugging Face file by
// several independent projects (size 937,617,178 bytes, the LFS oid as sha256).

/** A file's published identity. */
export interface FilePin {
  /** The file name as the source serves it. */
  name: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

export const PINS = {
  /** sherpa-onnx export, int8 (Hugging Face per-file, GitHub int8 archive). */
  sherpaInt8: { name: 'model.int8.onnx', size: 239_233_841, sha256: 'c71f0ce00bec95b07744e116345e33d8cbbe08cef896382cf907bf4b51a2cd51' },
  /** sherpa-onnx export, fp32. */
  sherpaFp32: { name: 'model.onnx', size: 937_617_178, sha256: '977016bd9c79f9eb343430b5cc305e07ab64d5212dff41b0dcfa1694bee9a8cb' },
  /** sherpa-onnx token table (both variants). */
  sherpaTokens: { name: 'tokens.txt', size: 315_894, sha256: 'f449eb28dc567533d7fa59be34e2abca8784f771850c78a47fb731a31429a1dc' },
  /** The GitHub release archive holding model.int8.onnx and tokens.txt. */
  sherpaInt8Archive: {
    name: 'sherpa-onnx-sense-voice-zh-en-ja-ko-yue-int8-2024-07-17.tar.bz2',
    size: 163_002_883,
    sha256: '7d1efa2138a65b0b488df37f8b89e3d91a60676e416f515b952358d83dfd347e',
  },
  /** FunASR export on ModelScope (iic/SenseVoiceSmall-onnx), int8. */
  funasrInt8: { name: 'model_quant.onnx', size: 241_216_270, sha256: '21dc965f689a78d1604717bf561e40d5a236087c85a95584567835750549e822' },
  /** FunASR CMVN statistics. */
  funasrCmvn: { name: 'am.mvn', size: 11_203, sha256: '29b3c740a2c0cfc6b308126d31d7f265fa2be74f3bb095cd2f143ea970896ae5' },
  /** FunASR SentencePiece model (the token table). */
  funasrBpe: { name: 'chn_jpn_yue_eng_ko_spectok.bpe.model', size: 377_341, sha256: 'aa87f86064c3730d799ddf7af3c04659151102cba548bce325cf06ba4da4e6a8' },
} as const satisfies Record<string, FilePin>;

/** Every pin, for recognising a published file fetched from a URL the user gave (a mirror). */
export const ALL_PINS: readonly FilePin[] = Object.values(PINS);
