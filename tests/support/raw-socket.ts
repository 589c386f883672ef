import { randomBytes } from "node:crypto";
import net from "node:net";
import type { Visitor } from "./client.js";

/**
 * A WebSocket spoken by hand: a real upgrade with the visitor's session cookie, then whatever
 * bytes a test writes. No client library stands between the test and the server, so frames a
 * library would refuse to send (unmasked, oversized, reserved opcodes) can be sent.
 */
export class RawSocket {
  /** Everything the server sent after the 101 response. */
  data = Buffer.alloc(0);
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  static async open(visitor: Visitor, query = ""): Promise<RawSocket> {
    const url = new URL(visitor.base);
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on("error", () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.write(
      [
        `GET /ws${query} HTTP/1.1`,
        `Host: ${url.host}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
        "Sec-WebSocket-Version: 13",
        `Origin: ${visitor.origin}`,
        `Cookie: ${visitor.cookie}`,
        "",
        "",
      ].join("\r\n"),
    );
    const raw = new RawSocket(socket);
    let head = Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end === -1) return;
        socket.off("data", onData);
        const status = head.subarray(0, head.indexOf("\r\n")).toString();
        if (!status.startsWith("HTTP/1.1 101")) return reject(new Error(`upgrade refused: ${status}`));
        raw.data = head.subarray(end + 4);
        socket.on("data", (more: Buffer) => (raw.data = Buffer.concat([raw.data, more])));
        resolve();
      };
      socket.on("data", onData);
      socket.once("close", () => reject(new Error("closed during the upgrade")));
    });
    return raw;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The code of the close frame the server sent, if it sent one (server frames are unmasked). */
  get closeCode(): number | undefined {
    let at = 0;
    while (at + 2 <= this.data.length) {
      const opcode = this.data[at]! & 0x0f;
      let length = this.data[at + 1]! & 0x7f;
      let start = at + 2;
      if (length === 126) [length, start] = [this.data.readUInt16BE(at + 2), at + 4];
      else if (length === 127) [length, start] = [Number(this.data.readBigUInt64BE(at + 2)), at + 10];
      if (opcode === 0x8) return length >= 2 ? this.data.readUInt16BE(start) : undefined;
      at = start + length;
    }
    return undefined;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface FrameOptions {
  fin?: boolean;
  /** 0x0 continuation, 0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xa pong; others are reserved. */
  opcode?: number;
  masked?: boolean;
  /** The length the header claims, when it should not be the payload's. */
  claimedLength?: bigint;
}

/** One WebSocket frame as a client sends it (masked, unless told otherwise). */
export function frame(payload: Buffer | string, { fin = true, opcode = 0x1, masked = true, claimedLength }: FrameOptions = {}): Buffer {
  const body = Buffer.from(payload);
  const length = claimedLength ?? BigInt(body.length);
  let header: Buffer;
  if (length < 126n) {
    header = Buffer.from([0, Number(length)]);
  } else if (length < 65536n) {
    header = Buffer.alloc(4);
    header.writeUInt16BE(Number(length), 2);
    header[1] = 126;
  } else {
    header = Buffer.alloc(10);
    header.writeBigUInt64BE(length, 2);
    header[1] = 127;
  }
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (!masked) return Buffer.concat([header, body]);
  header[1] = header[1]! | 0x80;
  const mask = randomBytes(4);
  const maskedBody = Buffer.from(body.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, maskedBody]);
}
