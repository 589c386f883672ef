import { execFile } from "node:child_process";
import { rm, stat } from "node:fs/promises";
import { promisify } from "node:util";
import sharp from "sharp";
import type { FileStore, Stored } from "../files/store.js";

const run = promisify(execFile);

export interface VideoFacts {
  width: number | null;
  height: number | null;
  durationMs: number | null;
  poster: (Stored & { width: number; height: number }) | null;
}

const none: VideoFacts = { width: null, height: null, durationMs: null, poster: null };

export class UnplayableVideoError extends Error {}

/**
 * How each accepted video type is read and written again. The demuxer is named rather than
 * guessed, so that bytes that merely start like an MP4 are never read as anything else (a
 * playlist, say, which would make ffmpeg fetch what it names).
 */
const containers: Record<string, { demuxer: string; muxer: string[] }> = {
  "video/mp4": { demuxer: "mov", muxer: ["-f", "mp4", "-movflags", "+faststart"] },
  "video/quicktime": { demuxer: "mov", muxer: ["-f", "mov", "-movflags", "+faststart"] },
  "video/webm": { demuxer: "matroska", muxer: ["-f", "webm"] },
};

/**
 * Remuxing, size, duration and a poster frame for videos, through ffprobe and ffmpeg when the
 * machine has them (Debian's `ffmpeg` package). Without them videos still upload as they came and
 * play, with no poster; with them, a file ffmpeg cannot read as a video is refused.
 */
export class Videos {
  readonly #ffmpeg: string;
  readonly #ffprobe: string;
  #available: Promise<boolean> | undefined;

  constructor(ffmpeg: string, ffprobe: string) {
    this.#ffmpeg = ffmpeg;
    this.#ffprobe = ffprobe;
  }

  available(): Promise<boolean> {
    this.#available ??= Promise.all([run(this.#ffmpeg, ["-version"]), run(this.#ffprobe, ["-version"])]).then(
      () => true,
      () => false,
    );
    return this.#available;
  }

  /**
   * Copies the video's picture and sound streams into a new file of the same type, without
   * anything else the upload carried (other streams, metadata, chapters, bytes appended after the
   * media), so that only media leaves the server. Null without ffmpeg: the upload is kept as it
   * came. Throws UnplayableVideoError for a file ffmpeg cannot read as a video.
   */
  async remux(store: FileStore, file: string, mime: string): Promise<{ path: string; byteSize: number } | null> {
    const container = containers[mime];
    if (!container) throw new Error(`not a video type: ${mime}`);
    if (!(await this.available())) return null;
    const out = store.tempPath();
    try {
      await run(
        this.#ffmpeg,
        [
          "-v",
          "error",
          "-f",
          container.demuxer,
          "-i",
          file,
          "-map",
          "0:V",
          "-map",
          "0:a?",
          "-c",
          "copy",
          "-map_metadata",
          "-1",
          "-map_chapters",
          "-1",
          ...container.muxer,
          "-y",
          out,
        ],
        { timeout: 120_000 },
      );
      return { path: out, byteSize: (await stat(out)).size };
    } catch (err) {
      await rm(out, { force: true });
      throw new UnplayableVideoError("is not a playable video", { cause: err });
    }
  }

  async describe(store: FileStore, file: string): Promise<VideoFacts> {
    if (!(await this.available())) return none;
    try {
      const { stdout } = await run(
        this.#ffprobe,
        ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height:format=duration", "-of", "json", file],
        { timeout: 15_000 },
      );
      const probed = JSON.parse(stdout) as { streams?: Array<{ width?: number; height?: number }>; format?: { duration?: string } };
      const stream = probed.streams?.[0];
      const seconds = Number(probed.format?.duration);
      const durationMs = Number.isFinite(seconds) ? Math.round(seconds * 1000) : null;
      return {
        width: stream?.width ?? null,
        height: stream?.height ?? null,
        durationMs,
        poster: stream ? await this.#poster(store, file, durationMs) : null,
      };
    } catch {
      return none;
    }
  }

  /** A WebP frame from a second in (or the first frame of a shorter video), at most 800 px wide. */
  async #poster(store: FileStore, file: string, durationMs: number | null) {
    const temp = `${store.tempPath()}.webp`;
    try {
      const at = durationMs !== null && durationMs > 2000 ? "1" : "0";
      await run(
        this.#ffmpeg,
        ["-v", "error", "-ss", at, "-i", file, "-frames:v", "1", "-vf", "scale='min(800,iw)':-2", "-map_metadata", "-1", "-y", temp],
        { timeout: 30_000 },
      );
      const { width, height } = await sharp(temp).metadata();
      return { ...(await store.put(temp)), width: width ?? 0, height: height ?? 0 };
    } catch {
      return null;
    } finally {
      await rm(temp, { force: true });
    }
  }
}
