/**
 * A stored model's typed arrays, checked as a model is restored: model-file.ts gives them back as
 * views of the file's bytes, and a damaged or foreign file must not make a model that answers wrong.
 */

interface TypedArrayKind<T> {
  new (length: number): T;
}

export function storedFloat64(value: unknown, length?: number): Float64Array {
  return stored(value, Float64Array, length);
}

export function storedFloat32(value: unknown, length?: number): Float32Array {
  return stored(value, Float32Array, length);
}

export function storedInt32(value: unknown, length?: number): Int32Array {
  return stored(value, Int32Array, length);
}

/** `value` when it is an array of that kind (and of `length` elements, when given); throws otherwise. */
function stored<T extends Float64Array | Float32Array | Int32Array>(value: unknown, kind: TypedArrayKind<T>, length?: number): T {
  if (!(value instanceof kind)) throw new Error("stored model is inconsistent: an array is missing or of the wrong kind");
  if (length !== undefined && value.length !== length) throw new Error("stored model is inconsistent: an array has the wrong length");
  return value;
}
