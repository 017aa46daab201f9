/**
 * Where the real n8n used by the e2e suites lives, and installing it on demand.
 * The install itself is test/e2e/runtime/install.sh (bash, also used by CI and developers); it writes
 * `<dir>/runtime.json` only after `n8n --version` worked, so the presence of that marker means "complete".
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { INSTALL_SCRIPT, REPO_ROOT } from './paths';
import { descendants, procRef, signalAll } from './proc';

export interface RuntimeInfo {
	/** install folder (`<repo>/.cache/n8n-runtime/<hash>` or $N8N_RUNTIME_DIR) */
	dir: string;
	/** absolute path of the Node binary n8n must run on (Node 24 for n8n 2.41.1) */
	node: string;
	nodeVersion: string;
	/** folder whose node_modules holds n8n */
	n8nDir: string;
	/** `<n8nDir>/node_modules/n8n/bin/n8n` (run it as `<node> <n8nBin> …`) */
	n8nBin: string;
	n8nVersion: string;
	hash?: string;
	installSeconds?: number;
}

export interface EnsureRuntimeResult extends RuntimeInfo {
	/** true when this call ran the installer */
	installedNow: boolean;
	/** wall time of this call (≈ 0 when already installed) */
	ensureMs: number;
}

/** Env for install.sh: N8N_RUNTIME_DIR / N8N_RUNTIME_SOURCE / N8N_RUNTIME_NODE pass through from `env`. */
function installEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	return { ...env, CI: env.CI ?? 'true' };
}

/** The folder install.sh uses (no install). */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
	const r = spawnSync('bash', [INSTALL_SCRIPT, '--print-dir'], { env: installEnv(env), encoding: 'utf8', timeout: 30_000 });
	if (r.status !== 0) throw new Error(`install.sh --print-dir failed: ${r.stderr || r.error}`);
	return r.stdout.trim();
}

/** The installed runtime described by its marker, or undefined when not (completely) installed. */
export function readRuntime(dir: string = runtimeDir()): RuntimeInfo | undefined {
	const marker = join(dir, 'runtime.json');
	if (!existsSync(marker)) return undefined;
	const info = JSON.parse(readFileSync(marker, 'utf8')) as RuntimeInfo;
	if (!existsSync(info.node) || !existsSync(info.n8nBin)) return undefined;
	return info;
}

/**
 * Describe an n8n install made some other way (e.g. n8n 2.8.4 for a compatibility run on the system Node 20):
 * `n8nDir` is the folder whose node_modules holds n8n; `node` defaults to the `node` on PATH.
 */
export function customRuntime(n8nDir: string, node = 'node'): RuntimeInfo {
	const n8nBin = join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
	const pkg = JSON.parse(readFileSync(join(n8nDir, 'node_modules', 'n8n', 'package.json'), 'utf8')) as { version: string };
	const v = spawnSync(node, ['--version'], { encoding: 'utf8' });
	const nodePath = spawnSync(node, ['-p', 'process.execPath'], { encoding: 'utf8' }).stdout.trim() || node;
	return { dir: n8nDir, node: nodePath, nodeVersion: v.stdout.trim(), n8nDir, n8nBin, n8nVersion: pkg.version };
}

/**
 * The runtime the suites use: by default the one install.sh put in place; set E2E_N8N_DIR (a folder whose
 * node_modules holds n8n) and optionally E2E_NODE (node binary, default `node` on PATH) to run against another
 * install, e.g. n8n 2.8.4 on the system Node 20.
 */
export function defaultRuntime(env: NodeJS.ProcessEnv = process.env): RuntimeInfo | undefined {
	if (env.E2E_N8N_DIR) return customRuntime(env.E2E_N8N_DIR, env.E2E_NODE ?? 'node');
	return readRuntime(runtimeDir(env));
}

export interface EnsureRuntimeOptions {
	/** bound for the installer (default 30 min; a cold install takes ~4-5 min on 2 cores) */
	timeoutMs?: number;
	/** where installer output goes (default: inherit this process's stdout/stderr) */
	onOutput?: (chunk: string) => void;
	env?: NodeJS.ProcessEnv;
}

/** Returns the runtime, running install.sh first if its marker is missing. */
export async function ensureRuntime(opts: EnsureRuntimeOptions = {}): Promise<EnsureRuntimeResult> {
	const env = opts.env ?? process.env;
	const start = Date.now();
	const existing = defaultRuntime(env);
	if (existing) return { ...existing, installedNow: false, ensureMs: Date.now() - start };

	const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
	await new Promise<void>((resolvePromise, reject) => {
		const child = spawn('bash', [INSTALL_SCRIPT], {
			cwd: REPO_ROOT,
			env: installEnv(env),
			stdio: ['ignore', opts.onOutput ? 'pipe' : 'inherit', opts.onOutput ? 'pipe' : 'inherit'],
			// same process group: a terminal Ctrl-C stops the installer (the marker is then missing, so it is redone)
		});
		if (opts.onOutput) {
			child.stdout?.on('data', (d: Buffer) => opts.onOutput?.(d.toString()));
			child.stderr?.on('data', (d: Buffer) => opts.onOutput?.(d.toString()));
		}
		const timer = setTimeout(() => {
			const self = child.pid ? procRef(child.pid) : undefined;
			if (self) signalAll([self, ...descendants(self.pid)], 'SIGKILL');
			reject(new Error(`install.sh did not finish within ${timeoutMs} ms`));
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolvePromise();
			else reject(new Error(`install.sh failed (exit ${code ?? signal})`));
		});
	});
	const info = readRuntime(runtimeDir(env));
	if (!info) throw new Error('install.sh finished but wrote no runtime.json marker');
	return { ...info, installedNow: true, ensureMs: Date.now() - start };
}
