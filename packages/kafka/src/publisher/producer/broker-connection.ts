import { Socket, connect } from 'node:net';

/** Kafka API keys and versions the producer speaks (Produce v3 and InitProducerId v0 are served by Kafka 0.11 to 4.x). */
export const ApiKey = { produce: 0, initProducerId: 22 } as const;

/**
 * One TCP connection to one broker: size-prefixed requests, answered in
 * order, matched by correlation id. Several requests may be under way; the
 * broker handles a connection's requests one after the other, in order.
 * Any socket error or close fails every request under way and the
 * connection for good (the producer then starts afresh).
 */
export class BrokerConnection {
  private readonly socket: Socket;
  private readonly pending = new Map<number, { resolve(body: Buffer): void; reject(error: Error): void }>();
  private nextCorrelationId = 1;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private failure?: Error;
  private readonly ready: Promise<void>;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly clientId: string,
    private readonly requestTimeoutMs: number,
  ) {
    this.socket = connect({ host, port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.ready.catch(() => undefined);
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error(`The connection to Kafka broker ${host}:${port} closed.`)));
  }

  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** Sends one request (its body already encoded) and resolves with the response body. */
  async request(apiKey: number, apiVersion: number, body: Buffer | Buffer[]): Promise<Buffer> {
    await this.ready;
    if (this.failure) throw this.failure;
    const correlationId = this.nextCorrelationId++;
    const bodies = Array.isArray(body) ? body : [body];
    const clientId = Buffer.from(this.clientId);
    const header = Buffer.allocUnsafe(4 + 2 + 2 + 4 + 2 + clientId.length);
    const size = header.length - 4 + bodies.reduce((sum, b) => sum + b.length, 0);
    header.writeInt32BE(size, 0);
    header.writeInt16BE(apiKey, 4);
    header.writeInt16BE(apiVersion, 6);
    header.writeInt32BE(correlationId, 8);
    header.writeInt16BE(clientId.length, 12);
    clientId.copy(header, 14);
    const answered = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new Error(`Kafka broker ${this.host}:${this.port} did not answer request ${apiKey} within ${this.requestTimeoutMs} ms.`));
      }, this.requestTimeoutMs);
      this.pending.set(correlationId, {
        resolve: (b) => (clearTimeout(timer), resolve(b)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
    this.socket.cork();
    this.socket.write(header);
    for (const b of bodies) this.socket.write(b);
    this.socket.uncork();
    return answered;
  }

  close(): void {
    this.fail(new Error('The producer closed its connection.'));
  }

  private fail(error: Error): void {
    if (!this.failure) this.failure = error;
    this.socket.destroy();
    for (const { reject } of this.pending.values()) reject(this.failure);
    this.pending.clear();
  }

  private onData(chunk: Buffer): void {
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    while (this.receivedBytes >= 4) {
      const head = this.received.length === 1 ? this.received[0] : Buffer.concat(this.received);
      this.received = [head];
      const size = head.readInt32BE(0);
      if (head.length < 4 + size) return;
      const response = head.subarray(4, 4 + size);
      const rest = head.subarray(4 + size);
      this.received = rest.length > 0 ? [rest] : [];
      this.receivedBytes = rest.length;
      const correlationId = response.readInt32BE(0);
      const waiter = this.pending.get(correlationId);
      this.pending.delete(correlationId);
      waiter?.resolve(response.subarray(4));
    }
  }
}
