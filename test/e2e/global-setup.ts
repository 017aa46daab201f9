/**
 * jest globalSetup for the e2e suites: make sure the real n8n is installed (test/e2e/runtime/install.sh) and the
 * package is built (dist/ with every file package.json's "n8n" section lists), then hand facts to the suites
 * through env (process.env set here is visible to the tests when they run in band).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { newestMtime, REPO_ROOT } from './support/paths';
import { ensureRuntime } from './support/runtime';

function missingDistFiles(): string[] {
	const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const listed = [...(pkg.n8n?.credentials ?? []), ...(pkg.n8n?.nodes ?? [])];
	if (!existsSync(join(REPO_ROOT, 'dist'))) return ['dist/'];
	return listed.filter((f) => !existsSync(join(REPO_ROOT, f)));
}

export default async function globalSetup(): Promise<void> {
	const say = (s: string) => process.stdout.write(`[e2e setup] ${s}\n`);
	process.env.E2E_RUN_ID ??= `${Date.now()}-${randomBytes(3).toString('hex')}`;

	// 1. the package build
	const missing = missingDistFiles();
	if (missing.length > 0 || process.env.E2E_BUILD === '1') {
		say(missing.length ? `dist incomplete (${missing.slice(0, 3).join(', ')}): npm run build` : 'E2E_BUILD=1: npm run build');
		const t = Date.now();
		const r = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 5 * 60_000 });
		if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status ?? r.signal ?? r.error})`);
		process.env.E2E_BUILD_MS = String(Date.now() - t);
		const still = missingDistFiles();
		if (still.length) throw new Error(`after npm run build these files are still missing: ${still.join(', ')}`);
	}

	else {
		const src = Math.max(newestMtime(join(REPO_ROOT, 'nodes'), '.ts'), newestMtime(join(REPO_ROOT, 'credentials'), '.ts'));
		const built = newestMtime(join(REPO_ROOT, 'dist'), '.js');
		if (src > built) say('WARNING: sources are newer than dist/: testing the OLD build (run `npm run build` or set E2E_BUILD=1)');
	}

	// 2. the n8n runtime
	if (process.env.E2E_N8N_DIR) say(`using the n8n install in E2E_N8N_DIR=${process.env.E2E_N8N_DIR}`);
	const rt = await ensureRuntime({ timeoutMs: 30 * 60_000 });
	process.env.E2E_RUNTIME_ENSURE_MS = String(rt.ensureMs);
	process.env.E2E_RUNTIME_INSTALLED_NOW = rt.installedNow ? '1' : '0';
	process.env.E2E_RUNTIME_INSTALL_SECONDS = String(rt.installSeconds ?? '');
	say(
		`n8n ${rt.n8nVersion} on node ${rt.nodeVersion} (${rt.dir}): ${
			rt.installedNow ? `installed now in ${Math.round(rt.ensureMs / 1000)} s` : `already installed (took ${rt.installSeconds ?? '?'} s)`
		}`,
	);
}
