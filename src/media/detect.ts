import { fileTypeFromBuffer } from "file-type";

export type MediaKind = "image" | "video";

export interface Detected {
  kind: MediaKind;
  mime: string;
}

// Decided by the bytes alone: names and browser-sent types are never asked. SVG and HTML are text,
// which file-type does not claim to recognise, so they are refused with everything else unknown.
const accepted = new Map<string, MediaKind>([
  ["image/jpeg", "image"],
  ["image/png", "image"],
  ["image/gif", "image"],
  ["image/webp", "image"],
  ["image/avif", "image"],
  ["image/heic", "image"],
  ["image/heif", "image"],
  ["video/mp4", "video"],
  ["video/webm", "video"],
  ["video/quicktime", "video"],
]);

/** How many leading bytes `detect` wants to see (file-type's own reasonable sample size). */
export const DETECTION_BYTES = 4100;

/** What an upload is, from its first bytes; null if it is not an image or video Parley takes. */
export async function detect(head: Uint8Array): Promise<Detected | null> {
  const type = await fileTypeFromBuffer(head);
  const kind = type && accepted.get(type.mime);
  return kind && type ? { kind, mime: type.mime } : null;
}
