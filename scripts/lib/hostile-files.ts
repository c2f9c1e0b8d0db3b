import { deflateSync } from 'node:zlib';

/** Uploads built to hurt a parser, for tests and `npm run bench`: small on the wire, costly to read. */

/** A ZIP of `count` empty stored entries, written by hand (zip.js would take minutes for 60,000). */
export function zipOfEntries(count: number): Buffer {
  const local = Buffer.alloc(31);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(1, 26); // name length
  local.write('a', 30, 'latin1');
  const central = Buffer.alloc(47);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(1, 28);
  central.write('a', 46, 'latin1');
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const c = Buffer.from(central);
    c.writeUInt32LE(i * local.length, 42); // offset of the local header
    locals.push(local);
    centrals.push(c);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(count * central.length, 12);
  eocd.writeUInt32LE(count * local.length, 16);
  return Buffer.concat([...locals, ...centrals, eocd]);
}

/** A PDF whose object stream inflates to `mb` megabytes: a few hundred kilobytes on the wire. */
export function inflationBomb(mb: number): Buffer {
  const payload = deflateSync(Buffer.alloc(mb * 1024 * 1024, 0x20), { level: 9 });
  const head = Buffer.from(
    `%PDF-1.7\n1 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${payload.length} >>\nstream\n`,
    'latin1',
  );
  const tail = Buffer.from('\nendstream\nendobj\ntrailer << /Root 2 0 R >>\n%%EOF\n', 'latin1');
  return Buffer.concat([head, payload, tail]);
}
