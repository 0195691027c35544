/** Writing HTTP/1.1 heads, refusing any value that could split a header or a message. */
import { systemClock } from '../clock.js';
import type { OutgoingHttpHeaders } from 'node:http';
import { TOKEN } from './parser.js';

/** CR, LF and NUL would let a value start a new header or a new message. */
const UNSAFE_VALUE = /[\r\n\0]/;

export class HeaderValueError extends Error {
  constructor(name: string) {
    super(`header ${JSON.stringify(name)} has an invalid name or value`);
    this.name = 'HeaderValueError';
  }
}

/** Names already checked; most traffic repeats a few dozen, and the set is bounded. */
const checkedNames = new Set<string>();
const MAX_CHECKED_NAMES = 2048;

function checkName(name: string): void {
  if (checkedNames.has(name)) return;
  if (!TOKEN.test(name)) throw new HeaderValueError(name);
  if (checkedNames.size < MAX_CHECKED_NAMES) checkedNames.add(name);
}

function line(name: string, value: string): string {
  if (UNSAFE_VALUE.test(value)) throw new HeaderValueError(name);
  return `${name}: ${value}\r\n`;
}

/** Header lines for `headers`, each value checked; array values become repeated lines. */
export function headerLines(headers: OutgoingHttpHeaders): string {
  let out = '';
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined) continue;
    checkName(name);
    if (Array.isArray(v)) for (const item of v) out += line(name, item);
    else out += line(name, typeof v === 'string' ? v : String(v));
  }
  return out;
}

let dateSecond = 0;
let dateText = '';

/** The `Date` header's value, formatted once per second rather than once per response. */
export function httpDate(): string {
  const now = systemClock.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
