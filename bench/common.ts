// Shared by the benchmark scripts: where things are, and the engine set-up.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from '../test/e2e/support/paths';

/** Repository root, wherever the compiled scripts run from. */
export const repoRoot = REPO_ROOT;

/** n8n-core keeps instance settings under N8N_USER_FOLDER; use a throw-away one. */
export function isolateN8nUserFolder(): void {
	process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-docx-bench-'));
	process.env.N8N_ENCRYPTION_KEY ??= 'bench-not-secret';
}

/**
 * Loads a node class from the built package (dist/), as n8n would. BENCH_DIST points at another
 * build (e.g. an earlier commit's) to measure it with the same bench.
 */
export function builtNode<T>(relativePath: string, exportName: string): new () => T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const module = require(join(process.env.BENCH_DIST ?? join(repoRoot, 'dist'), relativePath)) as Record<string, new () => T>;
	return module[exportName];
}

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
