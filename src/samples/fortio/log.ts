/** fortio's logger: `00:53:55 W http_client.go:693> message` on stderr, filtered by level. */

export const LEVELS = ['Debug', 'Verbose', 'Info', 'Warning', 'Error', 'Critical', 'Fatal'] as const;
export type Level = (typeof LEVELS)[number];

export class Logger {
  private level = LEVELS.indexOf('Info');

  constructor(private readonly write: (line: string) => void = (line) => process.stderr.write(line)) {}

  /** Parses `-loglevel` (case-insensitive name or number); false when unknown. */
  setLevel(name: string, announce: boolean): boolean {
    const byName = LEVELS.findIndex((l) => l.toLowerCase() === name.toLowerCase());
    const idx = byName >= 0 ? byName : /^\d$/.test(name) && Number(name) < LEVELS.length ? Number(name) : -1;
    if (idx < 0) return false;
    const was = this.level;
    this.level = idx;
    if (announce && idx !== was) this.emit('I', 'logger.go:127', `Log level is now ${idx} ${LEVELS[idx]} (was ${was} ${LEVELS[was]})`);
    return true;
  }

  enabled(level: Level): boolean {
    return LEVELS.indexOf(level) >= this.level;
  }

  info(where: string, msg: string): void {
    if (this.enabled('Info')) this.emit('I', where, msg);
  }

  warn(where: string, msg: string): void {
    if (this.enabled('Warning')) this.emit('W', where, msg);
  }

  error(where: string, msg: string): void {
    if (this.enabled('Error')) this.emit('E', where, msg);
  }

  private emit(letter: string, where: string, msg: string): void {
    const now = new Date();
    const time = [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    this.write(`${time} ${letter} ${where}> ${msg}\n`);
  }
}
