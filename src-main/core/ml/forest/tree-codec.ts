// A tree in the model artifact (JSON): each typed array as little-endian base64, about a third of
// the size of a JSON number list and parsed without building millions of numbers. Decoding checks
// the structure (child indices point forward, features and leaf ranges in bounds), so an edited or
// truncated artifact fails with a message instead of looping or reading out of range.
import type { TreeArrays } from './regression-tree';

export interface EncodedTree {
  nodes: number;
  entries: number;
  feature: string;
  threshold: string;
  left: string;
  right: string;
  value: string;
  leafStart: string;
  leafCount: string;
  entryY: string;
  entryW: string;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toBase64(a: ArrayBufferView): string {
  if (!LITTLE_ENDIAN) throw new Error('model artifacts are written on little-endian machines only');
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

type Ctor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

function fromBase64<T>(text: unknown, ctor: Ctor<T>, length: number, where: string): T {
  if (typeof text !== 'string') throw new RangeError(`${where}: missing`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length * ctor.BYTES_PER_ELEMENT) throw new RangeError(`${where}: ${bytes.length} bytes, expected ${length * ctor.BYTES_PER_ELEMENT}`);
  // Copy into an aligned buffer of its own (Buffer slices may be unaligned for 4/8-byte views).
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return new ctor(copy, 0, length);
}

export function encodeTree(t: TreeArrays): EncodedTree {
  return {
    nodes: t.feature.length,
    entries: t.entryY.length,
    feature: toBase64(t.feature),
    threshold: toBase64(t.threshold),
    left: toBase64(t.left),
    right: toBase64(t.right),
    value: toBase64(t.value),
    leafStart: toBase64(t.leafStart),
    leafCount: toBase64(t.leafCount),
    entryY: toBase64(t.entryY),
    entryW: toBase64(t.entryW),
  };
}

export function decodeTree(e: EncodedTree, cols: number, where: string): TreeArrays {
  const nodes = e?.nodes;
  const entries = e?.entries;
  if (!Number.isInteger(nodes) || nodes < 1 || !Number.isInteger(entries) || entries < 0) throw new RangeError(`${where}: malformed node or entry count`);
  const t: TreeArrays = {
    feature: fromBase64(e.feature, Int32Array, nodes, `${where}.feature`),
    threshold: fromBase64(e.threshold, Float64Array, nodes, `${where}.threshold`),
    left: fromBase64(e.left, Int32Array, nodes, `${where}.left`),
    right: fromBase64(e.right, Int32Array, nodes, `${where}.right`),
    value: fromBase64(e.value, Float64Array, nodes, `${where}.value`),
    leafStart: fromBase64(e.leafStart, Int32Array, nodes, `${where}.leafStart`),
    leafCount: fromBase64(e.leafCount, Int32Array, nodes, `${where}.leafCount`),
    entryY: fromBase64(e.entryY, Float32Array, entries, `${where}.entryY`),
    entryW: fromBase64(e.entryW, Uint16Array, entries, `${where}.entryW`),
  };
  for (let n = 0; n < nodes; n++) {
    const f = t.feature[n]!;
    if (f >= cols || f < -1) throw new RangeError(`${where}: node ${n} splits on feature ${f} of ${cols}`);
    if (f >= 0) {
      const l = t.left[n]!;
      const r = t.right[n]!;
      if (!(l > n && l < nodes && r > n && r < nodes)) throw new RangeError(`${where}: node ${n} has children out of order`);
      if (!Number.isFinite(t.threshold[n]!)) throw new RangeError(`${where}: node ${n} has no finite threshold`);
    } else {
      const s = t.leafStart[n]!;
      const c = t.leafCount[n]!;
      if (s < 0 || c < 0 || s + c > entries) throw new RangeError(`${where}: leaf ${n} entries out of range`);
    }
    if (!Number.isFinite(t.value[n]!)) throw new RangeError(`${where}: node ${n} has no finite value`);
  }
  return t;
}
