// npm run demo: a real n8n with this package, a sandbox standing in for anyformat and Anesya, credentials
// and demo workflows, all on 127.0.0.1. No API key needed. Stops cleanly on Ctrl-C / SIGTERM.
//
//   DEMO_PORT (5678)       n8n editor port
//   DEMO_API_PORT (5790)   sandbox API port
//   DEMO_STATE_DIR (.demo) state kept between runs (n8n database, written CSV files); --reset / DEMO_RESET=1 wipes it
//   DEMO_NO_BUILD=1        skip `npm run build` + `npm run build:tools` (handled by the npm script)
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';

import { startFakeApi, type FakeApi } from '../test/fake-api';
import { API_KEY_LABEL_PREFIX, N8nApi, type CredentialRef, type WorkflowJson } from '../test/e2e/support/n8n-api';
import { runningInstancePid, startN8n, stopAllN8n, type N8nInstance, type OwnerAccount } from '../test/e2e/support/n8n-instance';
import { REPO_ROOT } from '../test/e2e/support/paths';
import { defaultRuntime, ensureRuntime, type RuntimeInfo } from '../test/e2e/support/runtime';
import { nodeType } from '../test/e2e/support/workflows';
import {
	SANDBOX_ANESYA_TRIGGER_SECRET,
	SANDBOX_ANYFORMAT_KEY,
	SANDBOX_IDS,
	SANDBOX_NAMES,
	sandboxCredentialData,
	sandboxOptions,
} from './demo-sandbox';
import { anesyaTriggerUrl, demoWorkflows, type DemoTargets } from './demo-workflows';

/** The demo's n8n owner. A fixed, printed password is fine: n8n listens on 127.0.0.1 only. */
export const DEMO_OWNER: OwnerAccount = {
	email: 'demo@example.com',
	password: 'Demo-password-1',
	firstName: 'Demo',
	lastName: 'User',
};

export const DEMO_CREDENTIAL_NAMES = {
	anyformatApi: 'Sandbox – anyformat (no API key needed)',
	anesyaApi: 'Sandbox – Anesya (no API key needed)',
} as const;

export interface DemoOptions {
	/** state folder (default <repo>/.demo) */
	stateDir?: string;
	/** n8n port (default 5678) */
	port?: number;
	/** sandbox API port (default 5790) */
	apiPort?: number;
	/** wipe the state folder first */
	reset?: boolean;
	/** n8n + node to run (default: the e2e runtime, installed on first use) */
	runtime?: RuntimeInfo;
	/** progress lines (default: stdout) */
	log?: (line: string) => void;
}

/** What a demo run created; kept in <state>/demo.json between runs (and read by tests and the screenshot script). */
export interface DemoRecord {
	version: 1;
	createdAt: string;
	samplesDir: string;
	outputDir: string;
	port: number;
	apiPort: number;
	credentials: Record<'anyformatApi' | 'anesyaApi', { id: string; name: string }>;
	workflows: Record<string, { id: string; name: string; active: boolean; manualTrigger?: string }>;
	/** present while a demo runs */
	running?: {
		pid: number;
		startedAt: string;
		editorUrl: string;
		sandboxUrl: string;
		owner: { email: string; password: string };
		n8nVersion: string;
		nodeVersion: string;
		logFile: string;
		anesyaTriggerUrl: string;
	};
}

export interface Demo {
	record: DemoRecord;
	n8n: N8nInstance;
	sandbox: FakeApi;
	api: N8nApi;
	stateDir: string;
	/** stops n8n (and its task runner) and the sandbox; idempotent */
	stop(): Promise<void>;
}

const RECORD_FILE = 'demo.json';

export function readDemoRecord(stateDir: string): DemoRecord | undefined {
	const file = join(stateDir, RECORD_FILE);
	if (!existsSync(file)) return undefined;
	return JSON.parse(readFileSync(file, 'utf8')) as DemoRecord;
}

function writeDemoRecord(stateDir: string, record: DemoRecord): void {
	writeFileSync(join(stateDir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

function intFromEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${raw} is not a port number`);
	return n;
}

export async function assertPortFree(port: number, what: string, envName: string): Promise<void> {
	await new Promise<void>((resolvePromise, reject) => {
		const srv = createServer();
		srv.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				new Error(
					error.code === 'EADDRINUSE'
						? `port ${port} (${what}) is in use by another program. Stop it, or pick another port: ${envName}=<port> npm run demo`
						: `cannot listen on 127.0.0.1:${port} (${what}): ${error.message}`,
				),
			),
		);
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolvePromise()));
	});
}

const ANYFORMAT_TRIGGER_TYPE = nodeType('anyformatTrigger');

/** Active workflows holding an Anyformat Trigger (the demo's and any the user made). */
async function activeAnyformatTriggerWorkflows(api: N8nApi): Promise<Array<{ id: string; name: string }>> {
	const r = await api.publicApi<{ data: WorkflowJson[] }>('GET', '/workflows?active=true&limit=250');
	if (r.status !== 200) throw new Error(`listing active workflows failed: HTTP ${r.status}`);
	return r.body.data
		.filter((w) => w.nodes.some((n) => n.type === ANYFORMAT_TRIGGER_TYPE && !n.disabled))
		.map((w) => ({ id: w.id!, name: w.name }));
}

/**
 * n8n neither re-registers trigger webhooks after a restart nor removes them on shutdown (it trusts its own
 * record), but the sandbox starts empty every time: deactivate + activate the trigger workflows so they
 * register again, then wait until the sandbox has them.
 */
async function registerAnyformatTriggers(api: N8nApi, sandbox: FakeApi, log: (s: string) => void): Promise<void> {
	const workflows = await activeAnyformatTriggerWorkflows(api);
	for (const w of workflows) {
		await api.deactivate(w.id);
		await api.activate(w.id);
	}
	await awaitAnyformatWebhooks(sandbox, workflows.length, log);
}

/** Waits until the sandbox holds a subscription for each of `expected` active Anyformat Trigger workflows. */
async function awaitAnyformatWebhooks(sandbox: FakeApi, expected: number, log: (s: string) => void): Promise<void> {
	if (expected === 0) return;
	await sandbox
		.waitFor(() => sandbox.anyformat.webhooks.length >= expected, { timeoutMs: 30_000 })
		.catch(() => log(`  ! not every Anyformat Trigger registered with the sandbox (${sandbox.anyformat.webhooks.length}/${expected}); see the n8n log`));
}

/** Removes public-API keys made by earlier demo runs (one is minted per start), keeping the newest. */
async function pruneApiKeys(api: N8nApi): Promise<void> {
	const r = await api.rest<{ data: Array<{ id: string; label: string; createdAt: string }> }>('GET', '/api-keys');
	if (r.status !== 200 || !Array.isArray(r.body?.data)) return;
	const ours = r.body.data.filter((k) => k.label.startsWith(API_KEY_LABEL_PREFIX)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
	for (const key of ours.slice(1)) await api.rest('DELETE', `/api-keys/${key.id}`);
}

/** Starts everything; resolves once n8n is ready and the demo workflows are in place. */
export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const stateDir = resolve(opts.stateDir ?? process.env.DEMO_STATE_DIR ?? join(REPO_ROOT, '.demo'));
	const n8nStateDir = join(stateDir, 'n8n');
	const port = opts.port ?? intFromEnv('DEMO_PORT', 5678);
	const apiPort = opts.apiPort ?? intFromEnv('DEMO_API_PORT', 5790);
	const samplesDir = join(REPO_ROOT, 'examples', 'samples');
	const outputDir = join(stateDir, 'output');

	const already = runningInstancePid(n8nStateDir);
	if (already) throw new Error(`a demo is already running on ${stateDir} (n8n pid ${already}); stop it first (Ctrl-C in its terminal)`);
	if (opts.reset && existsSync(stateDir)) {
		rmSync(stateDir, { recursive: true, force: true });
		log(`reset: removed ${stateDir}`);
	}
	mkdirSync(outputDir, { recursive: true });
	// keeps the state folder out of git also when DEMO_STATE_DIR points outside the project
	writeFileSync(join(stateDir, '.gitignore'), '*\n');
	await assertPortFree(port, 'n8n', 'DEMO_PORT');
	await assertPortFree(apiPort, 'sandbox API', 'DEMO_API_PORT');

	let runtime = opts.runtime ?? defaultRuntime();
	if (!runtime) {
		log(
			[
				'First run: installing n8n 2.41.1 and Node 24 from the npm registry into .cache/n8n-runtime/ (once; later runs start in ~15 s).',
				'Measured on a 2-core machine: 5 to 10 minutes (it compiles sqlite3: needs python3, make and g++) and 2.9 GB of disk.',
				'Progress follows every 15 s ...',
			].join('\n'),
		);
		runtime = await ensureRuntime({ timeoutMs: 30 * 60_000 });
	}

	const editorUrl = `http://127.0.0.1:${port}`;
	const targetsBase = {
		webhookIds: { anyformatTrigger: SANDBOX_IDS.anyformatTriggerWebhook, anesyaTrigger: SANDBOX_IDS.anesyaTriggerWebhook },
		anesyaTriggerSecret: SANDBOX_ANESYA_TRIGGER_SECRET,
	};
	const anesyaHookUrl = anesyaTriggerUrl(editorUrl, targetsBase);

	log(`Starting the sandbox API on 127.0.0.1:${apiPort} ...`);
	const sandbox = await startFakeApi(sandboxOptions({ port: apiPort, samplesDir, anesyaTriggerUrl: anesyaHookUrl }));
	let n8n: N8nInstance | undefined;
	const stopAll = async () => {
		await n8n?.stop();
		await sandbox.close();
	};
	try {
		log(`Starting n8n ${runtime.n8nVersion} (Node ${runtime.nodeVersion}) on ${editorUrl} ...`);
		n8n = await startN8n({
			runtime,
			stateDir: n8nStateDir,
			port,
			owner: DEMO_OWNER,
			readyTimeoutMs: 180_000,
			env: {
				// n8n makes and keeps its own key in <state>/n8n/home/.n8n/config
				N8N_ENCRYPTION_KEY: undefined,
				// Read/Write Files from Disk may touch the samples and the output folder only
				N8N_RESTRICT_FILE_ACCESS_TO: `${samplesDir};${outputDir}`,
			},
		});
		const api = await N8nApi.connect(n8n);
		await pruneApiKeys(api);

		let record = readDemoRecord(stateDir);
		if (!record) {
			log('Creating credentials and demo workflows ...');
			const ref = (c: CredentialRef) => ({ id: c.id, name: c.name });
			const credentials = {
				anyformatApi: ref(await api.createCredential('anyformatApi', sandboxCredentialData('anyformatApi', sandbox), DEMO_CREDENTIAL_NAMES.anyformatApi)),
				anesyaApi: ref(await api.createCredential('anesyaApi', sandboxCredentialData('anesyaApi', sandbox), DEMO_CREDENTIAL_NAMES.anesyaApi)),
			};
			const targets: DemoTargets = {
				mode: 'sandbox',
				samplesDir,
				outputDir,
				anyformat: {
					invoices: { id: SANDBOX_IDS.anyformatInvoices, name: SANDBOX_NAMES.anyformatInvoices },
					purchaseOrders: { id: SANDBOX_IDS.anyformatPurchaseOrders, name: SANDBOX_NAMES.anyformatPurchaseOrders },
				},
				anesya: { workflowId: SANDBOX_IDS.anesyaReceiptWorkflow },
				credentials,
				...targetsBase,
			};
			const workflows: DemoRecord['workflows'] = {};
			let anyformatTriggers = 0;
			for (const demo of demoWorkflows(targets)) {
				const created = await api.createWorkflow(demo.workflow);
				if (demo.active) await api.activate(created.id);
				if (demo.active && demo.workflow.nodes.some((n) => n.type === ANYFORMAT_TRIGGER_TYPE)) anyformatTriggers++;
				workflows[demo.key] = { id: created.id, name: demo.workflow.name, active: demo.active, manualTrigger: demo.manualTrigger };
			}
			record = {
				version: 1,
				createdAt: new Date().toISOString(),
				samplesDir,
				outputDir,
				port,
				apiPort,
				credentials,
				workflows,
			};
			await awaitAnyformatWebhooks(sandbox, anyformatTriggers, log);
		} else {
			log(`Reusing the demo state in ${stateDir} (your edits are kept; \`npm run demo -- --reset\` starts over)`);
			if (record.apiPort !== apiPort) {
				// the credentials still point at the old sandbox port
				for (const [type, credential] of Object.entries(record.credentials)) {
					const data = sandboxCredentialData(type as 'anyformatApi' | 'anesyaApi', sandbox);
					const r = await api.publicApi('PATCH', `/credentials/${credential.id}`, { data });
					if (r.status >= 300) log(`  ! could not point credential "${credential.name}" at port ${apiPort} (HTTP ${r.status}); run with DEMO_API_PORT=${record.apiPort} or --reset`);
				}
				record.apiPort = apiPort;
			}
			record.port = port;
			await registerAnyformatTriggers(api, sandbox, log);
		}

		record.running = {
			pid: process.pid,
			startedAt: new Date().toISOString(),
			editorUrl,
			sandboxUrl: sandbox.url,
			owner: { email: DEMO_OWNER.email, password: DEMO_OWNER.password },
			n8nVersion: runtime.n8nVersion,
			nodeVersion: runtime.nodeVersion,
			logFile: n8n.logFile,
			anesyaTriggerUrl: anesyaHookUrl,
		};
		writeDemoRecord(stateDir, record);

		let stopping: Promise<void> | undefined;
		const finalRecord = record;
		return {
			record,
			n8n,
			sandbox,
			api,
			stateDir,
			stop: () =>
				(stopping ??= (async () => {
					await stopAll();
					delete finalRecord.running;
					writeDemoRecord(stateDir, finalRecord);
				})()),
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/** The banner: where to click, how to log in, how to fire the triggers. */
export function demoBanner(demo: Pick<Demo, 'record' | 'stateDir'>): string {
	const { record } = demo;
	const run = record.running!;
	// short paths for the usual case (state under the repository), absolute ones elsewhere
	const rel = (p: string) => {
		const r = relative(process.cwd(), p);
		return r && !r.startsWith('..') ? r : p;
	};
	const wf = (key: string) => record.workflows[key];
	const url = (key: string) => (wf(key) ? `${run.editorUrl}/workflow/${wf(key).id}` : '(deleted)');
	const line = (n: string, key: string, extra = '') => (wf(key) ? `  ${n} ${wf(key).name}${extra}\n       ${url(key)}` : null);
	const curl = `curl -s -H 'Authorization: Bearer ${SANDBOX_ANYFORMAT_KEY}' -F 'file=@${join(record.samplesDir, 'invoice.pdf')}' ${run.sandboxUrl}/v2/workflows/${SANDBOX_IDS.anyformatInvoices}/run/`;
	return [
		'',
		'────────────────────────────────────────────────────────────────────────────',
		` n8n-nodes-document-extraction demo: n8n ${run.n8nVersion} on Node ${run.nodeVersion}`,
		'────────────────────────────────────────────────────────────────────────────',
		`  Open      ${run.editorUrl}`,
		`  Log in    ${run.owner.email}  /  ${run.owner.password}`,
		'',
		`  Sandbox API (stands in for anyformat and Anesya, no API key needed): ${run.sandboxUrl}`,
		`  Credentials "${record.credentials.anyformatApi.name}" and "${record.credentials.anesyaApi.name}" point at it.`,
		'',
		'  Demo workflows (open one and click "Execute workflow"):',
		line('1.', 'anyformat-invoice-to-csv', `\n       writes ${rel(join(record.outputDir, 'invoice-line-items.csv'))}`),
		line('2.', 'anyformat-trigger-enrich', '  [active]'),
		line('   ', 'anyformat-submit-invoice', '  (fires workflow 2)'),
		`       or submit the invoice yourself: ${curl}`,
		line('3.', 'anesya-extract-with-workflow'),
		line('   ', 'anesya-trigger', '  [active; the sandbox calls it when workflow 3 finishes]'),
		line('4.', 'anyformat-review-routing'),
		'',
		`  State     ${rel(demo.stateDir)} (kept between runs; start over: npm run demo -- --reset)`,
		`  n8n log   ${rel(run.logFile)}`,
		'  Stop      Ctrl-C',
		'────────────────────────────────────────────────────────────────────────────',
	]
		.filter((l) => l !== null)
		.join('\n');
}

async function main(): Promise<void> {
	const reset = process.argv.includes('--reset') || process.env.DEMO_RESET === '1';
	let demo: Demo | undefined;
	let shuttingDown = false;
	const shutdown = async (why: string, code: number) => {
		if (shuttingDown) return;
		shuttingDown = true;
		process.stdout.write(`\n${why}: stopping n8n and the sandbox ...\n`);
		try {
			if (demo) await demo.stop();
			else await stopAllN8n();
		} finally {
			process.stdout.write('Demo stopped.\n');
			process.exit(code);
		}
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => void shutdown(signal, 0));
	}
	// `npm run demo` puts npm and a shell above us: if they die without passing the signal on, stop too
	const parent = process.ppid;
	const watchdog = setInterval(() => {
		if (process.ppid !== parent) void shutdown('parent process gone', 0);
	}, 1000);
	watchdog.unref();

	try {
		demo = await startDemo({ reset });
	} catch (error) {
		process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
		await stopAllN8n();
		process.exit(1);
	}
	if (shuttingDown) return;
	process.stdout.write(`${demoBanner(demo)}\n`);
	process.stdout.write('Demo ready.\n');
	// stay alive until a signal; n8n exiting on its own ends the demo too
	void demo.n8n.exited.then(({ code, signal }) => {
		if (!shuttingDown) void shutdown(`n8n exited (${code ?? signal}); see ${demo!.record.running?.logFile}`, 1);
	});
}

if (require.main === module) void main();
