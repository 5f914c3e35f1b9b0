/**
 * A minimal protobuf wire-format reader for the ONNX suite, independent of protobufjs and of the
 * exporter's descriptor: it reads the bytes as the encoding spec defines them
 * (https://protobuf.dev/programming-guides/encoding/), and the suite asks for fields by the
 * numbers onnx.proto gives them. Not a suite itself.
 */
export type WireValue = { readonly varint: bigint } | { readonly bytes: Uint8Array } | { readonly fixed: Uint8Array };

/** Every field of one message: field number → its values in order. */
export function readMessage(bytes: Uint8Array): Map<number, WireValue[]> {
  const fields = new Map<number, WireValue[]>();
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length) throw new Error('protobuf: truncated varint');
      const b = bytes[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const [field, wire] = [key >>> 3, key & 7];
    let value: WireValue;
    if (wire === 0) value = { varint: varint() };
    else if (wire === 2) {
      const n = Number(varint());
      if (at + n > bytes.length) throw new Error(`protobuf: field ${field} runs past the end`);
      value = { bytes: bytes.subarray(at, at + n) };
      at += n;
    } else if (wire === 5 || wire === 1) {
      const n = wire === 5 ? 4 : 8;
      value = { fixed: bytes.subarray(at, at + n) };
      at += n;
    } else throw new Error(`protobuf: wire type ${wire} of field ${field}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const pick = <K extends 'varint' | 'bytes'>(v: WireValue | undefined, kind: K, what: string) => {
  if (!v || !(kind in v)) throw new Error(`protobuf: ${what} is not a ${kind} field`);
  return (v as Record<K, K extends 'varint' ? bigint : Uint8Array>)[kind];
};

/** Field accessors over one decoded message. */
export class Message {
  readonly fields: Map<number, WireValue[]>;
  constructor(bytes: Uint8Array) {
    this.fields = readMessage(bytes);
  }
  int(field: number): number | undefined {
    return this.ints(field).at(-1);
  }
  ints(field: number): number[] {
    return (this.fields.get(field) ?? []).map((v) => Number(BigInt.asIntN(64, pick(v, 'varint', `field ${field}`) as bigint)));
  }
  string(field: number): string | undefined {
    const v = this.fields.get(field)?.at(-1);
    return v === undefined ? undefined : new TextDecoder().decode(pick(v, 'bytes', `field ${field}`) as Uint8Array);
  }
  strings(field: number): string[] {
    return (this.fields.get(field) ?? []).map((v) => new TextDecoder().decode(pick(v, 'bytes', `field ${field}`) as Uint8Array));
  }
  bytes(field: number): Uint8Array | undefined {
    const v = this.fields.get(field)?.at(-1);
    return v === undefined ? undefined : (pick(v, 'bytes', `field ${field}`) as Uint8Array);
  }
  messages(field: number): Message[] {
    return (this.fields.get(field) ?? []).map((v) => new Message(pick(v, 'bytes', `field ${field}`) as Uint8Array));
  }
  message(field: number): Message | undefined {
    return this.messages(field).at(-1);
  }
}
