// CLI: npm run make-test-model -- --out DIR [--profile tiny] --layout sherpa|funasr [--seed N] [--int8]
// Writes a synthetic SenseVoice-layout model folder (see README.md here). Exit codes: 0 written or
// already up to date, 2 usage error, 1 anything else.
import { parseArgs as parseArgv } from 'node:util';
import { LAYOUT_NAMES } from './layouts';
import { DEFAULT_SEED, makeTestModel, type MakeTestModelOptions } from './makeTestModel';
import { PROFILE_NAMES } from './profiles';
import { UsageError } from './usageError';

export const USAGE = `usage: npm run make-test-model -- --out DIR --layout ${LAYOUT_NAMES.join('|')} [--profile ${PROFILE_NAMES.join('|')}] [--seed N] [--int8] [--assets DIR]

  --out DIR       folder to write (created if missing); files already identical are left untouched
  --layout L      sherpa: model.onnx (+ model.int8.onnx), tokens.txt, sherpa-onnx metadata
                  funasr: model.onnx (+ model_quant.onnx), am.mvn, config.yaml, the BPE model
  --profile P     model size: ${PROFILE_NAMES.join(', ')} (default tiny); full is SenseVoiceSmall's real shapes
                  (~234 M parameters, ~940 MB fp32, ~240 MB int8), streamed to disk in about a minute
  --seed N        weights seed, 0..4294967295 (default ${DEFAULT_SEED}); same seed, same weights in both layouts
  --int8          also write the dynamically quantised int8 variant
  --assets DIR    where tokens.txt, am.mvn, config.yaml, the BPE model come from
                  (default test/fixtures/sensevoice-small-assets)`;

const OPTIONS = {
  out: { type: 'string' },
  layout: { type: 'string' },
  profile: { type: 'string' },
  seed: { type: 'string' },
  assets: { type: 'string' },
  int8: { type: 'boolean' },
} as const;

/** Parses argv (without node and the script) into options; throws UsageError on anything odd. */
export function parseArgs(argv: readonly string[]): MakeTestModelOptions & { outDir: string } {
  let parsed;
  try {
    parsed = parseArgv({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    // node:util's own messages name the argument: "Unknown option '--frob'", "Option '--out <value>' argument missing".
    if (String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_'))
      throw new UsageError((err as Error).message);
    throw err;
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw new UsageError(`${t.rawName} given twice`);
    seen.add(t.name);
    if (t.value === '') throw new UsageError(`${t.rawName} needs a value`);
  }
  const { int8 = false, ...values } = parsed.values;
  const outDir = values.out;
  if (!outDir) throw new UsageError('--out DIR is required');
  const layout = values.layout;
  if (!layout) throw new UsageError(`--layout is required (${LAYOUT_NAMES.join(' or ')})`);
  if (!(LAYOUT_NAMES as readonly string[]).includes(layout)) {
    throw new UsageError(`unknown layout '${layout}'; use one of: ${LAYOUT_NAMES.join(', ')}`);
  }
  const seedText = values.seed;
  const seed = seedText === undefined ? undefined : /^\d+$/.test(seedText) ? Number(seedText) : NaN;
  if (seed !== undefined && !(seed <= 0xffffffff))
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got '${seedText}'`);
  return {
    outDir,
    layout: layout as MakeTestModelOptions['layout'],
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(values.assets !== undefined ? { assetsDir: values.assets } : {}),
    int8,
  };
}

function main(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  try {
    const started = Date.now();
    const result = makeTestModel(parseArgs(argv));
    const ms = Date.now() - started;
    console.log(
      `${result.layout} layout, profile ${result.profile}, seed ${result.seed}: ${result.dir} (${result.written.length ? `wrote ${result.written.length} file(s)` : 'already up to date'}, ${ms} ms)`,
    );
    for (const file of result.files) console.log(`  ${file}`);
    if (result.full) {
      const f = result.full;
      const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
      console.log(
        `  ${(f.parameters / 1e6).toFixed(1)} M parameters; model ${mb(f.fp32Bytes)} in ${f.fp32Ms} ms${f.int8Bytes !== undefined ? `, int8 ${mb(f.int8Bytes)} in ${f.int8Ms} ms` : ''}; peak RSS ${mb(f.peakRssBytes)} (of the run that wrote them)`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`make-test-model: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`make-test-model: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
