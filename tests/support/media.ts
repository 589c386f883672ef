import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";

const run = promisify(execFile);

/** Small real images, made in the test rather than checked in. */
export async function makeImage(format: "jpeg" | "png" | "gif" | "webp" | "avif", width = 64, height = 48): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } });
  return image.toFormat(format).toBuffer();
}

/** A two-frame animated GIF. */
export async function makeAnimatedGif(): Promise<Buffer> {
  const frame = (r: number) =>
    sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g: 0, b: 0 } } })
      .raw()
      .toBuffer();
  const frames = Buffer.concat([await frame(255), await frame(0)]);
  return sharp(frames, { raw: { width: 32, height: 64, channels: 3, pageHeight: 32 } })
    .gif({ loop: 0, delay: [100, 100] })
    .toBuffer();
}

/** A JPEG carrying GPS coordinates and an orientation that turns it on its side. */
export async function makeJpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 80, height: 40, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" } })
    .toBuffer();
}

/** Random-looking pixels, so that the encoded file is large (about `megapixels` × 3 MB as PNG). */
export async function makeNoisyPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let x = 123456789;
  for (let i = 0; i < pixels.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    pixels[i] = x & 0xff;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

export async function hasFfmpeg(): Promise<boolean> {
  try {
    await run("ffmpeg", ["-version"]);
    await run("ffprobe", ["-version"]);
    return true;
  } catch {
    return false;
  }
}

const videoArgs: Record<"mp4" | "webm" | "mov", string[]> = {
  mp4: ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart"],
  webm: ["-c:v", "libvpx", "-b:v", "200k"],
  mov: ["-c:v", "libx264", "-pix_fmt", "yuv420p"],
};

/** A short test-pattern video made with ffmpeg (which the test must have checked is there). */
export async function makeVideo(format: "mp4" | "webm" | "mov", seconds = 3): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), "parley-video-"));
  const file = path.join(dir, `clip.${format}`);
  try {
    await run("ffmpeg", [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      `testsrc=size=160x120:rate=10:duration=${seconds}`,
      ...videoArgs[format],
      "-y",
      file,
    ]);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
