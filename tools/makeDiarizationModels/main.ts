// `npm run make-diarization-models [-- --out DIR] [--seed N]`: writes the synthetic diarization models
// and prints where.
import { makeDiarizationModels } from './makeDiarizationModels';

const args = process.argv.slice(2);
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = value('--out');
const seed = value('--seed');
const models = makeDiarizationModels({
  ...(out !== undefined ? { outDir: out } : {}),
  ...(seed !== undefined ? { embeddingSeed: Number(seed) } : {}),
});
console.log(
  `segmentation: ${models.segmentation}\nembedding:    ${models.embedding}\nwespeaker:    ${models.wespeaker}`,
);
