import { fileTypeFromBuffer } from "file-type";

export type MediaKind = "image" | "video";

export interface Detected {
  kind: MediaKind;
  mime: string;
}

// Decided by the bytes alone: names and browser-sent types are never asked. SVG and HTML are text,
// which file-type does not claim to recognise, so they are refused with everything else unknown.
const accepted = new Map<string, { kind: MediaKind; extension: string }>([
  ["image/jpeg", { kind: "image", extension: "jpg" }],
  ["image/png", { kind: "image", extension: "png" }],
  ["image/gif", { kind: "image", extension: "gif" }],
  ["image/webp", { kind: "image", extension: "webp" }],
  ["image/avif", { kind: "image", extension: "avif" }],
  ["image/heic", { kind: "image", extension: "heic" }],
  ["image/heif", { kind: "image", extension: "heif" }],
  ["video/mp4", { kind: "video", extension: "mp4" }],
  ["video/webm", { kind: "video", extension: "webm" }],
  ["video/quicktime", { kind: "video", extension: "mov" }],
]);

/**
 * The uploader's name with the extension of what the file is: "invoice.html" that is an MP4 is
 * "invoice.mp4", so that no download is saved as, or opened by, anything but a viewer of its type.
 */
export function nameFor(fileName: string, mime: string): string {
  const extension = accepted.get(mime)?.extension;
  if (!extension) throw new Error(`not an accepted type: ${mime}`);
  return `${fileName.replace(/\.[^.]*$/, "") || "file"}.${extension}`;
}

/** How many leading bytes `detect` wants to see (file-type's own reasonable sample size). */
export const DETECTION_BYTES = 4100;

/** What an upload is, from its first bytes; null if it is not an image or video Parley takes. */
export async function detect(head: Uint8Array): Promise<Detected | null> {
  const type = await fileTypeFromBuffer(head);
  const known = type && accepted.get(type.mime);
  return known && type ? { kind: known.kind, mime: type.mime } : null;
}
