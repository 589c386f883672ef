import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, Agent, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { decrypt } from "http_ece";

/** What a fake browser's push service received, checked and decrypted as the browser would. */
export interface Received {
  /** The decrypted payload, parsed: what the service worker gets. */
  payload: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** The VAPID JWT's claims, after its signature was verified with the key in the header. */
  claims: { aud: string; exp: number; sub: string };
  /** The key the request was signed with (base64url), from `k=`. */
  vapidKey: string;
}

/** A browser's subscription, with the private half a browser keeps to decrypt what arrives. */
export interface FakeBrowser {
  endpoint: string;
  p256dh: string;
  auth: string;
  ecdh: ECDH;
  /** Its pushes so far, in arrival order. */
  received: Received[];
  /** Failures to verify or decrypt a request (each one fails the test that looks). */
  problems: string[];
  /** Answers for its next requests (status and headers), then 201 for the rest. */
  answers: Array<{ status: number; headers?: Record<string, string> }>;
  /** Waits until it has received `count` pushes in all, or fails after `ms`. */
  waitFor(count: number, ms?: number): Promise<Received[]>;
}

/**
 * A stand-in for browsers' push services (RFC 8030) over HTTPS, since web-push sends nothing else,
 * with a self-signed certificate for 127.0.0.1 made by openssl: `agent` trusts it, for the server's
 * worker. Each fake browser has an endpoint of its own here; every request is checked as a push
 * service and a browser would: the VAPID `Authorization` (RFC 8292: an ES256 JWT whose `aud` is
 * this origin, not expired, signed by the key in `k=`) and the `aes128gcm` body (RFC 8291), which is
 * decrypted with the browser's private key and auth secret.
 */
export async function startPushService() {
  const dir = mkdtempSync(path.join(tmpdir(), "parley-push-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      path.join(dir, "key.pem"),
      "-out",
      path.join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  const cert = readFileSync(path.join(dir, "cert.pem"));
  const key = readFileSync(path.join(dir, "key.pem"));
  rmSync(dir, { recursive: true, force: true });

  const browsers = new Map<string, FakeBrowser & { wake: Array<() => void> }>();
  const server: Server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const browser = browsers.get(req.url ?? "");
      if (!browser || req.method !== "POST") return void res.writeHead(404).end();
      const answer = browser.answers.shift() ?? { status: 201 };
      if (answer.status === 201) {
        try {
          browser.received.push(check(browser, origin, req.headers, Buffer.concat(chunks)));
        } catch (err) {
          browser.problems.push(String(err));
        }
      }
      res.writeHead(answer.status, answer.headers).end();
      for (const wake of browser.wake.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let made = 0;

  return {
    origin,
    agent: new Agent({ ca: cert, keepAlive: false }),
    /** A new browser with its own endpoint, key pair and auth secret. */
    browser(): FakeBrowser {
      const ecdh = createECDH("prime256v1");
      const publicKey = ecdh.generateKeys();
      const wake: Array<() => void> = [];
      const endpointPath = `/push/${++made}`;
      const browser = {
        endpoint: origin + endpointPath,
        p256dh: publicKey.toString("base64url"),
        auth: randomBytes(16).toString("base64url"),
        ecdh,
        received: [] as Received[],
        problems: [] as string[],
        answers: [] as FakeBrowser["answers"],
        wake,
        async waitFor(count: number, ms = 5000): Promise<Received[]> {
          const deadline = Date.now() + ms;
          while (browser.received.length < count) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`expected ${count} pushes, got ${browser.received.length}`);
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, left);
              wake.push(() => {
                clearTimeout(timer);
                resolve();
              });
            });
          }
          return browser.received;
        },
      };
      browsers.set(endpointPath, browser);
      return browser;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function check(browser: FakeBrowser, origin: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Received {
  const authorization = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(String(headers.authorization ?? ""));
  if (!authorization) throw new Error(`no VAPID authorization: ${String(headers.authorization)}`);
  const [, token, vapidKey] = authorization as unknown as [string, string, string];
  const [head, claimsPart, signature] = token.split(".") as [string, string, string];
  const header = JSON.parse(Buffer.from(head, "base64url").toString()) as { alg: string; typ: string };
  if (header.alg !== "ES256") throw new Error(`JWT alg ${header.alg}`);
  const point = Buffer.from(vapidKey, "base64url");
  const publicKey = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") },
    format: "jwk",
  });
  const signed = verify(
    "sha256",
    Buffer.from(`${head}.${claimsPart}`),
    { key: publicKey, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  if (!signed) throw new Error("the VAPID JWT's signature does not verify with its k=");
  const claims = JSON.parse(Buffer.from(claimsPart, "base64url").toString()) as Received["claims"];
  if (claims.aud !== origin) throw new Error(`JWT aud ${claims.aud}, not ${origin}`);
  if (!(claims.exp * 1000 > Date.now())) throw new Error("the VAPID JWT has expired");
  if (headers["content-encoding"] !== "aes128gcm") throw new Error(`content-encoding ${String(headers["content-encoding"])}`);
  const plain = decrypt(body, { version: "aes128gcm", privateKey: browser.ecdh, authSecret: browser.auth });
  return { payload: JSON.parse(plain.toString("utf8")) as Record<string, unknown>, headers, claims, vapidKey };
}
