// Growable typed-array columns and a string interner: the index keeps numbers, not objects,
// so that hundreds of MB of logs fit in little memory.

type TypedArray = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

export interface Column<T extends TypedArray> {
  data: T;
  length: number;
  push(v: number): number;
  /** A right-sized copy. */
  finish(): T;
}

/**
 * One class per array type, so that every push site sees a single shape (a shared generic
 * class would make V8's property accesses megamorphic and the scanner several times slower).
 */
function columnClass<T extends TypedArray>(make: (n: number) => T): new (capacity?: number) => Column<T> {
  return class {
    data: T;
    length = 0;
    constructor(capacity = 1024) {
      this.data = make(Math.max(16, capacity));
    }
    push(v: number): number {
      if (this.length === this.data.length) {
        const next = make(this.data.length * 2);
        next.set(this.data);
        this.data = next;
      }
      this.data[this.length] = v;
      return this.length++;
    }
    finish(): T {
      return this.data.slice(0, this.length) as T;
    }
  };
}

const F64 = columnClass((n) => new Float64Array(n));
const U32 = columnClass((n) => new Uint32Array(n));
const I32 = columnClass((n) => new Int32Array(n));
const U16 = columnClass((n) => new Uint16Array(n));
const U8 = columnClass((n) => new Uint8Array(n));
export const f64 = (capacity?: number) => new F64(capacity);
export const u32 = (capacity?: number) => new U32(capacity);
export const i32 = (capacity?: number) => new I32(capacity);
export const u16 = (capacity?: number) => new U16(capacity);
export const u8 = (capacity?: number) => new U8(capacity);

/** Strings (addresses, IPs, verdicts) stored once; records keep their numbers. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /** The id of a string already interned, or -1. */
  find(s: string): number {
    return this.ids.get(s) ?? -1;
  }

  get(id: number): string {
    return this.values[id];
  }
}
