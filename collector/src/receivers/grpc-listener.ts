// The OTLP/gRPC receiver's listening socket, with a cap on open connections. grpc-js's own
// bindAsync has no such cap (each connection is an HTTP/2 session with its own buffers and
// up to `maxConcurrentStreams` calls), so Causeway listens itself, with Node's
// `net.Server.maxConnections` (connections beyond it are closed as they arrive, as on the HTTP
// servers), and hands each accepted socket to grpc-js through its connection injector. TLS and
// every per-connection limit (streams, idle, age, keepalive) stay grpc-js's: the injector's
// HTTP/2 server is built from the same credentials and options as a bound port's.
import { type Socket, createServer } from 'node:net';
import type * as grpc from '@grpc/grpc-js';

export interface GrpcListener {
  port: number;
  /**
   * Stops accepting at once; resolves when every accepted connection has closed (grpc-js's
   * tryShutdown closes its sessions). A connection still open after `forceAfterMs` (one that
   * never became an HTTP/2 session, say) is destroyed.
   */
  close(forceAfterMs: number): Promise<void>;
}

export function listenGrpc(
  server: grpc.Server,
  credentials: grpc.ServerCredentials,
  host: string,
  port: number,
  maxConnections: number,
  log: (msg: string) => void,
): Promise<GrpcListener> {
  const injector = server.createConnectionInjector(credentials);
  const sockets = new Set<Socket>();
  const listener = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    injector.injectConnection(socket);
  });
  listener.maxConnections = maxConnections;
  let dropped = 0;
  let lastLog = 0;
  // One line per minute at most: a flood of connections must not become a flood of log lines.
  listener.on('drop', () => {
    dropped++;
    const now = Date.now();
    if (now - lastLog < 60_000) return;
    lastLog = now;
    log(`OTLP/gRPC: ${dropped} connection(s) closed on arrival since start: ${maxConnections} already open (CAUSEWAY_MAX_CONNECTIONS)`);
  });
  return new Promise((resolve, reject) => {
    listener.once('error', (e) => reject(new Error(`OTLP/gRPC receiver cannot listen on ${host}:${port}: ${e.message}`)));
    listener.listen(port, host, () => {
      const address = listener.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        close: (forceAfterMs) =>
          new Promise<void>((r) => {
            const force = setTimeout(() => {
              for (const s of sockets) s.destroy();
            }, forceAfterMs);
            force.unref();
            listener.close(() => {
              clearTimeout(force);
              r();
            });
          }),
      });
    });
  });
}
