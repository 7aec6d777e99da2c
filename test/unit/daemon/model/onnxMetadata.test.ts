import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { onnx } from 'onnx-proto';
import { OnnxFormatError, readOnnxModelInfo } from '../../../../daemon/model/onnxMetadata';
import {
  encodeModel,
  oneHotSherpaModel,
  senseVoiceIo,
  sherpaMetadata,
  writeModel,
  writeSparseModel,
} from '../../../fixtures/onnxModels';
import { ASSETS } from '../../../helpers/paths';

let tmp: string;
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sv-onnxmeta-'));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  const p = path.join(tmp, name);
  await fs.writeFile(p, bytes);
  return p;
}

/** A small deterministic PRNG, so the garbage-input cases are the same every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('readOnnxModelInfo', () => {
  test('reads metadata, producer, opset and graph interface', async () => {
    const p = path.join(tmp, 'small.onnx');
    await writeModel(p, oneHotSherpaModel([24885, 25004, 24993, 25017, 3]));
    const info = await readOnnxModelInfo(p);
    assert.equal(info.irVersion, 8);
    assert.equal(info.producerName, 'sensevoice-tests');
    assert.equal(info.producerVersion, '1');
    assert.equal(info.opset, 13);
    assert.deepEqual(info.opsetImports, [{ domain: '', version: 13 }]);
    assert.deepEqual(info.metadata, sherpaMetadata());
    assert.deepEqual(info.inputs, [
      { name: 'x', elemType: 'float32', shape: ['N', 'T', 560] },
      { name: 'x_length', elemType: 'int32', shape: ['N'] },
      { name: 'language', elemType: 'int32', shape: ['N'] },
      { name: 'text_norm', elemType: 'int32', shape: ['N'] },
    ]);
    assert.deepEqual(info.outputs, [{ name: 'logits', elemType: 'float32', shape: ['N', 'T', 25055] }]);
    assert.equal(info.fileSize, (await fs.stat(p)).size);
  });

  test('agrees with a full protobuf decode of the same file', async () => {
    const p = path.join(tmp, 'funasr.onnx');
    const spec = { ...senseVoiceIo('funasr'), metadata: { a: '1', 'key with spaces': 'välue ✓' } };
    await writeModel(p, spec);
    const decoded = onnx.ModelProto.decode(await fs.readFile(p));
    const info = await readOnnxModelInfo(p);
    assert.deepEqual(
      info.inputs.map((i) => i.name),
      (decoded.graph?.input ?? []).map((i) => i.name),
    );
    assert.deepEqual(
      info.outputs.map((o) => o.name),
      (decoded.graph?.output ?? []).map((o) => o.name),
    );
    assert.deepEqual(info.metadata, Object.fromEntries(decoded.metadataProps.map((m) => [m.key, m.value])));
    assert.deepEqual(info.outputs[1], { name: 'encoder_out_lens', elemType: 'int32', shape: ['batch_size'] });
  });

  test('keeps negative and unknown dimensions and non-tensor types', async () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 7,
      graph: {
        input: [
          { name: 'a', type: { tensorType: { elemType: 7, shape: { dim: [{ dimValue: -1 }, {}, { dimValue: 3 }] } } } },
          { name: 'b', type: { tensorType: { elemType: 10 } } },
          { name: 'c', type: { sequenceType: { elemType: { tensorType: { elemType: 1 } } } } },
        ],
      },
    }).finish();
    const info = await readOnnxModelInfo(await file('dims.onnx', bytes));
    assert.deepEqual(info.inputs, [
      { name: 'a', elemType: 'int64', shape: [-1, null, 3] },
      { name: 'b', elemType: 'float16', shape: null },
      { name: 'c', elemType: 'sequence', shape: null },
    ]);
    assert.equal(info.opset, null);
    assert.deepEqual(info.metadata, {});
  });

  test('a zero-byte file is reported as empty', async () => {
    const p = await file('empty.onnx', '');
    await assert.rejects(readOnnxModelInfo(p), (err: Error) => {
      assert.ok(err instanceof OnnxFormatError);
      assert.match(err.message, /is empty \(0 bytes\); expected an ONNX model/);
      return true;
    });
  });

  test('a text file is not an ONNX model, and says it looks like text', async () => {
    const p = await file('text.onnx', await fs.readFile(path.join(ASSETS, 'tokens.txt')));
    await assert.rejects(readOnnxModelInfo(p), (err: Error) => {
      assert.ok(err instanceof OnnxFormatError, String(err));
      assert.match(err.message, /is not an ONNX model: expected a protobuf ModelProto with a graph/);
      assert.match(err.message, /looks like a text file/);
      return true;
    });
  });

  test('an HTML error page saved as model.onnx is not an ONNX model', async () => {
    const p = await file('html.onnx', '<!DOCTYPE html><html><body>404 Not Found</body></html>\n');
    await assert.rejects(readOnnxModelInfo(p), /is not an ONNX model.*looks like a text file/s);
  });

  test('a Git LFS pointer is recognised as such', async () => {
    const pointer =
      'version https://git-lfs.github.com/spec/v1\noid sha256:c71f0ce00bec95b07744e116345e33d8cbbe08cef896382cf907bf4b51a2cd51\nsize 239233841\n';
    const p = await file('lfs.onnx', pointer);
    await assert.rejects(readOnnxModelInfo(p), /Git LFS pointer.*git lfs pull/s);
  });

  test('another protobuf file (a SentencePiece model) is not an ONNX model', async () => {
    const bpe = await fs.readFile(path.join(ASSETS, 'chn_jpn_yue_eng_ko_spectok.bpe.model'));
    const p = await file('bpe.onnx', bpe);
    await assert.rejects(
      readOnnxModelInfo(p),
      (err: Error) => err instanceof OnnxFormatError && /not an ONNX model/.test(err.message),
    );
  });

  test('random bytes always end in OnnxFormatError', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = random(seed);
      const bytes = Buffer.alloc(1 + Math.floor(rnd() * 4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
      const p = await file('random.onnx', bytes);
      await assert.rejects(readOnnxModelInfo(p), OnnxFormatError, `seed ${seed}`);
    }
  });

  test('every truncation either fails with OnnxFormatError or reads a prefix of the fields', async () => {
    const full = encodeModel({ ...senseVoiceIo('sherpa'), metadata: { vocab_size: '25055', lfr_window_size: '7' } });
    let truncatedErrors = 0;
    for (let len = 1; len < full.length; len++) {
      const p = await file('cut.onnx', full.subarray(0, len));
      try {
        const info = await readOnnxModelInfo(p);
        // Cut exactly between top-level fields: a shorter but valid message. Whatever it read is right.
        assert.ok(info.inputs.length === 4 && info.outputs.length === 1, `len ${len}`);
        assert.ok(Object.keys(info.metadata).length < 2, `len ${len}`);
      } catch (err) {
        assert.ok(err instanceof OnnxFormatError, `len ${len}: ${String(err)}`);
        if (/is truncated/.test((err as Error).message)) truncatedErrors++;
      }
    }
    assert.ok(truncatedErrors > full.length / 2, `${truncatedErrors} of ${full.length} cuts reported as truncated`);
  });

  test('a missing file fails with the file system error', async () => {
    await assert.rejects(readOnnxModelInfo(path.join(tmp, 'nope.onnx')), { code: 'ENOENT' });
  });

  describe('a large model', () => {
    const io = senseVoiceIo('sherpa');
    // ~940 MB like the fp32 model: 3,000 nodes, then 400 initializers of ~2.3 MB (holes in a sparse file).
    const spec = {
      ...io,
      metadata: sherpaMetadata(),
      nodes: 3000,
      initializers: Array.from({ length: 400 }, (_, i) => ({ name: `w${i}`, bytes: 2_350_000 + i })),
    };
    let big: string;
    let bigSize: number;
    before(async () => {
      big = path.join(tmp, 'big.onnx');
      bigSize = await writeSparseModel(big, spec);
    });

    test('is read touching a small part of the file (few reads, under 512 KiB of 900 MB)', async () => {
      const info = await readOnnxModelInfo(big);
      assert.equal(info.fileSize, bigSize);
      assert.ok(bigSize > 900e6);
      assert.deepEqual(info.metadata, sherpaMetadata());
      assert.deepEqual(
        info.inputs.map((i) => i.name),
        ['x', 'x_length', 'language', 'text_norm'],
      );
      assert.deepEqual(info.outputs[0], { name: 'logits', elemType: 'float32', shape: ['N', 'T', 25055] });
      assert.equal(info.opset, 13);
      // The nodes are read (they are small and sit together); each initializer costs one small read.
      assert.ok(info.bytesRead < 512 * 1024, `read ${info.bytesRead} bytes`);
      assert.ok(info.reads < 600, `${info.reads} reads`);
    });

    test('cut short (an interrupted download) is reported as truncated', async () => {
      const cut = path.join(tmp, 'big-cut.onnx');
      await writeSparseModel(cut, spec);
      await fs.truncate(cut, Math.floor(bigSize / 2));
      await assert.rejects(readOnnxModelInfo(cut), (err: Error) => {
        assert.ok(err instanceof OnnxFormatError);
        assert.match(err.message, /is truncated: field 7 \(graph\) of the model at byte \d+ declares [\d,]+ bytes/);
        assert.match(err.message, /interrupted download/);
        return true;
      });
    });

    test('matches a full decode when the weights are small', async () => {
      const small = path.join(tmp, 'sparse-small.onnx');
      await writeSparseModel(small, {
        ...io,
        metadata: { k: 'v' },
        nodes: 5,
        initializers: [
          { name: 'a', bytes: 300 },
          { name: 'b', bytes: 70000 },
        ],
      });
      const decoded = onnx.ModelProto.decode(await fs.readFile(small));
      assert.equal(decoded.graph?.node?.length, 5);
      assert.deepEqual(
        (decoded.graph?.initializer ?? []).map((t) => [t.name, t.rawData?.length]),
        [
          ['a', 300],
          ['b', 70000],
        ],
      );
      const info = await readOnnxModelInfo(small);
      assert.deepEqual(
        info.inputs.map((i) => i.name),
        (decoded.graph?.input ?? []).map((i) => i.name),
      );
      assert.deepEqual(info.metadata, { k: 'v' });
    });

    test('two files read at once do not mix', async () => {
      const other = path.join(tmp, 'other.onnx');
      await writeModel(other, { ...senseVoiceIo('funasr'), metadata: { who: 'other' } });
      const [a, b] = await Promise.all([readOnnxModelInfo(big), readOnnxModelInfo(other)]);
      assert.equal(a.inputs[0]!.name, 'x');
      assert.equal(b.inputs[0]!.name, 'speech');
      assert.deepEqual(b.metadata, { who: 'other' });
    });
  });
});
