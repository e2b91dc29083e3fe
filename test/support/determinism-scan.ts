// The determinism rule of DESIGN.md ("Time and determinism"): no CPU or
// device code reads host time, host randomness or host event order. Those
// calls may appear only at the host boundary: src/cli/ and src/replay/host*.ts.
//
// The scan looks at code and string literals (the backend emits guest code as
// JavaScript source, so a string can carry a violation too) but not at
// comments, which may well name what they avoid.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export const FORBIDDEN: Array<{ what: string; re: RegExp }> = [
  { what: 'Date.now', re: /\bDate\s*\.\s*now\b/ },
  // new Date(...), new Date, and Date() (the current time as a string).
  { what: 'new Date(', re: /\bnew\s+Date\b|(?<![.\w$])Date\s*\(/ },
  { what: 'performance.now', re: /\bperformance\s*\.\s*now\b/ },
  { what: 'process.hrtime', re: /\bprocess\s*\.\s*hrtime\b/ },
  { what: 'process.uptime', re: /\bprocess\s*\.\s*uptime\b/ },
  { what: 'Math.random', re: /\bMath\s*\.\s*random\b/ },
  { what: 'crypto randomness', re: /\b(?:randomBytes|randomFill(?:Sync)?|randomInt|randomUUID|getRandomValues)\b/ },
  { what: 'setTimeout', re: /\bsetTimeout\b/ },
  { what: 'setInterval', re: /\bsetInterval\b/ },
  { what: 'setImmediate', re: /\bsetImmediate\b/ },
  // Host clocks and timers by another name (import { performance as p } ...).
  { what: 'import of a host clock or timer module', re: /(?:from|import|require\()\s*['"](?:node:)?(?:perf_hooks|timers(?:\/promises)?)['"]/ },
];

export interface Violation {
  file: string;
  line: number;
  what: string;
  text: string;
}

/** Is `rel` (a path relative to the repository root, any separator) part of the host boundary? */
export function isHostBoundary(rel: string): boolean {
  const p = rel.split(sep).join('/');
  return p.startsWith('src/cli/') || /^src\/replay\/host[^/]*\.ts$/.test(p);
}

/** `source` with every comment replaced by spaces (line breaks kept, so line numbers stay). */
export function maskComments(fileName: string, source: string): string {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const ranges = new Map<number, number>();
  const add = (rs: readonly ts.CommentRange[] | undefined) => rs?.forEach((r) => ranges.set(r.pos, r.end));
  const visit = (node: ts.Node) => {
    add(ts.getLeadingCommentRanges(source, node.getFullStart()));
    add(ts.getTrailingCommentRanges(source, node.getEnd()));
    // getChildren() includes tokens (and the end-of-file token with the last comments).
    for (const child of node.getChildren(sf)) visit(child);
  };
  visit(sf);
  const chars = source.split('');
  for (const [pos, end] of ranges) {
    for (let i = pos; i < end; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
  }
  return chars.join('');
}

/** The violations in one file's text (`file` is only used to name them). */
export function scanSource(file: string, source: string): Violation[] {
  const code = maskComments(file, source).split('\n');
  const original = source.split('\n');
  const found: Violation[] = [];
  code.forEach((line, i) => {
    for (const f of FORBIDDEN) {
      if (f.re.test(line)) found.push({ file, line: i + 1, what: f.what, text: original[i].trim() });
    }
  });
  return found;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.isFile() && e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** Scans every .ts file under `root`/src outside the host boundary; files are named relative to `root`. */
export function scanTree(root: string): { scanned: string[]; violations: Violation[] } {
  const scanned: string[] = [];
  const violations: Violation[] = [];
  for (const abs of tsFiles(join(root, 'src'))) {
    const rel = relative(root, abs).split(sep).join('/');
    if (isHostBoundary(rel)) continue;
    scanned.push(rel);
    violations.push(...scanSource(rel, readFileSync(abs, 'utf8')));
  }
  return { scanned, violations };
}

export function formatViolations(vs: Violation[]): string {
  return vs.map((v) => `${v.file}:${v.line}: ${v.what}: ${v.text}`).join('\n');
}
