/**
 * `tack get ... | head -5`: when the reader of standard output or error goes away, writing fails with
 * EPIPE. As kubectl does, the command then stops quietly instead of dying with a stack trace.
 */
let onClosed: () => void = () => process.exit();

/** What to do instead of exiting at once (`tack up` stops its pods first). */
export function whenOutputCloses(handler: () => void): void {
  onClosed = handler;
}

export function exitQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
        onClosed();
        return;
      }
      // Any other failure to write output is a real error: report it as before.
      throw err;
    });
  }
}
