import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-document-extraction';

/**
 * The repository root: the nearest folder above this file whose package.json is ours. Works both from the
 * TypeScript sources (ts-jest) and from a compiled copy (e.g. `.tools/test/e2e/support/*.js`).
 */
export function findRepoRoot(start: string = __dirname): string {
	let dir = resolve(start);
	for (;;) {
		const pkg = join(dir, 'package.json');
		if (existsSync(pkg)) {
			try {
				if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
			} catch {
				// not a readable package.json: keep walking up
			}
		}
		const parent = dirname(dir);
		if (parent === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${start}`);
		dir = parent;
	}
}

/** E2E_REPO_ROOT wins; then the folders above this file; then the folders above the cwd. */
function locateRepoRoot(): string {
	if (process.env.E2E_REPO_ROOT) return resolve(process.env.E2E_REPO_ROOT);
	try {
		return findRepoRoot(__dirname);
	} catch {
		return findRepoRoot(process.cwd());
	}
}

export const REPO_ROOT = locateRepoRoot();
export const E2E_STATE_ROOT = join(REPO_ROOT, '.e2e');
export const INSTALL_SCRIPT = join(REPO_ROOT, 'test', 'e2e', 'runtime', 'install.sh');

/** Newest modification time (ms) of the files under `dir` whose names end with `ext`; 0 when there are none. */
export function newestMtime(dir: string, ext: string): number {
	if (!existsSync(dir)) return 0;
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && e.name.endsWith(ext))
		.reduce((newest, e) => Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs), 0);
}
