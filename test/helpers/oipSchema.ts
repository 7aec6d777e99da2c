// The Open Inference Protocol's (KServe v2) REST JSON shapes as JSON-schema-style declarations, with a
// small validator, for the conformance tests: every request the daemon's client builds and every
// response it parses must fit. Written from the published protocol document ("Inference Request JSON
// Object", "Inference Response JSON Object", "Model Metadata Response JSON Object") and Triton's
// binary tensor data extension (a tensor with parameters.binary_data_size has no `data`; a requested
// output may ask for parameters.binary_data). Test code only.

type Schema =
  | { type: 'string'; enum?: readonly string[] }
  | { type: 'integer'; minimum?: number }
  | { type: 'boolean' }
  | { type: 'array'; items: Schema; minItems?: number }
  | { type: 'object'; required: readonly string[]; properties: Record<string, Schema>; additionalProperties?: boolean }
  | { type: 'any' };

/** The protocol's tensor datatypes. */
export const DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
  'BF16',
] as const;

const parameters: Schema = {
  type: 'object',
  required: [],
  properties: {
    binary_data_size: { type: 'integer', minimum: 0 },
    binary_data: { type: 'boolean' },
  },
  additionalProperties: true,
};
const shape: Schema = { type: 'array', items: { type: 'integer', minimum: 0 } };
const data: Schema = { type: 'any' };

const tensor = (required: string[]): Schema => ({
  type: 'object',
  required,
  properties: { name: { type: 'string' }, shape, datatype: { type: 'string', enum: DATATYPES }, parameters, data },
  additionalProperties: false,
});

export const INFER_REQUEST: Schema = {
  type: 'object',
  required: ['inputs'],
  properties: {
    id: { type: 'string' },
    parameters,
    inputs: { type: 'array', items: tensor(['name', 'shape', 'datatype']), minItems: 1 },
    outputs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' }, parameters },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

export const INFER_RESPONSE: Schema = {
  type: 'object',
  required: ['model_name', 'outputs'],
  properties: {
    model_name: { type: 'string' },
    model_version: { type: 'string' },
    id: { type: 'string' },
    parameters,
    outputs: { type: 'array', items: tensor(['name', 'shape', 'datatype']) },
  },
  additionalProperties: false,
};

export const MODEL_METADATA: Schema = {
  type: 'object',
  required: ['name', 'platform', 'inputs', 'outputs'],
  properties: {
    name: { type: 'string' },
    versions: { type: 'array', items: { type: 'string' } },
    platform: { type: 'string' },
    inputs: { type: 'array', items: metadataTensor() },
    outputs: { type: 'array', items: metadataTensor() },
  },
  additionalProperties: false,
};

function metadataTensor(): Schema {
  return {
    type: 'object',
    required: ['name', 'datatype', 'shape'],
    properties: {
      name: { type: 'string' },
      datatype: { type: 'string', enum: DATATYPES },
      // -1 marks a dynamic dimension in metadata.
      shape: { type: 'array', items: { type: 'integer', minimum: -1 } },
    },
    additionalProperties: false,
  };
}

/** Problems with `value` against `schema`, as "path: why" lines; empty when it fits. */
export function validate(value: unknown, schema: Schema, at = '$'): string[] {
  switch (schema.type) {
    case 'any':
      return [];
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      return schema.enum && !schema.enum.includes(value)
        ? [`${at}: ${value} is not one of ${schema.enum.join(', ')}`]
        : [];
    case 'integer':
      if (!Number.isInteger(value)) return [`${at}: not an integer`];
      return schema.minimum !== undefined && (value as number) < schema.minimum
        ? [`${at}: below ${schema.minimum}`]
        : [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: not an array`];
      const out = value.length < (schema.minItems ?? 0) ? [`${at}: fewer than ${schema.minItems} items`] : [];
      return out.concat(value.flatMap((v, i) => validate(v, schema.items, `${at}[${i}]`)));
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
      const o = value as Record<string, unknown>;
      const out = schema.required.filter((k) => !(k in o)).map((k) => `${at}.${k}: missing`);
      for (const [k, v] of Object.entries(o)) {
        const s = schema.properties[k];
        if (s) out.push(...validate(v, s, `${at}.${k}`));
        else if (schema.additionalProperties === false) out.push(`${at}.${k}: not in the protocol`);
      }
      return out;
    }
  }
}

/** A tensor carries its values one way: `data`, or binary_data_size (then no `data`). */
function tensorDataRule(list: unknown, at: string, needData: boolean): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((t: { data?: unknown; parameters?: { binary_data_size?: unknown } }, i) => {
    const binary = t.parameters?.binary_data_size !== undefined;
    if (binary && t.data !== undefined) return [`${at}[${i}]: both data and binary_data_size`];
    if (needData && !binary && !Array.isArray(t.data)) return [`${at}[${i}]: neither data nor binary_data_size`];
    return [];
  });
}

export function validateInferRequest(json: unknown): string[] {
  return [
    ...validate(json, INFER_REQUEST),
    ...tensorDataRule((json as { inputs?: unknown })?.inputs, '$.inputs', true),
  ];
}

export function validateInferResponse(json: unknown): string[] {
  return [
    ...validate(json, INFER_RESPONSE),
    ...tensorDataRule((json as { outputs?: unknown })?.outputs, '$.outputs', true),
  ];
}

export function validateModelMetadata(json: unknown): string[] {
  return validate(json, MODEL_METADATA);
}
