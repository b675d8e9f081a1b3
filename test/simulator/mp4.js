// @ts-check
'use strict';

/**
 * A real, structurally valid MP4 (ISO BMFF) of an exact size, streamed in small chunks:
 *   ftyp (isom/mp42) + moov (mvhd + one 'vide' track with an avc1/avcC sample entry and sample
 *   tables describing one 1-second sample) + mdat (zero padding up to the requested size).
 * The sample table points at the mdat payload, so box sizes, stco and stsz are all consistent.
 * The payload is zeros (not decodable H.264): it is a container for download tests, not a movie.
 */

const CHUNK = Buffer.alloc(64 * 1024); // shared zero chunk: never allocate the whole file

/**
 * @param {string} type four-character code
 * @param {...Buffer} parts
 */
function box(type, ...parts) {
  const payload = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

/** @param {number} version @param {number} flags */
function fullHeader(version, flags) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return b;
}

/** @param {...number} values */
function u32(...values) {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** @param {...number} values */
function u16(...values) {
  const b = Buffer.alloc(2 * values.length);
  values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, i * 2));
  return b;
}

const MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);
const WIDTH = 720;
const HEIGHT = 1280;
const TIMESCALE = 1000;
const DURATION = 1000; // 1 s

// Baseline-profile SPS/PPS (syntactically plausible; the payload is not decodable anyway).
const SPS = Buffer.from('6742c01fda02d0028b5840000003004000000c83c60c9200', 'hex');
const PPS = Buffer.from('68ce3c80', 'hex');

/**
 * @param {number} sampleSize  bytes of the mdat payload
 * @param {number} chunkOffset file offset of the mdat payload
 */
function buildMoov(sampleSize, chunkOffset) {
  const mvhd = box(
    'mvhd',
    fullHeader(0, 0),
    u32(0, 0, TIMESCALE, DURATION, 0x00010000),
    u16(0x0100, 0),
    u32(0, 0),
    MATRIX,
    Buffer.alloc(24),
    u32(2), // next track id
  );
  const tkhd = box(
    'tkhd',
    fullHeader(0, 0x000003), // enabled, in movie
    u32(0, 0, 1 /* track id */, 0, DURATION, 0, 0),
    u16(0 /* layer */, 0 /* alt group */, 0 /* volume */, 0),
    MATRIX,
    u32(WIDTH << 16, HEIGHT << 16),
  );
  const mdhd = box('mdhd', fullHeader(0, 0), u32(0, 0, TIMESCALE, DURATION), u16(0x55c4 /* und */, 0));
  const hdlr = box('hdlr', fullHeader(0, 0), u32(0), Buffer.from('vide', 'latin1'), u32(0, 0, 0), Buffer.from('VideoHandler\0', 'latin1'));
  const vmhd = box('vmhd', fullHeader(0, 1), u16(0, 0, 0, 0));
  const dinf = box('dinf', box('dref', fullHeader(0, 0), u32(1), box('url ', fullHeader(0, 1))));
  const avcC = box(
    'avcC',
    Buffer.from([1, SPS[1], SPS[2], SPS[3], 0xff, 0xe1]),
    u16(SPS.length),
    SPS,
    Buffer.from([1]),
    u16(PPS.length),
    PPS,
  );
  const compressor = Buffer.alloc(32);
  const avc1 = box(
    'avc1',
    Buffer.alloc(6),
    u16(1), // data reference index
    u16(0, 0),
    u32(0, 0, 0),
    u16(WIDTH, HEIGHT),
    u32(0x00480000, 0x00480000, 0),
    u16(1), // frame count
    compressor,
    u16(0x0018, 0xffff),
    avcC,
  );
  const stsd = box('stsd', fullHeader(0, 0), u32(1), avc1);
  const stts = box('stts', fullHeader(0, 0), u32(1, 1, DURATION));
  const stss = box('stss', fullHeader(0, 0), u32(1, 1));
  const stsc = box('stsc', fullHeader(0, 0), u32(1, 1, 1, 1));
  const stsz = box('stsz', fullHeader(0, 0), u32(0, 1, sampleSize));
  const stco = box('stco', fullHeader(0, 0), u32(1, chunkOffset));
  const stbl = box('stbl', stsd, stts, stss, stsc, stsz, stco);
  const minf = box('minf', vmhd, dinf, stbl);
  const mdia = box('mdia', mdhd, hdlr, minf);
  const trak = box('trak', tkhd, mdia);
  return box('moov', mvhd, trak);
}

const FTYP = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'latin1'));
const MOOV_SIZE = buildMoov(0, 0).length;
/** Smallest file this generator can produce (ftyp + moov + empty mdat header). */
const MIN_MP4_BYTES = FTYP.length + MOOV_SIZE + 8;

/**
 * Everything before the mdat payload, for a file of exactly `totalBytes`
 * (raised to MIN_MP4_BYTES if smaller).
 * @param {number} totalBytes
 * @returns {{ header: Buffer, total: number }}
 */
function mp4Header(totalBytes) {
  const total = Math.max(MIN_MP4_BYTES, Math.floor(totalBytes));
  if (total > 0xffffffff) throw new RangeError('videoBytes above 4 GiB is not supported');
  const headerLen = FTYP.length + MOOV_SIZE + 8;
  const payload = total - headerLen;
  const moov = buildMoov(payload, headerLen);
  const mdatHead = Buffer.alloc(8);
  mdatHead.writeUInt32BE(8 + payload, 0);
  mdatHead.write('mdat', 4, 'latin1');
  return { header: Buffer.concat([FTYP, moov, mdatHead]), total };
}

/**
 * Write an MP4 of `totalBytes` to a writable (an http.ServerResponse), respecting backpressure.
 * With `stopAfter`, stop writing after that many bytes and resolve (caller then destroys the socket).
 * @param {import('node:stream').Writable} out
 * @param {number} totalBytes
 * @param {{ stopAfter?: number }} [opts]
 * @returns {Promise<number>} bytes written
 */
async function writeMp4(out, totalBytes, opts = {}) {
  const { header, total } = mp4Header(totalBytes);
  const limit = Math.min(total, opts.stopAfter ?? total);
  let written = 0;
  /** @param {Buffer} buf */
  const write = async (buf) => {
    if (out.destroyed) throw new Error('destination closed');
    if (!out.write(buf)) {
      await new Promise((resolve, reject) => {
        const onDrain = () => { cleanup(); resolve(undefined); };
        const onClose = () => { cleanup(); reject(new Error('destination closed')); };
        const cleanup = () => { out.off('drain', onDrain); out.off('close', onClose); };
        out.on('drain', onDrain);
        out.on('close', onClose);
      });
    }
    written += buf.length;
  };
  await write(header.subarray(0, Math.min(header.length, limit)));
  while (written < limit) {
    const n = Math.min(CHUNK.length, limit - written);
    await write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
  }
  return written;
}

module.exports = { mp4Header, writeMp4, MIN_MP4_BYTES };
