import { readFile, readdir, stat } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { Composer, LineCounter, Parser, isCollection, isMap, isSeq, isScalar, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { Codes, type Check } from '../checks.js';
import { fetchManifest, isUrl, UrlError } from './url.js';

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

/** Offset of the deepest node along `path` in `doc`; for a map entry, the offset of its key. */
function offsetAlong(doc: Document, path: readonly PathPart[]): number {
  let node: unknown = doc.contents;
  let offset = nodeStart(node) ?? 0;
  for (const part of path) {
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
  return offset;
}

const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { uniqueKeys: true, prettyErrors: false, strict: true };

/** Documents one at a time, so that only one document's syntax tree is alive at once. */
function* documentsOf(text: string, counter?: LineCounter): Generator<Document.Parsed> {
  const parser = new Parser(counter?.addNewLine);
  yield* new Composer(PARSE_OPTIONS).compose(parser.parse(text)) as Generator<Document.Parsed>;
}

/** Where one document's content is in its file's text: what a line lookup re-reads. */
interface DocumentSpan {
  text: string;
  /** Index of the document in the file, to find it again if its span cannot be read on its own. */
  index: number;
  start: number;
  end: number;
  /** 1-based line and 0-based column of `start`. */
  line: number;
  col: number;
}

/** A document's tree and the line of an offset in it. */
interface Tree {
  doc: Document;
  lineAt(offset: number): number;
}

/** The one document whose tree a line lookup built last: lookups come in runs for one document. */
let lastTree: { span: DocumentSpan; tree: Tree } | undefined;

function treeOf(span: DocumentSpan): Tree {
  if (lastTree?.span === span) return lastTree.tree;
  // The content alone, indented as it was, parses to the same tree; its first line is `span.line`.
  const counter = new LineCounter();
  const own = [...documentsOf(' '.repeat(span.col) + span.text.slice(span.start, span.end), counter)];
  let tree: Tree;
  if (own.length === 1 && own[0]?.errors.length === 0) tree = { doc: own[0], lineAt: (offset) => span.line + counter.linePos(offset).line - 1 };
  else {
    // Rare (directives or tags before the content): the whole file again, up to this document.
    const whole = new LineCounter();
    let found: Document | undefined;
    let i = 0;
    for (const d of documentsOf(span.text, whole)) {
      if (i++ === span.index) {
        found = d;
        break;
      }
    }
    tree = { doc: found ?? (own[0] as Document), lineAt: (offset) => whole.linePos(offset).line };
  }
  lastTree = { span, tree };
  return tree;
}

/**
 * Line of the deepest node along `path`; for a map entry, the line of its key. The document's tree
 * is not kept: a stored resource would hold many times its own size in syntax nodes (a 7.5 MB
 * manifest held over 300 MB). It is rebuilt from the text on demand; lookups are for findings.
 */
function makeLineOf(span: DocumentSpan, basePath: readonly PathPart[]) {
  return (path: readonly PathPart[]): number => {
    const tree = treeOf(span);
    return tree.lineAt(offsetAlong(tree.doc, [...basePath, ...path]));
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
  let index = 0;
  try {
    for (const doc of documentsOf(text, counter)) readDocument(doc, index++);
  } catch (err) {
    checks.push(fileCheck(file, 0, `cannot parse: ${(err as Error).message}`));
    return { documents: [], checks };
  }
  function readDocument(doc: Document.Parsed, index: number): void {
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
    const range = doc.contents.range ?? doc.range;
    const pos = counter.linePos(range[0]);
    const span: DocumentSpan = { text, index, start: range[0], end: range[2], line: pos.line, col: pos.col - 1 };
    const startLine = isCollection(doc.contents) && doc.contents.range ? pos.line : 1;
    if (isListKind(value)) {
      value.items.forEach((item, i) => {
        const lineOf = makeLineOf(span, ['items', i]);
        documents.push({ file, index, line: lineOf([]), value: item, lineOf });
      });
      return;
    }
    documents.push({ file, index, line: startLine, value, lineOf: makeLineOf(span, []) });
  }
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

/** The text at an http(s) URL, or a check naming the URL as the file. */
async function readUrl(url: string): Promise<{ text: string } | { check: Check }> {
  try {
    return { text: await fetchManifest(url, MAX_MANIFEST_BYTES) };
  } catch (err) {
    return { check: fileCheck(url, 0, `cannot read: ${err instanceof UrlError ? err.message : String(err)}`, Codes.FileError) };
  }
}

/**
 * Loads files and folders (recursively, `.yaml`/`.yml`/`.json`, in name order) and http(s) URLs.
 * `-` reads standard input.
 */
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
    if (isUrl(path)) {
      const got = await readUrl(path);
      if ('check' in got) checks.push(got.check);
      else {
        const r = loadText(got.text, path);
        documents.push(...r.documents);
        checks.push(...r.checks);
      }
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
    if (isUrl(path)) {
      const got = await readUrl(path);
      if ('check' in got) checks.push(got.check);
      else files.push({ name: path, text: got.text });
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
