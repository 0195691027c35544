/**
 * bookinfo `details`: the book's facts as JSON.
 *
 *   GET /details/{id}  → {id, author, year, type, pages, publisher, language, ISBN-10, ISBN-13}
 *   GET /health        → {"status": "Details is healthy"}
 *
 * With `ENABLE_EXTERNAL_BOOK_SERVICE=true` (the default of the details-v2 image) the facts come
 * from the Google Books API instead, over HTTPS, or plain HTTP when `DO_NOT_ENCRYPT=true`, through
 * the sidecar either way.
 */
import type http from 'node:http';
import { envFlag, pathOf, pickHeaders, scaledMs, sendJson, startApp, versionFromEnv } from './common.js';
import { ProxyClient } from './proxy-client.js';

const client = new ProxyClient();

/** Headers details forwards to the external book service. */
const FORWARDED = [
  'x-request-id',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'x-ot-span-context',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampled',
];

/** The ISBN of an edition of The Comedy of Errors with Shakespeare as its single author. */
const EXTERNAL_ISBN = '0486424618';

function externalEnabled(): boolean {
  return envFlag(process.env.ENABLE_EXTERNAL_BOOK_SERVICE) ?? versionFromEnv('details') === 'v2';
}

class DetailsError extends Error {}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = pathOf(req);
  if (path === '/health' || path.startsWith('/health/')) {
    sendJson(res, 200, { status: 'Details is healthy' });
    return;
  }
  if (path !== '/details' && !path.startsWith('/details/')) {
    sendJson(res, 404, { error: 'not found' });
    return;
  }
  try {
    const last = path.split('/').filter((p) => p !== '').pop() ?? '';
    if (!/^[+-]?\d{1,30}$/.test(last)) throw new DetailsError('please provide numeric product id');
    const id = BigInt(last).toString();
    const body = externalEnabled()
      ? await fetchExternal(id, pickHeaders(req.headers, FORWARDED))
      : localDetails(id);
    sendJson(res, 200, body);
  } catch (err) {
    sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
}

/** JSON text with `id` as a number of any size (the id is validated digits). */
function withId(id: string, rest: Record<string, unknown>): string {
  const tail = JSON.stringify(rest).slice(1);
  return `{"id":${id}${tail === '}' ? '}' : `,${tail}`}`;
}

function localDetails(id: string): string {
  return withId(id, {
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  });
}

interface VolumeInfo {
  authors?: unknown;
  publishedDate?: unknown;
  printType?: unknown;
  pageCount?: unknown;
  publisher?: unknown;
  language?: unknown;
  industryIdentifiers?: unknown;
}

async function fetchExternal(id: string, headers: Record<string, string>): Promise<string> {
  const plain = envFlag(process.env.DO_NOT_ENCRYPT) === true;
  const url = `${plain ? 'http' : 'https'}://www.googleapis.com/books/v1/volumes?q=isbn:${EXTERNAL_ISBN}`;
  const options = { headers, timeoutMs: scaledMs(5000) };
  const res = plain ? await client.request(url, options) : await client.requestTls(url, options);
  let book: VolumeInfo;
  try {
    const json = JSON.parse(res.body) as { items?: Array<{ volumeInfo?: VolumeInfo }> };
    const info = json.items?.[0]?.volumeInfo;
    if (!info) throw new Error('no book in the response');
    book = info;
  } catch (err) {
    throw new DetailsError(`unexpected response from the book service (status ${res.status}): ${(err as Error).message}`);
  }
  return withId(id, {
    author: Array.isArray(book.authors) ? book.authors[0] : null,
    year: book.publishedDate ?? null,
    type: book.printType === 'BOOK' ? 'paperback' : 'unknown',
    pages: book.pageCount ?? null,
    publisher: book.publisher ?? null,
    language: book.language === 'en' ? 'English' : 'unknown',
    'ISBN-10': isbn(book, 'ISBN_10'),
    'ISBN-13': isbn(book, 'ISBN_13'),
  });
}

function isbn(book: VolumeInfo, type: string): unknown {
  if (!Array.isArray(book.industryIdentifiers)) return null;
  const found = (book.industryIdentifiers as Array<{ type?: unknown; identifier?: unknown }>).find(
    (i) => i && typeof i === 'object' && i.type === type,
  );
  return found?.identifier ?? null;
}

const app = startApp('details', handle);
app.onShutdown(() => client.close());
