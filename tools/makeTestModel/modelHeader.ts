// What every generated model says about itself besides its graph: tiny (makeTestModel.ts) and full
// (fullModel.ts) models share the producer, so a file's producer tells which tool wrote it.
import type { ModelHeader } from '../../common/onnx/graphBuilder';

export function modelHeader(metadata: ReadonlyArray<readonly [string, string]>, docString: string): ModelHeader {
  return { producerName: 'sensevoice-make-test-model', producerVersion: '1', docString, metadata };
}
