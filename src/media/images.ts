import { rm } from "node:fs/promises";
import sharp, { type Sharp } from "sharp";
import type { FileStore, Stored } from "../files/store.js";

export const THUMBNAIL_EDGE = 800;

// Each upload is a new image: libvips' operation cache would only hold on to memory.
sharp.cache(false);

/** The re-encoded format for each accepted input: the same where browsers show it, else JPEG. */
const encoders: Record<string, { mime: string; encode: (s: Sharp) => Sharp }> = {
  jpeg: { mime: "image/jpeg", encode: (s) => s.jpeg({ quality: 85 }) },
  png: { mime: "image/png", encode: (s) => s.png() },
  gif: { mime: "image/gif", encode: (s) => s.gif() },
  webp: { mime: "image/webp", encode: (s) => s.webp({ quality: 85 }) },
  avif: { mime: "image/avif", encode: (s) => s.avif({ quality: 60, effort: 2 }) },
  heif: { mime: "image/jpeg", encode: (s) => s.jpeg({ quality: 85 }) },
};

export class UnreadableImageError extends Error {}

export interface ProcessedImage {
  original: Stored & { mime: string; width: number; height: number; byteSize: number };
  thumb: Stored & { width: number; height: number };
}

// Animated images keep every frame; orientation is applied; sharp writes no metadata (EXIF, GPS,
// XMP, ICC) unless asked to, so none survives into any stored version.
const open = (input: string) => sharp(input, { animated: true, failOn: "warning", limitInputPixels: 100_000_000 });

async function encodeTo(store: FileStore, pipeline: Sharp) {
  const temp = store.tempPath();
  try {
    const info = await pipeline.toFile(temp);
    const stored = await store.put(temp);
    // For animations sharp reports the height of all frames stacked; one frame is what is shown.
    return { ...stored, width: info.width, height: info.pageHeight ?? info.height, byteSize: info.size };
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Re-encodes an uploaded image without its metadata and makes a WebP thumbnail (at most 800 px
 * on the long side), both stored by content. Returns what was stored; throws UnreadableImageError
 * for anything the image library cannot decode (truncated, corrupt, or a format it lacks).
 */
export async function processImage(store: FileStore, file: string): Promise<ProcessedImage> {
  const created: Stored[] = [];
  try {
    const { format, compression } = await open(file).metadata();
    // AVIF and HEIC are both HEIF containers; the codec tells them apart.
    const encoder = format && encoders[format === "heif" && compression === "av1" ? "avif" : format];
    if (!encoder) throw new UnreadableImageError(`is in a format (${format ?? "unknown"}) that cannot be read here`);
    const original = await encodeTo(store, encoder.encode(open(file).autoOrient()));
    if (original.created) created.push(original);
    const thumb = await encodeTo(
      store,
      open(store.pathOf(original.hash))
        .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: "inside", withoutEnlargement: true })
        .webp({ quality: 80 }),
    );
    return { original: { ...original, mime: encoder.mime }, thumb };
  } catch (err) {
    await Promise.all(created.map((stored) => store.remove(stored)));
    if (err instanceof UnreadableImageError) throw err;
    throw new UnreadableImageError("could not be read as an image (it may be damaged or cut short)", { cause: err });
  }
}
