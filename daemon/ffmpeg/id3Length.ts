// The length an MP3's ID3v2 tag states (its TLEN frame, in milliseconds), read from the file's
// head. ffmpeg does not use it: for an MP3 without a Xing/Info/VBRI header ffmpeg estimates the
// length from the file's (cut) size, so TLEN, where a tagger wrote one, is the only promise of the
// full length such a file carries.

/** TLEN in seconds, or null when the head has no ID3v2.3/2.4 tag with a usable TLEN frame. */
export function id3LengthSec(head: Buffer): number | null {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return null;
  const major = head[3];
  const flags = head[5];
  // v2.2 uses 3-letter frame ids; unsynchronised or extended-header tags are rare enough to skip.
  if ((major !== 3 && major !== 4) || flags & 0xc0) return null;
  const tagEnd = Math.min(head.length, 10 + syncsafe(head, 6));
  let off = 10;
  while (off + 10 <= tagEnd) {
    const id = head.toString('latin1', off, off + 4);
    if (!/^[A-Z0-9]{4}$/.test(id)) break; // padding
    const size = major === 4 ? syncsafe(head, off + 4) : head.readUInt32BE(off + 4);
    const body = off + 10;
    if (id === 'TLEN' && size >= 2 && body + size <= tagEnd) {
      const encoding = head[body];
      const raw = head.subarray(body + 1, body + size);
      const text = (encoding === 1 || encoding === 2 ? raw.toString('utf16le') : raw.toString('latin1')).replace(
        /[\0\uFEFF\uFFFE]/g,
        '',
      );
      const ms = /^\s*(\d+)\s*$/.exec(text);
      return ms && Number(ms[1]) > 0 ? Number(ms[1]) / 1000 : null;
    }
    off = body + size;
  }
  return null;
}

function syncsafe(b: Buffer, at: number): number {
  return ((b[at] & 0x7f) << 21) | ((b[at + 1] & 0x7f) << 14) | ((b[at + 2] & 0x7f) << 7) | (b[at + 3] & 0x7f);
}
