// Synthetic models for tests, generated on demand into .cache/test-models (never committed).
import { makeTestModel, type TestModel } from '../../tools/makeTestModel/makeTestModel';

const made = new Map<string, TestModel>();

export function testModel(layout: 'sherpa' | 'funasr', options: { int8?: boolean; seed?: number } = {}): TestModel {
  const key = JSON.stringify([layout, options]);
  let m = made.get(key);
  if (!m) {
    m = makeTestModel({
      layout,
      profile: 'tiny',
      int8: options.int8 ?? false,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    made.set(key, m);
  }
  return m;
}
