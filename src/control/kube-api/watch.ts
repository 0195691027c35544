/**
 * `?watch=1`: a chunked stream of JSON events (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR), from a
 * resourceVersion on, as the API server sends them. A resourceVersion older than the kept history gets
 * an ERROR event with a 410 Expired Status, which tells clients to list again.
 */
import type { ServerResponse } from 'node:http';
import { selected, wantsTable, type CrudContext, type ObjectRequest } from './crud.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { toTable } from './tables.js';
import { Status } from './status.js';
import type { KubeObject } from './objects.js';
import type { VersionTracker, ChangeEvent } from './versions.js';

export interface WatchOptions {
  bookmarkMs: number;
}

export function watch(ctx: CrudContext, tracker: VersionTracker, req: ObjectRequest, res: ServerResponse, opts: WatchOptions): void {
  const labels = parseLabelSelector(req.query.get('labelSelector'));
  const fields = parseFieldSelector(req.query.get('fieldSelector'), ['metadata.name', 'metadata.namespace']);
  const table = wantsTable(req.accept);
  const matches = (o: KubeObject): boolean =>
    (!req.type.namespaced || req.namespace === undefined || o.metadata.namespace === req.namespace) &&
    (req.name === undefined || o.metadata.name === req.name) &&
    labels((o.metadata.labels ?? {}) as Record<string, string>) &&
    fields((p) => (p === 'metadata.name' ? String(o.metadata.name) : String(o.metadata.namespace ?? '')));
  const shape = (o: KubeObject): unknown => (table ? toTable(req.type.kind, [o], { now: ctx.now(), resourceVersion: String(o.metadata.resourceVersion), include: 'Object' }) : o);

  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
  res.flushHeaders();
  const send = (type: string, object: unknown): void => void res.write(`${JSON.stringify({ type, object })}\n`);

  const rvParam = req.query.get('resourceVersion');
  const from = rvParam === null || rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
  if (from !== undefined && (!Number.isInteger(from) || from < tracker.oldest)) {
    send('ERROR', Status.gone(`too old resource version: ${rvParam} (${tracker.oldest})`).status);
    res.end();
    return;
  }
  const deliver = (e: ChangeEvent): void => {
    const o = ctx.view.of(e.object, req.type, req.version);
    if (!o) return;
    if (e.type === 'DELETED') o.metadata.resourceVersion = String(e.revision);
    if (matches(o)) send(e.type, shape(o));
  };
  if (from === undefined) {
    for (const o of selected(ctx, req)) if (matches(o)) send('ADDED', shape(o));
  } else {
    for (const e of tracker.since(from)) deliver(e);
  }

  const stop = tracker.onEvent(deliver);
  const bookmarks = req.query.get('allowWatchBookmarks') === 'true'
    ? setInterval(() => send('BOOKMARK', { kind: req.type.kind, apiVersion: req.type.group ? `${req.type.group}/${req.version}` : req.version, metadata: { resourceVersion: String(ctx.store.revision) } }), opts.bookmarkMs)
    : undefined;
  bookmarks?.unref();
  const timeout = Number(req.query.get('timeoutSeconds') ?? 0);
  const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
  timer?.unref();
  res.on('close', () => {
    stop();
    clearInterval(bookmarks);
    clearTimeout(timer);
  });
}
