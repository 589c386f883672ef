import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import multer, { type StorageEngine } from "multer";
import type { Config } from "../config.js";
import type { Upload } from "../domain/attachments.js";
import { UploadError } from "../domain/errors.js";
import { authorize } from "../domain/access.js";
import type { UploadLimits } from "../render/room-page.js";
import { hasNul } from "../domain/validate.js";
import type { FileStore } from "../files/store.js";
import { idParam } from "../http/params.js";
import { DETECTION_BYTES, detect, type Detected } from "../media/detect.js";
import { userOf, type Web } from "./context.js";
import { CsrfError } from "./csrf.js";
import { formRefusal, type FormLimits } from "./form-refusals.js";

const MB = 1024 * 1024;
const LINGER_MS = 500;
// No common file system makes a longer name (ext4, APFS, NTFS: 255), so a longer one was made up.
const MAX_FILE_NAME = 255;

interface Limits {
  image: number;
  video: number;
}

type Received = Express.Multer.File & { detected: Detected };

/** The name a file arrived with; "file" when it came without one. */
function fileNameOf(file: Express.Multer.File): string {
  return file.originalname || "file";
}

/**
 * A name Parley will not keep, since it is stored, shown and sent back with the file: one with a NUL
 * (the database refuses it) or longer than any file system makes. Refused rather than cut, so that
 * what is kept is what was sent; only a made-up name is refused.
 */
function refusedName(name: string): UploadError | null {
  const rename = "rename the file and try again";
  if (hasNul(name)) return new UploadError(422, null, `has a file whose name holds an invisible control character (NUL); ${rename}`);
  if (name.length <= MAX_FILE_NAME) return null;
  const start = [...name].slice(0, 40).join("");
  return new UploadError(422, null, `has a file whose name is longer than ${MAX_FILE_NAME} characters (“${start}…”); ${rename}`);
}

/** Called when a file breaks a rule mid-stream, so the answer goes out before the rest arrives. */
const rejectEarly = new WeakMap<Request, (err: UploadError) => void>();

/**
 * Each request's files, settled once each has been received or, refused, removed again. multer
 * reports a broken form as soon as a file's stream fails, before that file's temporary copy is
 * gone; the answer waits for these, so that a refused post has left nothing behind once answered.
 */
const filesOf = new WeakMap<Request, Promise<void>[]>();

/** Counts one more file of `req`; call what it returns once the file is received or removed. */
function trackFile(req: Request): () => void {
  let settle!: () => void;
  filesOf.set(req, [...(filesOf.get(req) ?? []), new Promise<void>((resolve) => (settle = resolve))]);
  return settle;
}

/**
 * Streams each file to a temporary file, deciding its type from its first bytes: an unsupported
 * type is refused at once, and a file over its type's limit is cut off when it crosses it, so
 * nothing is ever held whole in memory or written past the limit.
 */
class StreamingStorage implements StorageEngine {
  constructor(
    private readonly store: FileStore,
    private readonly limits: Limits,
  ) {}

  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Received>) => void): void {
    const name = fileNameOf(file);
    const refused = refusedName(name);
    if (refused) {
      file.stream.resume();
      return cb(refused);
    }
    const settled = trackFile(req);
    const temp = this.store.tempPath();
    const limits = this.limits;
    let head: Buffer[] = [];
    let size = 0;
    let detected: Detected | null | undefined;
    const identify = async (guard: Transform) => {
      detected = await detect(Buffer.concat(head));
      if (!detected)
        throw new UploadError(415, name, "is not a supported image or video (JPEG, PNG, GIF, WebP, AVIF, HEIC, MP4, WebM or MOV)");
      for (const chunk of head) guard.push(chunk);
      head = [];
    };
    // A Transform does not wait for a returned promise: each callback's work ends in done(), failed or not.
    const settle = (work: () => Promise<void>, done: TransformCallback): void => {
      work().then(
        () => done(),
        (err: unknown) => done(err as Error),
      );
    };
    const guard = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        settle(async () => {
          size += chunk.length;
          if (detected === undefined) {
            head.push(chunk);
            if (size < DETECTION_BYTES) return;
            await identify(this);
          } else {
            this.push(chunk);
          }
          const limit = detected!.kind === "image" ? limits.image : limits.video;
          if (size > limit) throw new UploadError(413, name, `is larger than the ${limit / MB} MB allowed for ${detected!.kind}s`);
        }, done);
      },
      flush(done) {
        settle(async () => {
          if (detected === undefined) await identify(this);
        }, done);
      },
    });
    const out = createWriteStream(temp);
    pipeline(file.stream, guard, out).then(
      () => {
        settled();
        cb(null, { path: temp, size, detected: detected! });
      },
      async (err: unknown) => {
        // A file refused at once is refused before its temporary file is even open: removing it
        // before the write stream has closed would let the open create it afterwards.
        if (!out.closed) await new Promise<void>((closed) => out.once("close", () => closed()));
        await rm(temp, { force: true });
        settled();
        if (err instanceof UploadError) rejectEarly.get(req)?.(err);
        cb(err);
      },
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    rm(file.path, { force: true }).then(() => cb(null), cb);
  }
}

/** What the composer tells the browser, so that it can refuse a file before sending it. */
export function uploadLimits(config: Config): UploadLimits {
  return { imageMb: config.UPLOAD_MAX_IMAGE_MB, videoMb: config.UPLOAD_MAX_VIDEO_MB, files: config.UPLOAD_MAX_FILES };
}

/**
 * Removes the temporary files of a post (the route does so before answering; the close of the
 * response does so again, whatever happened). Files still arriving when the client went away have
 * no path yet: their own stream removes them.
 */
export async function removeUploads(req: Request): Promise<void> {
  const received = ((req.files ?? []) as Partial<Received>[]).flatMap((f) => (f.path ? [f.path] : []));
  await Promise.all(received.map((file) => rm(file, { force: true })));
}

/** The files a multipart post carried, in order, once `receiveUploads` has run. */
export function uploadsOf(req: Request): Upload[] {
  const files = (req.files ?? []) as Received[];
  return files.map((f) => ({ tempPath: f.path, fileName: fileNameOf(f), detected: f.detected, byteSize: f.size }));
}

/**
 * For a multipart message post: checks the person may post in the room before reading anything,
 * streams the files in (see StreamingStorage), then checks the CSRF token the form carried. The
 * temporary files are removed when the response is done, whatever happened.
 */
export function receiveUploads(web: Web): RequestHandler {
  const { config } = web;
  const limits = { image: config.UPLOAD_MAX_IMAGE_MB * MB, video: config.UPLOAD_MAX_VIDEO_MB * MB };
  const form: FormLimits = {
    files: config.UPLOAD_MAX_FILES,
    fields: 50,
    fieldSize: 64 * 1024,
    fieldNameSize: 100,
    parts: 2 * config.UPLOAD_MAX_FILES + 50,
  };
  const parse = multer({ storage: new StreamingStorage(web.deps.files, limits), limits: form }).array("files", config.UPLOAD_MAX_FILES);
  const largestBody = config.UPLOAD_MAX_FILES * Math.max(limits.image, limits.video) + MB;

  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.is("multipart/form-data")) return next();
    await authorize(web.deps, userOf(res).id, idParam(req.params.id), "post");
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      // The sender's doing, not the server's: worth a line, not an error.
      if (err instanceof UploadError) req.log.info({ status: err.status, reason: err.message }, "upload refused");
      if (err instanceof UploadError && err.status === 413) {
        // Stop the rest of the upload: answer at once, then close the connection rather than read
        // on. The short linger (the body is discarded meanwhile) lets the client read the answer
        // before the close; closing with its data unread would reset the connection and lose it.
        // A body already read to its end (multer drains it before reporting a limit) needs no close.
        res.once("finish", () => {
          if (!req.complete) setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
        });
      }
      void Promise.all(filesOf.get(req) ?? []).then(() => next(err));
    };
    res.once("close", () => void removeUploads(req));
    if (Number(req.get("content-length")) > largestBody) {
      return settle(new UploadError(413, null, `is larger than the ${largestBody / MB} MB Parley accepts at once`));
    }
    rejectEarly.set(req, settle);
    parse(req, res, (err?: unknown) => {
      if (err) return settle(formRefusal(err, form) ?? err);
      settle(web.csrf.matches(req) ? undefined : new CsrfError());
    });
  };
}
