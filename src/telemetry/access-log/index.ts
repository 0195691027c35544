import { formatJson } from './json-format.js';
import type { AccessLogRecord } from './record.js';
import { formatText } from './text-format.js';

export type { AccessLogRecord } from './record.js';
export { formatText } from './text-format.js';
export { formatJson, JSON_LOG_KEYS } from './json-format.js';

/** MeshConfig `accessLogEncoding`. */
export type AccessLogEncoding = 'TEXT' | 'JSON';

export type AccessLogFormatter = (record: AccessLogRecord) => string;

/** The formatter for an encoding, chosen once when config arrives; each line ends in `\n`. */
export function accessLogFormatter(encoding: AccessLogEncoding): AccessLogFormatter {
  return encoding === 'JSON' ? formatJson : formatText;
}
