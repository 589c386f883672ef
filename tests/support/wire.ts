import { request } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

export interface AsSent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as they came over the wire, still compressed. */
  body: Buffer;
  /** The body decoded (brotli or gzip undone). */
  decoded: Buffer;
  /** The same, as text. */
  text: string;
}

/** A GET with node:http, which (unlike fetch) hands over the body as sent; used by the tests and bench/transfer.ts. */
export function getAsSent(url: string, headers: Record<string, string> = {}): Promise<AsSent> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        const coding = res.headers["content-encoding"];
        const decoded = coding === "br" ? brotliDecompressSync(body) : coding === "gzip" ? gunzipSync(body) : body;
        resolve({ status: res.statusCode!, headers: res.headers, body, decoded, text: decoded.toString() });
      });
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}
