/**
 * Start a real, isolated, offline n8n with this package installed as a community package.
 *
 *   const n8n = await startN8n();             // fresh state folder under <repo>/.e2e/, random ports
 *   ... n8n.url, n8n.webhookUrl('my-path'), n8n.logFile ...
 *   await n8n.stop();                          // SIGTERM the process group, SIGKILL after a bound
 *
 * Reusable beyond jest (demo script, queue-mode suites): nothing here imports jest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	closeSync,
	cpSync,
	existsSync,
	lstatSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

import { E2E_STATE_ROOT, REPO_ROOT } from './paths';
import { defaultRuntime, type RuntimeInfo } from './runtime';
import { descendants, isAlive, procRef, signalAll, type ProcRef } from './proc';
import { raceTimeout, sleep } from './wait';

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEFAULT_OWNER: OwnerAccount = {
	email: 'owner@e2e.example.com',
	password: 'E2e-password-1',
	firstName: 'E2E',
	lastName: 'Owner',
};

export const E2E_ENCRYPTION_KEY = 'e2e-not-secret-encryption-key';

export interface StartN8nOptions {
	/** which n8n + node to run (default: the installed runtime of test/e2e/runtime; see runtime.ts customRuntime()) */
	runtime?: RuntimeInfo;
	/**
	 * State folder (sqlite DB, config, logs). Default: a fresh `<repo>/.e2e/<label>-<time>-<rand>/`.
	 * Give the same folder to several processes to share one instance's state (e.g. main + worker in queue mode).
	 */
	stateDir?: string;
	/** name prefix of the default state folder */
	label?: string;
	/** Folder of the package to load (default: the repo root, i.e. its built dist/). `false` = load none. */
	packageDir?: string | false;
	/** `copy` copies package.json + dist/ instead of symlinking (use it when the repo's node_modules must not be seen). */
	packageMode?: 'symlink' | 'copy';
	/** n8n HTTP port (default: a free one) */
	port?: number;
	/** task-broker port (default: a free one; never the default 5679, which another n8n may hold) */
	brokerPort?: number;
	/** CLI arguments (default ['start']; e.g. ['worker'] or ['webhook'] in queue mode) */
	args?: string[];
	/** create the owner from env (N8N_INSTANCE_OWNER_*; n8n >= 2.x late versions). Default true. */
	ownerFromEnv?: boolean;
	owner?: OwnerAccount;
	/** extra env; `undefined` removes a variable set by the defaults */
	env?: Record<string, string | undefined>;
	/** default 'info' */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** how long to wait for /healthz/readiness (default 120 s) */
	readyTimeoutMs?: number;
	/** path polled for readiness (default '/healthz/readiness'; a worker may have none: pass false to skip) */
	readinessPath?: string | false;
	/** bound for stop(): SIGTERM, then SIGKILL after this (default 15 s) */
	stopTimeoutMs?: number;
}

export interface N8nInstance {
	/** e.g. http://127.0.0.1:41234 (no trailing slash) */
	url: string;
	port: number;
	brokerPort: number;
	pid: number;
	runtime: RuntimeInfo;
	stateDir: string;
	/** N8N_USER_FOLDER (n8n keeps its state in `<userFolder>/.n8n`) */
	userFolder: string;
	logFile: string;
	owner: OwnerAccount;
	/** the complete environment n8n runs with (reuse it for CLI commands against the same state) */
	env: NodeJS.ProcessEnv;
	/** production URL of a webhook path: `${url}/webhook/${path}` */
	webhookUrl(path: string): string;
	/** test URL (editor "listen for test event"): `${url}/webhook-test/${path}` */
	webhookTestUrl(path: string): string;
	readLog(): string;
	/** last `lines` lines of the log, for error messages */
	logTail(lines?: number): string;
	/** resolves when the process has exited */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	isRunning(): boolean;
	timings: { spawnToHealthzMs?: number; spawnToReadyMs?: number };
	/** stop n8n and its children (task runner). Idempotent; always resolves within stopTimeoutMs + a little. */
	stop(): Promise<void>;
}

// ---- process bookkeeping: whatever happens, never leave an n8n behind ------------------------------------
// n8n runs in OUR process group (not detached), so a Ctrl-C in the terminal stops it too. stop() signals the
// n8n pid and then its recorded descendants (the JS task runner), checked by pid + start time, never by name.
interface Tracked {
	child: ChildProcess;
	self?: ProcRef;
	tree: ProcRef[];
	/** settles when the process has exited (or failed to spawn) */
	done: Promise<unknown>;
}
const live = new Set<Tracked>();
let exitHookInstalled = false;
function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	// (fires for plain node scripts, e.g. a demo; inside jest suites afterAll + the global teardown do this job)
	process.on('exit', () => {
		for (const t of live) signalAll(treeOf(t), 'SIGKILL');
	});
}
function treeOf(t: Tracked): ProcRef[] {
	const now = t.self && isAlive(t.self) ? descendants(t.self.pid) : [];
	const seen = new Set(now.map((r) => `${r.pid}:${r.startTime}`));
	return [...(t.self ? [t.self] : []), ...now, ...t.tree.filter((r) => !seen.has(`${r.pid}:${r.startTime}`))];
}

/** Stop every instance started by this module instance (e.g. from a script's shutdown path). */
export async function stopAllN8n(): Promise<void> {
	await Promise.all([...live].map((t) => stopTracked(t, 15_000)));
}

async function stopTracked(t: Tracked, timeoutMs: number): Promise<void> {
	const { child } = t;
	const running = () => child.exitCode === null && child.signalCode === null;
	if (running()) {
		t.tree = treeOf(t).filter((r) => r.pid !== child.pid);
		child.kill('SIGTERM');
		if (!(await raceTimeout(t.done.then(() => true), timeoutMs, false))) {
			signalAll(treeOf(t), 'SIGKILL');
			await raceTimeout(t.done, 5_000, undefined);
		}
	}
	// children that outlived n8n (normally the task runner exits with it)
	const leftovers = t.tree.filter(isAlive);
	if (leftovers.length) {
		signalAll(leftovers, 'SIGTERM');
		const deadline = Date.now() + 3_000;
		while (Date.now() < deadline && leftovers.some(isAlive)) await sleep(50);
		signalAll(leftovers, 'SIGKILL');
	}
	live.delete(t);
}

// ---- helpers ----------------------------------------------------------------------------------------------
export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => resolvePort(port));
		});
	});
}

/** Whether nothing listens on 127.0.0.1:`port` (we could bind it ourselves right now). */
export async function isPortFree(port: number): Promise<boolean> {
	return await new Promise((resolveFree) => {
		const srv = createServer();
		srv.unref();
		srv.once('error', () => resolveFree(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolveFree(true)));
	});
}

/**
 * `count` distinct free ports, none in `exclude` nor 5678/5679 (which a developer's own n8n may be about to take).
 * Throws when 50 tries or 10 s do not give enough.
 */
export async function freePorts(count: number, exclude: readonly number[] = []): Promise<number[]> {
	const ports = new Set<number>();
	const deadline = Date.now() + 10_000;
	for (let i = 0; ports.size < count && i < 50 && Date.now() < deadline; i++) {
		const p = await freePort();
		if (p !== 5678 && p !== 5679 && !exclude.includes(p)) ports.add(p);
	}
	if (ports.size < count) throw new Error(`found only ${ports.size} of ${count} distinct free ports`);
	return [...ports];
}

/** bcrypt hash (what N8N_INSTANCE_OWNER_PASSWORD_HASH wants), computed with the runtime's own bcryptjs. */
export function bcryptHash(runtime: RuntimeInfo, password: string): string {
	const bcryptPath = require.resolve('bcryptjs', { paths: [dirname(runtime.n8nBin), runtime.n8nDir] });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const bcrypt = require(bcryptPath) as { hashSync(s: string, rounds: number): string };
	return bcrypt.hashSync(password, 10);
}

/** Put the package where n8n's community-package loader looks: <user folder>/.n8n/nodes/node_modules/<name>. */
export function installPackage(userFolder: string, packageDir: string, mode: 'symlink' | 'copy' = 'symlink'): string {
	const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
		name: string;
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	for (const file of [...(pkg.n8n?.credentials ?? []), ...(pkg.n8n?.nodes ?? [])]) {
		if (!existsSync(join(packageDir, file))) {
			throw new Error(`${pkg.name}: ${file} is listed in package.json "n8n" but missing: run \`npm run build\``);
		}
	}
	const target = join(userFolder, '.n8n', 'nodes', 'node_modules', pkg.name);
	mkdirSync(dirname(target), { recursive: true });
	if (existsSync(target) || isSymlink(target)) rmSync(target, { recursive: true, force: true });
	if (mode === 'symlink') {
		symlinkSync(packageDir, target, 'dir');
	} else {
		mkdirSync(target, { recursive: true });
		writeFileSync(join(target, 'package.json'), readFileSync(join(packageDir, 'package.json')));
		cpSync(join(packageDir, 'dist'), join(target, 'dist'), { recursive: true });
	}
	return target;
}
function isSymlink(p: string): boolean {
	try {
		return lstatSync(p).isSymbolicLink();
	} catch {
		return false;
	}
}

/** The environment of an isolated, loopback-only n8n with telemetry and every outbound feature off. */
export function n8nEnv(o: {
	runtime: RuntimeInfo;
	userFolder: string;
	port: number;
	brokerPort: number;
	logLevel?: string;
	owner?: { account: OwnerAccount; passwordHash: string };
	extra?: Record<string, string | undefined>;
}): NodeJS.ProcessEnv {
	const base = `http://127.0.0.1:${o.port}/`;
	// Only a few variables from the parent: no N8N_*, npm_*, DB_*, QUEUE_* leaking in from the test process.
	const keep = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL', 'TERM'];
	const env: NodeJS.ProcessEnv = {};
	for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
	Object.assign(env, {
		PATH: `${dirname(o.runtime.node)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		HOME: o.userFolder,
		N8N_USER_FOLDER: o.userFolder,
		N8N_ENCRYPTION_KEY: E2E_ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_PORT: String(o.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: base,
		N8N_EDITOR_BASE_URL: base,
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(o.brokerPort),
		// no outbound traffic, no banners
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: o.logLevel ?? 'info',
		N8N_LOG_OUTPUT: 'console',
		// community packages: load from <user folder>/.n8n/nodes/node_modules, never ask api.n8n.io
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
	});
	// the MCP registry module fetches a remote catalogue; older n8n (e.g. 2.8.4) has no such module and refuses
	// to start when asked to disable an unknown one ("Unknown module")
	if (existsSync(join(dirname(o.runtime.n8nBin), '..', 'dist', 'modules', 'mcp-registry'))) env.N8N_DISABLED_MODULES = 'mcp-registry';
	// older n8n (e.g. 2.8.4) only knows the deprecated name; 2.41 warns about it, so set it only there
	if (versionBelow(o.runtime.n8nVersion, 2, 20)) env.WEBHOOK_URL = base;
	if (o.owner) {
		Object.assign(env, {
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: o.owner.account.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: o.owner.account.firstName,
			N8N_INSTANCE_OWNER_LAST_NAME: o.owner.account.lastName,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: o.owner.passwordHash,
		});
	}
	for (const [k, v] of Object.entries(o.extra ?? {})) {
		if (v === undefined) delete env[k];
		else env[k] = v;
	}
	return env;
}

function versionBelow(version: string, major: number, minor: number): boolean {
	const [a, b] = version.split('.').map((x) => parseInt(x, 10));
	return a < major || (a === major && b < minor);
}

function tail(text: string, lines: number): string {
	return text.split('\n').slice(-lines).join('\n');
}

async function httpStatus(url: string, timeoutMs = 2_000): Promise<number> {
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
		await res.arrayBuffer();
		return res.status;
	} catch {
		return 0;
	}
}

// ---- start ------------------------------------------------------------------------------------------------
export async function startN8n(opts: StartN8nOptions = {}): Promise<N8nInstance> {
	installExitHook();
	const runtime = opts.runtime ?? defaultRuntime();
	if (!runtime) throw new Error('n8n runtime not installed: run test/e2e/runtime/install.sh (or ensureRuntime())');

	if (!opts.stateDir) pruneStateDirs();
	const stateDir =
		opts.stateDir ??
		join(
			E2E_STATE_ROOT,
			`${opts.label ?? 'n8n'}-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`,
		);
	const userFolder = join(stateDir, 'home');
	mkdirSync(userFolder, { recursive: true });
	const packageDir = opts.packageDir === undefined ? REPO_ROOT : opts.packageDir;
	if (packageDir) installPackage(userFolder, packageDir, opts.packageMode);

	// pick only the ports the caller left open, apart from the ones it chose
	const chosen = [opts.port, opts.brokerPort].filter((p) => p !== undefined);
	const picked = await freePorts(2 - chosen.length, chosen);
	const port = opts.port ?? picked.shift()!;
	const brokerPort = opts.brokerPort ?? picked.shift()!;
	const owner = opts.owner ?? DEFAULT_OWNER;
	const ownerFromEnv = opts.ownerFromEnv ?? true;
	const env = n8nEnv({
		runtime,
		userFolder,
		port,
		brokerPort,
		logLevel: opts.logLevel,
		owner: ownerFromEnv ? { account: owner, passwordHash: bcryptHash(runtime, owner.password) } : undefined,
		extra: opts.env,
	});

	const logFile = join(stateDir, `n8n-${(opts.args ?? ['start'])[0]}-${port}.log`);
	const url = `http://127.0.0.1:${port}`;
	const fd = openSync(logFile, 'a');
	const started = Date.now();
	let child: ChildProcess;
	try {
		child = spawn(runtime.node, [runtime.n8nBin, ...(opts.args ?? ['start'])], {
			cwd: stateDir, // bin/n8n loads a .env from the cwd: never the repo's
			env,
			stdio: ['ignore', fd, fd],
			// not detached: we stay in one process group, so a terminal Ctrl-C reaches n8n as well
		});
	} finally {
		closeSync(fd);
	}
	let spawnError: Error | undefined;
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => {
		child.once('exit', (code, signal) => r({ code, signal }));
		child.once('error', (e) => {
			spawnError = e;
			r({ code: null, signal: null });
		});
	});
	const tracked: Tracked = { child, self: child.pid ? procRef(child.pid) : undefined, tree: [], done: exited };
	live.add(tracked);
	void exited.then(() => {
		if (spawnError) live.delete(tracked);
	});
	const writeInstanceFile = () =>
		writeFileSync(
			join(stateDir, 'instance.json'),
			JSON.stringify(
				{
					pid: child.pid,
					startTime: tracked.self?.startTime,
					children: tracked.tree,
					runId: process.env.E2E_RUN_ID,
					url,
					port,
					brokerPort,
					runtime,
					logFile,
					args: opts.args ?? ['start'],
				},
				null,
				2,
			),
		);
	writeInstanceFile();

	const readLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
	const stopTimeoutMs = opts.stopTimeoutMs ?? 15_000;
	let stopping: Promise<void> | undefined;
	const instance: N8nInstance = {
		url,
		port,
		brokerPort,
		pid: child.pid ?? -1,
		runtime,
		stateDir,
		userFolder,
		logFile,
		owner,
		env,
		webhookUrl: (path) => `${url}/webhook/${path.replace(/^\/+/, '')}`,
		webhookTestUrl: (path) => `${url}/webhook-test/${path.replace(/^\/+/, '')}`,
		readLog,
		logTail: (lines = 40) => tail(readLog(), lines),
		exited,
		isRunning: () => child.exitCode === null && child.signalCode === null,
		timings: {},
		stop: () => (stopping ??= stopTracked(tracked, stopTimeoutMs)),
	};

	// ---- wait until ready (bounded), failing fast if the process dies -----------------------------------
	const readinessPath = opts.readinessPath === undefined ? '/healthz/readiness' : opts.readinessPath;
	const servesEditor = (opts.args ?? ['start'])[0] === 'start';
	if (readinessPath !== false) {
		const timeoutMs = opts.readyTimeoutMs ?? 120_000;
		const deadline = started + timeoutMs;
		try {
			for (;;) {
				if (spawnError) throw new Error(`could not start ${runtime.node}: ${spawnError.message}`);
				if (!instance.isRunning()) {
					const { code, signal } = await exited;
					throw new Error(`n8n exited during startup (exit ${code ?? signal})`);
				}
				if (instance.timings.spawnToHealthzMs === undefined && (await httpStatus(`${url}/healthz`)) === 200) {
					instance.timings.spawnToHealthzMs = Date.now() - started;
				}
				// n8n 2.8 reports ready before its REST routes exist (POST /rest/login answers 404 for a moment):
				// a main instance is ready once the editor's public settings answer too
				if ((await httpStatus(`${url}${readinessPath}`)) === 200 && (!servesEditor || (await httpStatus(`${url}/rest/settings`)) === 200)) break;
				if (Date.now() > deadline) throw new Error(`n8n not ready within ${timeoutMs} ms`);
				await sleep(150);
			}
		} catch (error) {
			await instance.stop();
			(error as Error).message += `\n--- ${logFile} (tail) ---\n${instance.logTail(60)}`;
			throw error;
		}
		instance.timings.spawnToReadyMs = Date.now() - started;
	}
	// remember the task runner & co. now that they exist (stop() and the reaper also look again at that time)
	if (tracked.self) tracked.tree = descendants(tracked.self.pid);
	writeInstanceFile();
	return instance;
}

/** What startN8n records in `<state>/instance.json` (the fields the reaper and the pruner read). */
interface InstanceFile {
	pid?: number;
	startTime?: string;
	children?: ProcRef[];
	runId?: string;
}

/** `<stateDir>/instance.json`, or undefined when it is missing or unreadable. */
function readInstanceFile(stateDir: string): InstanceFile | undefined {
	const file = join(stateDir, 'instance.json');
	if (!existsSync(file)) return undefined;
	try {
		return JSON.parse(readFileSync(file, 'utf8')) as InstanceFile;
	} catch {
		return undefined;
	}
}

/** The recorded n8n process if it still runs (pid AND start time match, so a recycled pid does not count). */
function liveInstance(info: InstanceFile): ProcRef | undefined {
	if (!info.pid || !info.startTime) return undefined;
	const self: ProcRef = { pid: info.pid, startTime: info.startTime };
	return isAlive(self) ? self : undefined;
}

/** pid of the n8n recorded in `<stateDir>/instance.json` while it still runs; undefined otherwise. */
export function runningInstancePid(stateDir: string): number | undefined {
	const info = readInstanceFile(stateDir);
	return info ? liveInstance(info)?.pid : undefined;
}

/**
 * Safety net for a global teardown: SIGKILL every n8n (and its recorded/current children) that was started with
 * E2E_RUN_ID=`runId` (see <state>/instance.json) and is still running. Processes are matched by pid AND start
 * time, so a recycled pid is left alone. Returns the pids it killed.
 */
export function reapInstances(runId: string, root: string = E2E_STATE_ROOT): number[] {
	const killed: number[] = [];
	if (!existsSync(root)) return killed;
	for (const entry of readdirSync(root)) {
		const info = readInstanceFile(join(root, entry));
		if (!info || info.runId !== runId || !info.pid || !info.startTime) continue;
		const self = liveInstance(info);
		const refs = [...(self ? [self, ...descendants(self.pid)] : []), ...(info.children ?? [])];
		killed.push(...signalAll(refs, 'SIGKILL'));
	}
	return killed;
}

/**
 * Delete old default state folders under <repo>/.e2e/ (each ~50 MB), keeping the `keep` newest. Folders whose
 * n8n is still running, and folders younger than `minAgeMs`, are never touched (other runs may be using them).
 */
export function pruneStateDirs({ keep = 10, minAgeMs = 60 * 60_000, root = E2E_STATE_ROOT } = {}): string[] {
	if (!existsSync(root)) return [];
	const dirs = readdirSync(root)
		.map((name) => join(root, name))
		.filter((d) => existsSync(join(d, 'instance.json')))
		.map((d) => ({ d, mtime: statSync(join(d, 'instance.json')).mtimeMs }))
		.sort((a, b) => b.mtime - a.mtime);
	const removed: string[] = [];
	for (const { d, mtime } of dirs.slice(keep)) {
		if (Date.now() - mtime < minAgeMs) continue;
		// an unreadable instance.json may be one being written: leave that folder too
		if (!readInstanceFile(d) || runningInstancePid(d) !== undefined) continue;
		rmSync(d, { recursive: true, force: true });
		removed.push(d);
	}
	return removed;
}
