import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type Koa from 'koa';
import { PROBLEMS, problemType, type ProblemCode } from '../contracts/problems.js';
import { PROBLEM_CONTENT_TYPE } from './problem-middleware.js';

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close: () => Promise<void>;
}

const UNPARSABLE: Record<string, ProblemCode> = {
  HPE_HEADER_OVERFLOW: 'header-too-large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'payload-too-large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request-timeout',
};

/**
 * A request Node cannot parse (headers over its 16 KB limit, a broken request line) never reaches Koa; Node's own answer
 * is a bare status line. This one is problem+json like every other error, under the same conditions as Node's.
 */
function answerUnparsable(error: NodeJS.ErrnoException, socket: Socket): void {
  const inFlight = (socket as unknown as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    const code = UNPARSABLE[error.code ?? ''] ?? 'bad-request';
    const { status, title } = PROBLEMS[code];
    const body = JSON.stringify({ type: problemType(code), title, status, detail: 'The request could not be read as HTTP.' });
    socket.write(`HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** Listens on `port` (0 picks a free one) and returns the URL; `close` also drops idle keep-alive sockets. */
export async function listen(app: Koa, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const server = createServer(app.callback());
  server.on('clientError', answerUnparsable);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    server,
    port: address.port,
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
