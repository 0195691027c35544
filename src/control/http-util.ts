import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { StringDecoder } from 'node:string_decoder';

/**
 * The largest request body the control API reads: a manifest file may be 8 MiB (MAX_MANIFEST_BYTES),
 * and JSON escaping can add to that. Larger requests are answered 413.
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** How long a refused body is read (and dropped) so that a client still sending it can read the 413. */
const DRAIN_MS = 10_000;

/** A request the API refuses with this status; `close` ends the connection after the answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly close = false,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function readJson<T>(req: IncomingMessage): Promise<T> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): HttpError => new HttpError(413, `request body too large: the control API reads at most ${MAX_BODY_BYTES / (1024 * 1024)} MiB`, true);
    // Decoded as it arrives: one string, not the chunks, their concatenation and the string at once.
    const decoder = new StringDecoder('utf8');
    let text = '';
    let size = 0;
    let refused = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const refuse = (): void => {
      // Answering while the client still sends, then closing, would reset the connection under the
      // answer: the rest of the body is read and dropped first (for a bounded time).
      refused = true;
      text = '';
      drainTimer = setTimeout(() => {
        reject(tooLarge());
        req.pause();
      }, DRAIN_MS);
      drainTimer.unref();
    };
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) refuse();
    req.on('data', (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) refuse();
      else text += decoder.write(c);
    });
    req.on('end', () => {
      clearTimeout(drainTimer);
      if (refused) {
        reject(tooLarge());
        return;
      }
      try {
        resolve(JSON.parse(text + decoder.end()) as T);
      } catch {
        reject(new HttpError(400, 'request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
