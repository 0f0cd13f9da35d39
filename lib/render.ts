// Rendering is a pure function of a template and its data: templates never see `this`.
import { readFileSync } from 'node:fs';
import ejs from 'ejs';
import { templatesDir } from './paths.ts';

export function render(template: string, data: Record<string, unknown>): string {
  const filename = templatesDir(template);
  const text = ejs.render(readFileSync(filename, 'utf8'), data, {
    filename,
    strict: true,
    _with: false,
    localsName: 'it',
  } as ejs.Options & { async: false });
  // Templates may leave blank lines where a block was skipped: keep at most one.
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
