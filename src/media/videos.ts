import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
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

/**
 * Size, duration and a poster frame for videos, through ffprobe and ffmpeg when the machine has
 * them (Debian's `ffmpeg` package). Without them, or for a file they cannot read, videos still
 * upload and play, with no poster.
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
