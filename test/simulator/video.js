// @ts-check
'use strict';

/**
 * Real, playable MP4s for the simulator's `videoKind: 'real'`: a few-second H.264 clip per job,
 * in the orientation asked, showing that it comes from the TTAPI simulator, the prompt, the job
 * ID and a running clock, made by ffmpeg. ffmpeg comes from the npm package
 * @ffmpeg-installer/ffmpeg (a dev dependency that ships the binary), or FFMPEG_PATH, or `ffmpeg`
 * on PATH. Without one, videos fall back to the sized placeholder (mp4.js) and `source()` says why.
 */

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CLIP_SECONDS = 4;
const FPS = 24;
const SIZES = { portrait: [540, 960], landscape: [960, 540] };
const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/freefont/FreeSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
];

/** @returns {{ ffmpeg?: string, from?: string, reason?: string }} */
function findFfmpeg() {
  const candidates = [];
  if (process.env.FFMPEG_PATH) candidates.push([process.env.FFMPEG_PATH, 'FFMPEG_PATH']);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    candidates.push([require('@ffmpeg-installer/ffmpeg').path, 'npm package @ffmpeg-installer/ffmpeg']);
  } catch {
    // not installed (e.g. a platform it has no binary for)
  }
  candidates.push(['ffmpeg', 'ffmpeg on PATH']);
  for (const [file, from] of candidates) {
    const probe = spawnSync(file, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0) return { ffmpeg: file, from };
  }
  return { reason: 'no ffmpeg found (npm ci installs @ffmpeg-installer/ffmpeg; or install ffmpeg, or set FFMPEG_PATH)' };
}

function findFont() {
  const found = FONT_CANDIDATES.find((file) => fs.existsSync(file));
  if (found) return found;
  const match = spawnSync('fc-match', ['-f', '%{file}', 'sans'], { encoding: 'utf8', timeout: 5000 });
  return match.status === 0 && match.stdout && fs.existsSync(match.stdout) ? match.stdout : undefined;
}

/** Breaks text into at most `maxLines` lines of about `width` characters. */
function wrap(text, width, maxLines) {
  const words = String(text).replace(/\s+/g, ' ').trim().split(' ');
  const lines = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (next.length > width && line) {
      lines.push(line);
      line = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    } else line = next.length > width ? `${next.slice(0, width - 1)}…` : next;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = `${lines[maxLines - 1].slice(0, width - 1)}…`;
  }
  return lines.join('\n');
}

/**
 * @typedef {{ jobId: string, prompt: string, model: string, orientation?: string, duration?: number }} ClipInfo
 */

class VideoMaker {
  constructor() {
    /** @type {ReturnType<typeof findFfmpeg> | undefined} */
    this.tool = undefined;
    /** @type {string | undefined | null} */
    this.font = null;
    /** @type {Map<string, Promise<Buffer>>} */
    this.clips = new Map();
    /** @type {Promise<unknown>} renders one at a time: the machine has few cores */
    this.queue = Promise.resolve();
  }

  /** Where the videos come from, for the demo and the editor to say. */
  source() {
    if (!this.tool) this.tool = findFfmpeg();
    if (this.font === null) this.font = findFont();
    if (!this.tool.ffmpeg) return { kind: 'sized', reason: this.tool.reason };
    return {
      kind: 'real',
      ffmpeg: this.tool.from,
      seconds: CLIP_SECONDS,
      text: Boolean(this.font),
      description: `a ${CLIP_SECONDS}-second test clip made by ffmpeg${this.font ? ' showing the prompt and the job ID' : ' (no font found, so without text)'}, not a Sora video`,
    };
  }

  /**
   * The clip of a job (made once, then kept). Rejects when ffmpeg is missing or fails.
   * @param {ClipInfo} info
   * @returns {Promise<Buffer>}
   */
  clip(info) {
    let clip = this.clips.get(info.jobId);
    if (!clip) {
      clip = this.queue.then(() => this.render(info));
      this.queue = clip.catch(() => undefined);
      this.clips.set(info.jobId, clip);
      clip.catch(() => this.clips.delete(info.jobId));
    }
    return clip;
  }

  reset() {
    this.clips.clear();
  }

  /** @param {ClipInfo} info @returns {Promise<Buffer>} */
  async render(info) {
    const source = this.source();
    if (source.kind !== 'real' || !this.tool?.ffmpeg) throw new Error(`cannot make a real video: ${source.reason}`);
    const orientation = info.orientation === 'landscape' ? 'landscape' : 'portrait';
    const [width, height] = SIZES[orientation];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttapi-sim-video-'));
    try {
      const out = path.join(dir, 'clip.mp4');
      const filters = [`[0][1]overlay=0:${height - Math.round(height / 8)}`];
      if (this.font) {
        const chars = Math.floor(width / 19);
        const duration = info.duration ?? (info.model === 'sora-2-pro' ? 15 : 10);
        const texts = [
          ['TTAPI SIMULATOR - a test clip, not Sora', 26, Math.round(height * 0.06), 'yellow'],
          [wrap(info.prompt, chars, 7), 32, Math.round(height * 0.16), 'white'],
          [`job ${info.jobId}`, 20, Math.round(height * 0.62), 'white'],
          [`${info.model}, ${orientation}, ${duration} s at TTAPI (${CLIP_SECONDS} s here)`, 22, Math.round(height * 0.67), 'white'],
        ];
        texts.forEach(([text, size, y, color], i) => {
          const file = path.join(dir, `text${i}.txt`);
          fs.writeFileSync(file, String(text));
          filters.push(`drawtext=fontfile=${this.font}:textfile=${file}:expansion=none:fontsize=${size}:fontcolor=${color}:line_spacing=8:x=(w-tw)/2:y=${y}`);
        });
        filters.push(`drawtext=fontfile=${this.font}:text='%{pts\\:hms}':fontsize=34:fontcolor=white:x=(w-tw)/2:y=${Math.round(height * 0.76)}`);
      }
      const args = [
        '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
        '-f', 'lavfi', '-i', `color=c=0x1d3557:s=${width}x${height}:r=${FPS}:d=${CLIP_SECONDS}`,
        '-f', 'lavfi', '-i', `testsrc2=s=${width}x${Math.round(height / 8)}:r=${FPS}:d=${CLIP_SECONDS}`,
        '-filter_complex', filters.join(','),
        '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
        '-t', String(CLIP_SECONDS), out,
      ];
      await new Promise((resolve, reject) => {
        const child = spawn(this.tool.ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(undefined) : reject(new Error(`ffmpeg exited ${code}: ${err.slice(-500)}`))));
      });
      return fs.readFileSync(out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

module.exports = { VideoMaker, CLIP_SECONDS, wrap };
