// Vitest global setup: compile the CLI once before any test file runs, so the
// tests that spawn dist/cli/main.js never race a build of another test file.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const repo = fileURLToPath(new URL('../../', import.meta.url));
  const r = spawnSync('npm', ['run', 'build'], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed (status ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}
