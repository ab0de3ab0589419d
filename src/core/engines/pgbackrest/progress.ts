/**
 * pgBackRest 2.45's only progress: at console log level "detail" each file it backs up or restores is printed with
 * the percent of the whole done so far (`P01 DETAIL: backup file /data/base/5/16387 (195.3MB, 89.88%) checksum …`).
 */
const FILE_LINE = /\b(?:backup|restore) file \S+ \([^,()]*, ([\d.]+)%\)/;
const INFO_LINE = /\bINFO: (.*)$/;

/** The fraction done (0..1) a console line reports, or undefined. */
export function fileFraction(line: string): number | undefined {
  const m = FILE_LINE.exec(line);
  return m ? Math.min(1, Number(m[1]) / 100) : undefined;
}

/**
 * A line handler that turns file lines into progress and passes every other line on (to the output channel), with
 * pgBackRest's INFO lines as the spinner's words until files are copied.
 */
export function progressLines(
  onProgress: ((fraction: number | undefined, message: string) => void) | undefined,
  onLine: ((line: string) => void) | undefined,
  verb: string,
): (line: string) => void {
  let fraction: number | undefined;
  return (line) => {
    const f = fileFraction(line);
    if (f !== undefined) {
      fraction = f;
      onProgress?.(f, `${verb} files (${Math.round(f * 100)}%)`);
      return;
    }
    onLine?.(line);
    const info = INFO_LINE.exec(line)?.[1];
    if (info && !/command (begin|end)/.test(info)) onProgress?.(fraction, info.replace(/,? lsn = .*$/, ''));
  };
}
