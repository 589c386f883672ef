import net from "node:net";
import type { AddressInfo } from "node:net";

/** A PostgreSQL that has stopped answering: it accepts connections and never says a word. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP proxy in front of a real PostgreSQL that can freeze it, as SIGSTOP would, without
 * stopping the server other tests share: while frozen, connections are still accepted but
 * nothing is passed on in either direction; thawing delivers everything held back, in order.
 */
export class FreezingProxy {
  #frozen = false;
  #refusing = false;
  #freezeOn: string | undefined;
  #held: Array<() => void> = [];
  readonly #sockets = new Set<net.Socket>();
  readonly #server: net.Server;

  private constructor(target: { host: string; port: number }) {
    this.#server = net.createServer((client) => {
      if (this.#refusing) return void client.destroy();
      const upstream = net.connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on("error", () => {});
        socket.on("close", () => {
          this.#sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      this.#forward(client, upstream, true);
      this.#forward(upstream, client, false);
    });
  }

  static async start(target: { host: string; port: number }): Promise<FreezingProxy & { port: number }> {
    const proxy = new FreezingProxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    return Object.assign(proxy, { port: (proxy.#server.address() as AddressInfo).port });
  }

  freeze(): void {
    this.#frozen = true;
  }

  /** Freezes just before passing on the first query that contains `text`. */
  freezeOn(text: string): void {
    this.#freezeOn = text;
  }

  /** PostgreSQL going away: every connection through the proxy is cut and new ones are refused. */
  refuse(): void {
    this.#refusing = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  /** And coming back: connections are accepted again. */
  accept(): void {
    this.#refusing = false;
  }

  thaw(): void {
    this.#frozen = false;
    for (const pass of this.#held.splice(0)) pass();
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #forward(from: net.Socket, to: net.Socket, toServer: boolean): void {
    from.on("data", (chunk: Buffer) => {
      if (toServer && this.#freezeOn !== undefined && chunk.includes(this.#freezeOn)) {
        this.#freezeOn = undefined;
        this.#frozen = true;
      }
      const pass = () => to.write(chunk);
      if (this.#frozen) this.#held.push(pass);
      else pass();
    });
  }
}
