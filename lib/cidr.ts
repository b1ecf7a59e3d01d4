/** Small IPv4 CIDR helpers (no dependency): parse, overlap, subdivide. */
export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly bits: number;
}

export function parseCidr(value: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  if (addr % size !== 0) return undefined; // host bits set: 10.0.0.1/16 is not a network
  return { base: addr, bits };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.bits);
  const bEnd = b.base + 2 ** (32 - b.bits);
  return a.base < bEnd && b.base < aEnd;
}

export function formatCidr(c: Cidr): string {
  const o = [24, 16, 8, 0].map((s) => Math.floor(c.base / 2 ** s) % 256);
  return `${o.join(".")}/${c.bits}`;
}

/** The `index`-th subnet of `parent` with `newBits` more prefix bits (like Terraform's cidrsubnet). */
export function cidrSubnet(parent: string, newBits: number, index: number): string {
  const p = parseCidr(parent);
  if (!p) throw new Error(`cidrSubnet: ${parent} is not an IPv4 CIDR`);
  const bits = p.bits + newBits;
  if (bits > 28 || index >= 2 ** newBits) {
    throw new Error(`cidrSubnet: ${parent} has no subnet #${index} of /${bits}`);
  }
  return formatCidr({ base: p.base + index * 2 ** (32 - bits), bits });
}
