// Reads a Triton config.pbtxt (protobuf text format) into the JSON form Triton's model-configuration
// extension answers (GET v2/models/{name}/config: ModelConfig with proto field names, map fields such
// as `parameters` and `input_map` as objects). Test code only: the loopback double serves what
// export-server-model wrote through it, so the daemon's check reads exactly what the export wrote, and
// a config that does not parse fails the tests. Covers the text format the exporter writes (messages,
// lists, repeated fields, strings, numbers, enum names, # comments), not all of protobuf's.

/** Fields that are protobuf maps: written as repeated {key, value} entries, answered as objects. */
const MAP_FIELDS = new Set(['parameters', 'input_map', 'output_map']);

type Value = string | number | boolean | Value[] | { [k: string]: Value };

export function parsePbtxt(text: string): Record<string, Value> {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('config.pbtxt ends early');
    return t;
  };
  const expect = (t: string) => {
    const got = next();
    if (got !== t) throw new Error(`config.pbtxt: expected ${t}, got ${got}`);
  };

  function scalar(): Value {
    const t = next();
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) return t; // an enum value
    throw new Error(`config.pbtxt: unexpected ${t}`);
  }

  function value(): Value {
    if (peek() === '{') {
      next();
      return message('}');
    }
    return scalar();
  }

  function message(end: string | undefined): Record<string, Value> {
    const fields: Record<string, Value[]> = {};
    const lists = new Set<string>();
    while (peek() !== end) {
      const name = next();
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`config.pbtxt: ${name} is not a field name`);
      if (peek() === ':') next();
      const values = (fields[name] ??= []);
      if (peek() === '[') {
        next();
        lists.add(name);
        while (peek() !== ']') {
          values.push(value());
          if (peek() === ',') next();
        }
        expect(']');
      } else {
        values.push(value());
      }
    }
    if (end !== undefined) expect(end);
    const out: Record<string, Value> = {};
    for (const [name, values] of Object.entries(fields)) {
      if (MAP_FIELDS.has(name)) {
        const map: Record<string, Value> = {};
        for (const entry of values as Record<string, Value>[]) map[String(entry.key)] = entry.value!;
        out[name] = map;
      } else {
        out[name] = values.length === 1 && !lists.has(name) ? values[0]! : values;
      }
    }
    return out;
  }

  return message(undefined);
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /\s+|#[^\n]*|"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,#"]+/gy;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`config.pbtxt: cannot read past offset ${at}`);
    const t = m[0];
    if (!/^\s/.test(t) && !t.startsWith('#')) out.push(t);
    at = re.lastIndex;
  }
  return out;
}
