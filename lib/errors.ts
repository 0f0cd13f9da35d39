/** Bad input in the user's project or options: the message names the file (or option) and the problem. */
export class InputError extends Error {
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'InputError';
    this.file = file;
  }
}

/** Line number (1-based) and column of an offset in a text. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse with an error that names the file, line and problem. */
export function parseJsonFile<T = unknown>(file: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const message = (error as Error).message;
    const pos = /position (\d+)/.exec(message);
    const where = pos ? ` (line ${lineOf(text, Number(pos[1]))})` : '';
    throw new InputError(file, `is not valid JSON${where}: ${message.replace(/^JSON\.parse: /, '')}`);
  }
}

/** `--check` found generated files that differ from the files on disk. */
export class DriftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriftError';
  }
}
