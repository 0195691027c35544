/** `-f https://…`: manifests fetched over HTTP(S), as kubectl fetches them. */

/** How long one fetch may take, redirects and body included. */
export const URL_TIMEOUT_MS = 30_000;

export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** A fetch that failed; the message says why, for a check naming the URL as its file. */
export class UrlError extends Error {}

/**
 * GETs a manifest, following redirects (fetch's limit, 20), within `URL_TIMEOUT_MS`, refusing
 * non-2xx answers and bodies over `maxBytes` (read as they arrive, so a huge body is never held).
 */
export async function fetchManifest(url: string, maxBytes: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(URL_TIMEOUT_MS), headers: { accept: 'application/yaml, application/json, text/plain, */*' } });
  } catch (err) {
    throw new UrlError(reason(err));
  }
  if (res.status < 200 || res.status > 299) {
    await res.body?.cancel().catch(() => undefined);
    throw new UrlError(`the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new UrlError(tooLarge(declared, maxBytes));
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (res.body) {
      for await (const chunk of res.body) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          await res.body.cancel().catch(() => undefined);
          throw new UrlError(tooLarge(size, maxBytes, true));
        }
        chunks.push(chunk);
      }
    }
  } catch (err) {
    if (err instanceof UrlError) throw err;
    throw new UrlError(reason(err));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new UrlError('not a text file (invalid UTF-8); manifests are YAML or JSON text');
  }
}

function tooLarge(size: number, max: number, partial = false): string {
  return `${partial ? 'more than ' : ''}${(size / (1024 * 1024)).toFixed(1)} MiB; tack reads manifest files up to ${max / (1024 * 1024)} MiB`;
}

function reason(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${URL_TIMEOUT_MS / 1000} s`;
  // fetch wraps the network error (ECONNREFUSED, ENOTFOUND, too many redirects) in `cause`.
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code === 'ECONNREFUSED' ? 'connection refused' : cause.code;
  return cause?.message ?? (err instanceof Error ? err.message : String(err));
}
