/**
 * The stored answer model as one binary file: a JSON part (the sections, the vocabularies' keys,
 * the small settings) and, after it, every typed array of the model's state (and the bytes kept
 * unparsed, such as the example texts: stored-knowledge.ts) as its raw bytes
 * (little-endian, as on every platform railcache runs on), each on an 8-byte boundary. A fresh
 * process parses only the JSON part and takes each array as a view of the file's bytes: no 2 MB
 * string to decode and parse, no array to copy.
 *
 * Layout: "RCAM", then the lengths of the array table and of the JSON part (uint32 each), the
 * array table (JSON: each array's kind, offset into the data and length), the JSON part (an
 * array stands in it as {"$array": index}), padding to 8 bytes, the data.
 */

type StoredArray = Float64Array | Float32Array | Int32Array | Uint8Array;

const MAGIC = "RCAM";
const PREAMBLE = 12;
const KINDS = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;
type Kind = keyof typeof KINDS;

interface ArrayEntry {
  kind: Kind;
  /** Bytes from the start of the data. */
  offset: number;
  length: number;
}

function kindOf(value: unknown): Kind | undefined {
  if (value instanceof Float64Array) return "f64";
  if (value instanceof Float32Array) return "f32";
  if (value instanceof Int32Array) return "i32";
  if (value instanceof Uint8Array) return "u8";
  return undefined;
}

const align = (n: number) => Math.ceil(n / 8) * 8;

/** The file for `value`: any JSON-friendly value whose typed arrays (Float64, Float32, Int32) are stored as bytes. */
export function encodeModel(value: unknown): Uint8Array {
  const arrays: StoredArray[] = [];
  const table: ArrayEntry[] = [];
  let offset = 0;
  const json = JSON.stringify(value, (_key, item: unknown) => {
    const kind = kindOf(item);
    if (!kind) {
      // Such an object would come back as an array: the model's own state never holds one.
      if (item !== null && typeof item === "object" && Object.hasOwn(item, "$array"))
        throw new Error('a stored model cannot hold an object with a "$array" key');
      return item;
    }
    const array = item as StoredArray;
    table.push({ kind, offset, length: array.length });
    arrays.push(array);
    offset = align(offset + array.byteLength);
    return { $array: arrays.length - 1 };
  });
  const tableBytes = Buffer.from(JSON.stringify(table), "utf8");
  const jsonBytes = Buffer.from(json, "utf8");
  const dataStart = align(PREAMBLE + tableBytes.length + jsonBytes.length);
  const file = Buffer.alloc(dataStart + offset);
  file.write(MAGIC, 0, "latin1");
  file.writeUInt32LE(tableBytes.length, 4);
  file.writeUInt32LE(jsonBytes.length, 8);
  tableBytes.copy(file, PREAMBLE);
  jsonBytes.copy(file, PREAMBLE + tableBytes.length);
  arrays.forEach((array, i) => file.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + table[i]!.offset));
  return file;
}

/** The value stored in `file`; throws on anything that is not a whole, consistent model file. */
export function decodeModel(file: Uint8Array): unknown {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (bytes.length < PREAMBLE || bytes.toString("latin1", 0, 4) !== MAGIC) throw new Error("not a stored answer model");
  const tableLength = bytes.readUInt32LE(4);
  const jsonLength = bytes.readUInt32LE(8);
  const dataStart = align(PREAMBLE + tableLength + jsonLength);
  if (dataStart > bytes.length) throw new Error("stored answer model is cut short");
  const table = JSON.parse(bytes.toString("utf8", PREAMBLE, PREAMBLE + tableLength)) as ArrayEntry[];
  // Views need their start on a multiple of the element size: a file read into a pooled buffer may
  // not be, so it is copied once into memory of its own (a typed array's copy starts at offset 0).
  const data = (bytes.byteOffset + dataStart) % 8 === 0 ? bytes : Buffer.from(new Uint8Array(bytes).buffer);
  const arrays = (Array.isArray(table) ? table : []).map(({ kind, offset, length }) => {
    const Kind = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
    if (!Kind || !Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset % 8 !== 0)
      throw new Error("stored answer model has a bad array entry");
    if (dataStart + offset + length * Kind.BYTES_PER_ELEMENT > data.length) throw new Error("stored answer model is cut short");
    return new Kind(data.buffer as ArrayBuffer, data.byteOffset + dataStart + offset, length);
  });
  // Parsed without a reviver (called for every one of its ~30,000 values, it took half the parse's time), then the arrays put in.
  return withArrays(JSON.parse(bytes.toString("utf8", PREAMBLE + tableLength, PREAMBLE + tableLength + jsonLength)), arrays);
}

/** `value` with each {"$array": index} in it replaced by that array (in place). */
function withArrays(value: unknown, arrays: readonly StoredArray[]): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === "object") value[i] = withArrays(item, arrays);
    }
    return value;
  }
  if (Object.hasOwn(value, "$array")) {
    const index = (value as { $array: unknown }).$array;
    const array = Number.isInteger(index) ? arrays[index as number] : undefined;
    if (!array) throw new Error("stored answer model names an array it does not hold");
    return array;
  }
  const object = value as Record<string, unknown>;
  // Set on the parsed object itself: JSON.parse made every key an own property, "__proto__" too, so setting it sets that property.
  for (const key of Object.keys(object)) object[key] = withArrays(object[key], arrays);
  return value;
}
