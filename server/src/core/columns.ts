// Growable typed-array columns and a string interner: the index keeps numbers, not objects,
// so that hundreds of MB of logs fit in little memory.

type TypedArray = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

export interface Column<T extends TypedArray> {
  data: T;
  length: number;
  push(v: number): number;
  /** Makes room for `capacity` values in one step (one copy instead of repeated doubling). */
  reserve(capacity: number): void;
  /** The values: a view when the array is nearly full, else a right-sized copy. */
  finish(): T;
}

/** Columns created by one builder, so it can reserve room in all of them at once. */
export class ColumnSet {
  readonly all: Array<Column<Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array>> = [];
  f64 = (): Column<Float64Array> => this.add(f64());
  u32 = (): Column<Uint32Array> => this.add(u32());
  i32 = (): Column<Int32Array> => this.add(i32());
  u16 = (): Column<Uint16Array> => this.add(u16());
  u8 = (): Column<Uint8Array> => this.add(u8());
  private add<C extends Column<Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array>>(c: C): C {
    this.all.push(c);
    return c;
  }
  /** Grows every column to `factor` times its current length (plus a margin). */
  reserve(factor: number): void {
    for (const c of this.all) c.reserve(Math.ceil(c.length * factor * 1.03) + 64);
  }
}

// One class per array type, written out: a shared generic class (or one class body evaluated
// several times) shares V8's inline caches, which then go megamorphic and make every push slow.
class F64 implements Column<Float64Array> {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Float64Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  finish(): Float64Array {
    return this.length >= this.data.length * 0.85 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

class U32 implements Column<Uint32Array> {
  data: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Uint32Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  finish(): Uint32Array {
    return this.length >= this.data.length * 0.85 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

class I32 implements Column<Int32Array> {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Int32Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  finish(): Int32Array {
    return this.length >= this.data.length * 0.85 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

class U16 implements Column<Uint16Array> {
  data: Uint16Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint16Array(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = new Uint16Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Uint16Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  finish(): Uint16Array {
    return this.length >= this.data.length * 0.85 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

class U8 implements Column<Uint8Array> {
  data: Uint8Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint8Array(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Uint8Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  finish(): Uint8Array {
    return this.length >= this.data.length * 0.85 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

export const f64 = (capacity?: number) => new F64(capacity);
export const u32 = (capacity?: number) => new U32(capacity);
export const i32 = (capacity?: number) => new I32(capacity);
export const u16 = (capacity?: number) => new U16(capacity);
export const u8 = (capacity?: number) => new U8(capacity);

/** Strings (addresses, IPs, verdicts) stored once; records keep their numbers. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  /** Byte caches in front of this interner, kept here so every file of an index shares them. */
  private readonly byteCaches = new Map<string, ByteInterner>();

  bytes(kind: string, normalize: (raw: string) => string): ByteInterner {
    let cache = this.byteCaches.get(kind);
    if (!cache) {
      cache = new ByteInterner(this, normalize);
      this.byteCaches.set(kind, cache);
    }
    return cache;
  }

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

/**
 * Maps raw bytes (an address as it stands in the log) to an interned string id without
 * decoding the bytes again when they were seen before: most addresses of a log repeat, and
 * decoding plus hashing a fresh string for each of them dominated the scan.
 */
export class ByteInterner {
  // Open addressing; a slot holds (hash, entry + 1), and an entry (arena start, length, id),
  // each pair or triple side by side so that a lookup touches few cache lines.
  private slots = new Int32Array(2 << 16);
  private mask = (1 << 16) - 1;
  private arena = Buffer.allocUnsafe(1 << 20);
  private arenaUsed = 0;
  private count = 0;
  private entries = new Int32Array(3 << 15);

  constructor(private readonly strings: Interner, private readonly normalize: (raw: string) => string) {}

  id(buf: Buffer, s: number, e: number): number {
    const len = e - s;
    // Hash the length and the first and last bytes only: values that share those are rare,
    // and the full comparison below settles them.
    let h = Math.imul(0x811c9dc5 ^ len, 16777619);
    const headEnd = Math.min(e, s + 8);
    for (let i = s; i < headEnd; i++) h = Math.imul(h ^ buf[i], 16777619);
    for (let i = Math.max(headEnd, e - 12); i < e; i++) h = Math.imul(h ^ buf[i], 16777619);
    const slots = this.slots;
    let slot = h & this.mask;
    for (;;) {
      const entry = slots[2 * slot + 1] - 1;
      if (entry < 0) break;
      if (slots[2 * slot] === h && this.entries[3 * entry + 1] === len && this.same(entry, buf, s, len)) return this.entries[3 * entry + 2];
      slot = (slot + 1) & this.mask;
    }
    let ascii = true;
    for (let i = s; i < e; i++) if (buf[i] >= 0x80) { ascii = false; break; }
    const id = this.strings.id(this.normalize(buf.toString(ascii ? 'latin1' : 'utf8', s, e)));
    this.add(buf, s, len, h, id, slot);
    return id;
  }

  private same(entry: number, buf: Buffer, s: number, len: number): boolean {
    const a = this.arena, at = this.entries[3 * entry];
    for (let i = 0; i < len; i++) if (a[at + i] !== buf[s + i]) return false;
    return true;
  }

  private add(buf: Buffer, s: number, len: number, h: number, id: number, slot: number): void {
    if (this.arenaUsed + len > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + len));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    if (3 * this.count === this.entries.length) {
      const bigger = new Int32Array(this.entries.length * 2);
      bigger.set(this.entries);
      this.entries = bigger;
    }
    buf.copy(this.arena, this.arenaUsed, s, s + len);
    const entry = this.count++;
    this.entries[3 * entry] = this.arenaUsed;
    this.entries[3 * entry + 1] = len;
    this.entries[3 * entry + 2] = id;
    this.arenaUsed += len;
    this.slots[2 * slot] = h;
    this.slots[2 * slot + 1] = entry + 1;
    if (this.count * 2 > this.mask + 1) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    this.slots = new Int32Array(2 * size);
    this.mask = size - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (!old[i + 1]) continue;
      let slot = old[i] & this.mask;
      while (this.slots[2 * slot + 1]) slot = (slot + 1) & this.mask;
      this.slots[2 * slot] = old[i];
      this.slots[2 * slot + 1] = old[i + 1];
    }
  }
}

/**
 * A hash map from small non-negative integers to int32 values, in typed arrays. JavaScript's
 * Map costs an allocation-heavy probe per call, which dominated correlation at 100k+ keys.
 */
export class IntTable {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  private size = 0;

  constructor(expected = 1024) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  private slot(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    for (;;) {
      const k = this.keys[i];
      if (k === 0 || k === key + 1) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** The value for key, or `missing`. */
  get(key: number, missing = -1): number {
    const i = this.slot(key);
    return this.keys[i] === 0 ? missing : this.values[i];
  }

  set(key: number, value: number): void {
    const i = this.slot(key);
    if (this.keys[i] === 0) {
      this.keys[i] = key + 1;
      if (++this.size * 2 > this.keys.length) {
        this.values[i] = value;
        this.grow();
        return;
      }
    }
    this.values[i] = value;
  }

  private grow(): void {
    const oldKeys = this.keys, oldValues = this.values;
    this.keys = new Int32Array(oldKeys.length * 2);
    this.values = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] === 0) continue;
      const j = this.slot(oldKeys[i] - 1);
      this.keys[j] = oldKeys[i];
      this.values[j] = oldValues[i];
    }
  }
}
