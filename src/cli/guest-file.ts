// Reading a file the user named (kernel, image, log), with one-line errors.
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../devices/index.js';

export function readGuestFile(path: string, what: string): Uint8Array {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code)}`);
  }
  if (st.isDirectory()) throw new UserError(`${what} ${path}: is a directory`);
  if (!st.isFile()) throw new UserError(`${what} ${path}: not a regular file`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UserError(`${what} ${path}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
}
