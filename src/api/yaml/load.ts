import { readFile, readdir, stat } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { LineCounter, parseAllDocuments, isCollection, isMap, isSeq, isScalar, type Document } from 'yaml';
import { Codes, type Check } from '../checks.js';

/** Files larger than this are refused before parsing: no Kubernetes object comes near it. */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
/** Deeper nesting than any real manifest; refusing it keeps the recursive parts of parsing safe. */
export const MAX_NESTING_DEPTH = 200;
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export type PathPart = string | number;

/** One document (or one item of a `List`) as written, with a way back to its lines. */
export interface LoadedDocument {
  file: string;
  /** 0-based position of the document in its file. */
  index: number;
  /** 1-based line where the document (or List item) starts. */
  line: number;
  value: unknown;
  /** Line of the deepest node that exists along `path` (relative to this document). */
  lineOf(path: readonly PathPart[]): number;
}

export interface LoadResult {
  documents: LoadedDocument[];
  checks: Check[];
}

function fileCheck(file: string, line: number, message: string, code: string = Codes.YamlSyntaxError): Check {
  return { code, level: 'Error', path: '', message, source: { file, line } };
}

function nestingDepth(text: string): number {
  // Flow collections are the only way to nest deeply on few lines; block nesting is bounded by indentation.
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    }
  }
  return max;
}

function nodeStart(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null | undefined)?.range?.[0];
}

/** Line of the deepest node along `path`; for a map entry, the line of its key. */
function makeLineOf(doc: Document, counter: LineCounter, basePath: readonly PathPart[]) {
  return (path: readonly PathPart[]): number => {
    let node: unknown = doc.contents;
    let offset = nodeStart(node) ?? 0;
    for (const part of [...basePath, ...path]) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === part);
        if (!pair) break;
        offset = nodeStart(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number') {
        const item = node.items[part];
        if (item === undefined) break;
        offset = nodeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return counter.linePos(offset).line;
  };
}

function isListKind(value: unknown): value is { kind: string; items: unknown[] } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items) && v.apiVersion === 'v1';
}

/** Parses multi-document YAML or JSON text. Never throws: problems come back as checks. */
export function loadText(text: string, file: string): LoadResult {
  const documents: LoadedDocument[] = [];
  const checks: Check[] = [];
  if (text.includes('\u0000')) {
    checks.push(fileCheck(file, 0, 'not a text file (contains NUL bytes); manifests are YAML or JSON text'));
    return { documents, checks };
  }
  if (nestingDepth(text) > MAX_NESTING_DEPTH) {
    checks.push(fileCheck(file, 0, `nesting deeper than ${MAX_NESTING_DEPTH} levels; no manifest needs that`));
    return { documents, checks };
  }
  const counter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false, strict: true }) as Document.Parsed[];
  } catch (err) {
    checks.push(fileCheck(file, 0, `cannot parse: ${(err as Error).message}`));
    return { documents, checks };
  }
  if (!Array.isArray(docs)) docs = [docs];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      // After the first syntax error the parser's further complaints are mostly its consequences.
      const e = doc.errors[0] as (typeof doc.errors)[number];
      const line = e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line;
      const more = doc.errors.length > 1 ? ` (the document has ${doc.errors.length - 1} more errors after this one)` : '';
      checks.push(fileCheck(file, line, `YAML syntax error: ${firstLine(e.message)}${more}`));
      return;
    }
    if (doc.contents === null) return; // an empty document: only comments or `---`
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      checks.push(fileCheck(file, counter.linePos(doc.range[0]).line, `cannot read document: ${(err as Error).message}`));
      return;
    }
    if (value === null || value === undefined) return;
    const startLine = isCollection(doc.contents) && doc.contents.range ? counter.linePos(doc.contents.range[0]).line : 1;
    if (isListKind(value)) {
      value.items.forEach((item, i) => {
        const lineOf = makeLineOf(doc, counter, ['items', i]);
        documents.push({ file, index, line: lineOf([]), value: item, lineOf });
      });
      return;
    }
    documents.push({ file, index, line: startLine, value, lineOf: makeLineOf(doc, counter, []) });
  });
  return { documents, checks };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

async function listManifestFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await listManifestFiles(child)));
    else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(child);
  }
  return out;
}

export async function loadFile(file: string): Promise<LoadResult> {
  try {
    const info = await stat(file);
    if (info.size > MAX_MANIFEST_BYTES) {
      const mb = (info.size / (1024 * 1024)).toFixed(1);
      return { documents: [], checks: [fileCheck(file, 0, `file is ${mb} MiB; tack reads manifest files up to ${MAX_MANIFEST_BYTES / (1024 * 1024)} MiB`, Codes.FileError)] };
    }
    const bytes = await readFile(file);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { documents: [], checks: [fileCheck(file, 0, 'not a text file (invalid UTF-8); manifests are YAML or JSON text', Codes.FileError)] };
    }
    return loadText(text, file);
  } catch (err) {
    return { documents: [], checks: [fileCheck(file, 0, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, Codes.FileError)] };
  }
}

/** Loads files and folders (recursively, `.yaml`/`.yml`/`.json`, in name order). `-` reads standard input. */
export async function loadPaths(paths: readonly string[], stdin?: () => Promise<string>): Promise<LoadResult> {
  const documents: LoadedDocument[] = [];
  const checks: Check[] = [];
  for (const path of paths) {
    if (path === '-') {
      const text = stdin ? await stdin() : '';
      const r = loadText(text, '<stdin>');
      documents.push(...r.documents);
      checks.push(...r.checks);
      continue;
    }
    let files: string[];
    try {
      files = await listManifestFiles(path);
    } catch (err) {
      checks.push(fileCheck(path, 0, `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, Codes.FileError));
      continue;
    }
    for (const file of files) {
      const r = await loadFile(file);
      documents.push(...r.documents);
      checks.push(...r.checks);
    }
  }
  return { documents, checks };
}

/** The texts of manifest files under `paths` (for sending to a running mesh); unreadable ones become checks. */
export async function readManifestTexts(paths: readonly string[], stdin?: () => Promise<string>): Promise<{ files: { name: string; text: string }[]; checks: Check[] }> {
  const files: { name: string; text: string }[] = [];
  const checks: Check[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push({ name: '<stdin>', text: stdin ? await stdin() : '' });
      continue;
    }
    let names: string[];
    try {
      names = await listManifestFiles(path);
    } catch (err) {
      checks.push(fileCheck(path, 0, `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, Codes.FileError));
      continue;
    }
    for (const name of names) {
      const info = await stat(name);
      if (info.size > MAX_MANIFEST_BYTES) {
        checks.push(fileCheck(name, 0, `file is ${(info.size / (1024 * 1024)).toFixed(1)} MiB; tack reads manifest files up to ${MAX_MANIFEST_BYTES / (1024 * 1024)} MiB`, Codes.FileError));
        continue;
      }
      files.push({ name, text: await readFile(name, 'utf8') });
    }
  }
  return { files, checks };
}
