/**
 * Splits a stream of text chunks into newline-delimited messages. Configurations can be megabytes,
 * so the newline is searched only in the chunk that just arrived, never in what was buffered.
 */
export class LineSplitter {
  private parts: string[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf('\n', start)) >= 0) {
      this.parts.push(chunk.slice(start, nl));
      const line = this.parts.join('');
      this.parts = [];
      start = nl + 1;
      if (line.trim() !== '') this.onLine(line);
    }
    if (start < chunk.length) this.parts.push(chunk.slice(start));
  }
}
