/**
 * `npm run demo` end to end, as a user runs it (a child process, non-interactive, free ports, its own state
 * folder, DEMO_NO_BUILD=1 after one `npm run build:tools`):
 *  - it prints the editor URL and the login, and the demo's n8n has the credentials and workflows;
 *  - demo workflow (1) run like the editor's "Execute workflow" writes a CSV whose rows are the sample
 *    invoice's line items; the other demo workflows (trigger, Anesya, review routing) give their results;
 *  - examples/*.json are the same workflows with placeholders (plus the README's quick-start ones), importable
 *    unchanged through the public API (POST /api/v1/workflows) with credentials matched by name;
 *  - SIGTERM stops n8n, its task runner and the sandbox: no process left, ports free;
 *  - a second run on the same state keeps the user's changes, creates nothing twice, and registers the
 *    Anyformat Trigger with the new sandbox again; Ctrl-C (SIGINT) stops it cleanly too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { readDemoRecord, DEMO_OWNER, type DemoRecord } from '../../scripts/demo';
import { SANDBOX_IDS } from '../../scripts/demo-sandbox';
import { exampleFile, exampleWorkflows } from '../../scripts/demo-workflows';
import { N8nApi, type Execution, type WorkflowJson } from './support/n8n-api';
import { freePorts } from './support/n8n-instance';
import { E2E_STATE_ROOT, newestMtime, REPO_ROOT } from './support/paths';
import { descendants, isAlive, procRef, signalAll, type ProcRef } from './support/proc';
import { Timings } from './support/timings';
import { raceTimeout, waitUntil, withTimeout } from './support/wait';
import { manualToNodes } from './support/workflows';

const READY_LINE = 'Demo ready.';
const stateDir = join(E2E_STATE_ROOT, `demo-${Date.now()}-${randomBytes(3).toString('hex')}`);
const timings = new Timings();

interface DemoProcess {
	child: ChildProcess;
	output: () => string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** npm, the shell it may keep, node demo.js, n8n, n8n's task runner: recorded once the demo is ready */
	tree: ProcRef[];
}

let ports: { n8n: number; api: number };
let demo: DemoProcess | undefined;
let record: DemoRecord;
let api: N8nApi;

/** Starts `npm run demo` and waits for "Demo ready." (or fails with its output). */
async function startDemoProcess(): Promise<DemoProcess> {
	const child = spawn('npm', ['run', 'demo'], {
		cwd: REPO_ROOT,
		env: {
			...process.env,
			CI: 'true',
			DEMO_NO_BUILD: '1',
			DEMO_PORT: String(ports.n8n),
			DEMO_API_PORT: String(ports.api),
			DEMO_STATE_DIR: stateDir,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	let markReady!: () => void;
	const ready = new Promise<'ready'>((resolve) => (markReady = () => resolve('ready')));
	const append = (d: Buffer) => {
		const chunk = d.toString();
		output += chunk;
		// only the new chunk (with the end of the old output, for a line split across chunks) can complete it
		if (output.slice(-(chunk.length + READY_LINE.length)).includes(READY_LINE)) markReady();
	};
	child.stdout!.on('data', append);
	child.stderr!.on('data', append);
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal })),
	);
	const state = await withTimeout(
		Promise.race([ready, exited.then(() => 'exited' as const)]),
		240_000,
		`"${READY_LINE}" from npm run demo`,
	).catch((error: Error) => {
		child.kill('SIGTERM');
		throw new Error(`${error.message}; its output so far:\n${output.slice(-4000)}`);
	});
	if (state === 'exited') throw new Error(`npm run demo exited before it was ready:\n${output}`);
	const self = procRef(child.pid!);
	return { child, output: () => output, exited, tree: self ? [self, ...descendants(self.pid)] : [] };
}

/** Stops it with `signal` the way a terminal or a service manager would, and waits (bounded). */
async function stopDemoProcess(p: DemoProcess, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
	const started = Date.now();
	if (signal === 'SIGINT') {
		// Ctrl-C in a terminal signals the whole foreground process group
		signalAll(p.tree, 'SIGINT');
	} else {
		p.child.kill(signal);
	}
	const result = await raceTimeout(p.exited, 30_000, undefined);
	if (!result) throw new Error(`npm run demo still running 30 s after ${signal}:\n${p.output().slice(-3000)}`);
	// the process tree below npm may need a moment after npm itself returned
	await waitUntil(() => p.tree.every((r) => !isAlive(r)), { timeoutMs: 10_000, description: 'every demo process to exit' }).catch(() => undefined);
	return { ...result, ms: Date.now() - started };
}

function portOpen(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** What the editor's "Execute workflow" button does: POST /rest/workflows/:id/run from the manual trigger. */
async function runFromEditor(key: string): Promise<Execution> {
	const w = record.workflows[key];
	// n8n 2.8 runs the workflow sent in the body (as its editor does); 2.41 reads it from the database and drops the field
	const workflowData = (await api.publicApi<WorkflowJson>('GET', `/workflows/${w.id}`)).body;
	const started = await api.rest<{ data: { executionId: string } }>('POST', `/workflows/${w.id}/run`, {
		workflowData,
		triggerToStartFrom: { name: w.manualTrigger },
	});
	expect(started.status).toBe(200);
	const id = started.body.data.executionId;
	return await waitUntil(
		async () => {
			const e = await api.getExecution(id).catch(() => undefined);
			return e && e.status !== 'running' && e.status !== 'new' && e.stoppedAt ? e : undefined;
		},
		{ timeoutMs: 60_000, intervalMs: 200, description: `execution ${id} of ${w.name}` },
	);
}

/** IDs of a demo workflow's executions so far (to tell the next one apart). */
async function executionIds(key: string): Promise<Set<string>> {
	return new Set((await api.listExecutions({ workflowId: record.workflows[key].id })).map((e) => e.id));
}

/** The first successful execution of a (trigger) workflow that is not in `before`. */
async function nextExecution(key: string, before: Set<string>, matches: (e: Execution) => boolean = () => true): Promise<Execution> {
	// other demo workflows submit to the same sandbox workflow, so their deliveries fire this trigger too:
	// skip executions that are not the one looked for (a bounded number of them)
	const seen = new Set(before);
	for (let skipped = 0; skipped < 10; skipped++) {
		const execution = await api.waitForExecution((e) => !seen.has(e.id) && e.status === 'success', {
			workflowId: record.workflows[key].id,
			timeoutMs: 30_000,
			description: `a new successful execution of ${record.workflows[key].name}`,
		});
		if (matches(execution)) return execution;
		seen.add(execution.id);
	}
	throw new Error(`10 new executions of ${record.workflows[key].name}, none the one looked for`);
}

function outputOf(e: Execution, node: string, output = 0): Array<Record<string, unknown>> {
	const runs = e.data?.resultData.runData[node];
	if (!runs) return [];
	return (runs[0].data?.main?.[output] ?? []).map((i) => i.json);
}

/** RFC 4180 CSV (quoted fields, doubled quotes), as n8n's Convert to File writes it; a BOM is dropped. */
function parseCsv(text: string): Array<Record<string, string>> {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	const s = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (quoted) {
			if (c === '"' && s[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (c === '"') quoted = false;
			else cell += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(cell);
			cell = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && s[i + 1] === '\n') i++;
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
		} else cell += c;
	}
	if (cell || row.length) {
		row.push(cell);
		rows.push(row);
	}
	const [header, ...data] = rows.filter((r) => r.some((v) => v !== ''));
	return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

async function sandboxState(): Promise<{ anyformat: { webhooks: Array<{ url: string }> }; anesya: { extracts: unknown[] } }> {
	const res = await fetch(`${record.running!.sandboxUrl}/_fake/state`, { signal: AbortSignal.timeout(10_000) });
	return (await res.json()) as { anyformat: { webhooks: Array<{ url: string }> }; anesya: { extracts: unknown[] } };
}

beforeAll(async () => {
	const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
	if (!pkg.scripts?.demo) throw new Error('package.json has no "demo" script: this suite runs `npm run demo` as a user does');
	// CI runs `npm run build` (dist/) but not build:tools, and the demo runs from .tools/: build it when missing or stale
	const built = join(REPO_ROOT, '.tools', 'scripts', 'demo.js');
	const sources = ['scripts', 'test/fake-api', 'test/e2e/support', 'nodes', 'credentials'].map((d) => join(REPO_ROOT, d));
	if (!existsSync(built) || statSync(built).mtimeMs < Math.max(...sources.map((d) => newestMtime(d, '.ts')))) {
		await timings.measure('npm run build:tools', () => {
			const r = spawnSync('npm', ['run', 'build:tools'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 5 * 60_000 });
			if (r.status !== 0) throw new Error(`npm run build:tools failed:\n${r.stdout}\n${r.stderr}`);
		});
	}
	mkdirSync(E2E_STATE_ROOT, { recursive: true });
	const [n8nPort, apiPort] = await freePorts(2);
	ports = { n8n: n8nPort, api: apiPort };
	demo = await timings.measure('npm run demo -> "Demo ready." (fresh state)', startDemoProcess);
	record = readDemoRecord(stateDir)!;
	api = await N8nApi.connect({ url: record.running!.editorUrl, owner: record.running!.owner });
}, 420_000);

afterAll(async () => {
	if (demo) signalAll([...demo.tree, ...(demo.child.pid ? descendants(demo.child.pid) : [])], 'SIGKILL');
	process.stdout.write(`\n${timings.summary('demo e2e timings')}\n\n`);
	if (existsSync(stateDir)) rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

describe('npm run demo', () => {
	it('prints the editor URL and the login, with credentials, workflows and an active trigger in place', async () => {
		const out = demo!.output();
		expect(out).toContain(`Open      http://127.0.0.1:${ports.n8n}`);
		expect(out).toContain(`${DEMO_OWNER.email}  /  ${DEMO_OWNER.password}`);
		expect(out).toContain(`http://127.0.0.1:${ports.api}`);
		expect(record.running).toMatchObject({ editorUrl: `http://127.0.0.1:${ports.n8n}`, sandboxUrl: `http://127.0.0.1:${ports.api}` });

		const workflows = (await api.publicApi<{ data: WorkflowJson[] }>('GET', '/workflows?limit=250')).body.data;
		const demoNames = Object.values(record.workflows).map((w) => w.name);
		expect(workflows.map((w) => w.name).sort()).toEqual([...demoNames].sort());
		expect(demoNames.every((n) => n.startsWith('Sandbox – '))).toBe(true);
		expect(workflows.filter((w) => w.active).map((w) => w.name).sort()).toEqual(
			Object.values(record.workflows).filter((w) => w.active).map((w) => w.name).sort(),
		);
		for (const w of Object.values(record.workflows)) expect(out).toContain(`/workflow/${w.id}`);

		const anyformatCredential = await api.testCredential('anyformatApi', undefined, { id: record.credentials.anyformatApi.id });
		const anesyaCredential = await api.testCredential('anesyaApi', undefined, { id: record.credentials.anesyaApi.id });
		expect([anyformatCredential.status, anesyaCredential.status]).toEqual(['OK', 'OK']);

		const hooks = (await sandboxState()).anyformat.webhooks;
		expect(hooks.map((h) => h.url.split('?')[0])).toEqual([`http://127.0.0.1:${ports.n8n}/webhook/${SANDBOX_IDS.anyformatTriggerWebhook}/webhook`]);
	});

	it('workflow 1 writes the sample invoice line items as CSV rows', async () => {
		const execution = await timings.measure('workflow 1 (invoice -> CSV)', () => runFromEditor('anyformat-invoice-to-csv'));
		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'Anyformat: extract invoice')).toHaveLength(4);
		const csvFile = join(record.outputDir, 'invoice-line-items.csv');
		const rows = parseCsv(readFileSync(csvFile, 'utf8'));
		expect(rows).toEqual(
			[
				['Ergonomic office chair', '4', '249', '996'],
				['Standing desk 160x80', '2', '549', '1098'],
				['Monitor arm, dual', '4', '89.5', '358'],
				['Delivery and assembly', '1', '120', '120'],
			].map(([description, quantity, unit_price, amount]) => ({
				invoice_number: 'INV-2024-0847',
				invoice_date: '2024-11-04',
				vendor_name: 'ACME Office Supplies GmbH',
				customer_name: 'Northwind Traders Ltd',
				description,
				quantity,
				unit_price,
				amount,
				currency: 'EUR',
			})),
		);
		timings.annotate(`${rows.length} CSV rows in ${csvFile}`);
	});

	it('workflow 2: submitting an invoice fires the active Anyformat Trigger, which enriches the extracted fields', async () => {
		const before = await executionIds('anyformat-trigger-enrich');
		const submitted = await runFromEditor('anyformat-submit-invoice');
		expect(submitted.status).toBe('success');
		const [receipt] = outputOf(submitted, 'Anyformat: submit only');
		expect(receipt).toMatchObject({ status: 'accepted', workflow_id: SANDBOX_IDS.anyformatInvoices });

		const fired = await nextExecution('anyformat-trigger-enrich', before, (e) => (outputOf(e, 'Enrich')[0]?._meta as { collectionId?: string } | undefined)?.collectionId === receipt.id);
		expect(fired.mode).toBe('webhook');
		const [enriched] = outputOf(fired, 'Enrich');
		expect(enriched).toMatchObject({
			status: 'extracted',
			summary: 'INV-2024-0847 from ACME Office Supplies GmbH: 3060.68 EUR',
			line_item_count: 4,
			sandbox: true,
			_meta: { event: 'extraction.completed', collectionId: receipt.id },
		});
	});

	it('workflow 3: Anesya extracts the receipt image with a workflow, and the sandbox calls the Anesya Trigger', async () => {
		const before = await executionIds('anesya-trigger');
		const execution = await runFromEditor('anesya-extract-with-workflow');
		expect(execution.status).toBe('success');
		const [receipt] = outputOf(execution, 'Anesya: extract receipt');
		expect(receipt).toMatchObject({
			merchant_name: 'Blue Bean Coffee',
			receipt_number: 'R-20241122-0042',
			date: '2024-11-22',
			total: 14.4,
			currency: 'EUR',
			payment_method: 'Card',
			_meta: { status: 'FINISHED', documentName: 'receipt.png', workflowId: SANDBOX_IDS.anesyaReceiptWorkflow },
		});
		expect(receipt.items).toHaveLength(3);

		const fired = await nextExecution('anesya-trigger', before);
		expect(outputOf(fired, 'Mark as received')[0]).toMatchObject({
			merchant_name: 'Blue Bean Coffee',
			sandbox: true,
			_meta: { event: 'workflow.completed', extractId: (receipt._meta as { extractId: string }).extractId },
		});
	});

	it('workflow 4: Review Threshold flags the hand-written purchase-order values and the If node routes it to review', async () => {
		const execution = await runFromEditor('anyformat-review-routing');
		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'Send to review')).toEqual([
			{
				status: 'needs review',
				po_number: 'PO-7731',
				check_these_fields: 'buyer_company, supplier_name, requested_delivery_date',
				order_total: 2111.4,
			},
		]);
		expect(outputOf(execution, 'Approve automatically')).toEqual([]);
	});

	it('examples/*.json (demo workflows with placeholders + quick-start ones) import through the public API as they are', async () => {
		const examples = exampleWorkflows();
		expect(readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.json')).sort()).toEqual(examples.map((e) => `${e.key}.json`).sort());
		const anyformat = await api.createCredential('anyformatApi', { apiKey: 'not-used', baseUrl: 'http://127.0.0.1:9' }, 'Anyformat account');
		const anesya = await api.createCredential('anesyaApi', { apiToken: 'not-used', baseUrl: 'http://127.0.0.1:9' }, 'Anesya account');
		// every node type at its version, as this n8n knows them: a parameter the type does not have is a typo
		const known = new Map<string, Set<string>>();
		for (const t of await api.nodeTypes()) {
			for (const v of ([] as unknown[]).concat(t.version as number | number[])) {
				known.set(`${t.name}@${String(v)}`, new Set((t.properties as Array<{ name: string }>).map((p) => p.name)));
			}
		}
		const imported: string[] = [];
		for (const example of examples) {
			const file = join(REPO_ROOT, 'examples', `${example.key}.json`);
			const onDisk = JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
			expect(onDisk).toEqual(exampleFile(example));
			const text = JSON.stringify(onDisk);
			expect(text).not.toContain(REPO_ROOT);
			expect(text).not.toMatch(/sandbox/i);
			for (const node of onDisk.nodes) {
				const properties = known.get(`${node.type}@${node.typeVersion}`);
				expect([example.key, node.name, properties ? 'known' : 'unknown type/version']).toEqual([example.key, node.name, 'known']);
				expect([example.key, node.name, Object.keys(node.parameters).filter((p) => !properties!.has(p))]).toEqual([example.key, node.name, []]);
			}

			// the file, unchanged, is the body (it is also what the editor's Import from File reads)
			const created = await api.publicApi<WorkflowJson & { id: string }>('POST', '/workflows', onDisk);
			expect([example.key, created.status]).toEqual([example.key, 200]);
			for (const node of created.body.nodes.filter((n) => n.credentials)) {
				for (const [type, ref] of Object.entries(node.credentials!)) {
					// ours are matched by name; other services' (Gmail, Google Sheets, HubSpot) stay to be picked
					if (type === 'anyformatApi') expect(ref.id).toBe(anyformat.id);
					if (type === 'anesyaApi') expect(ref.id).toBe(anesya.id);
				}
			}
			imported.push(`${example.key}.json -> workflow ${created.body.id} (${created.body.nodes.length} nodes)`);
			await api.deleteWorkflow(created.body.id);
		}
		process.stdout.write(`\nexamples imported with POST /api/v1/workflows:\n  ${imported.join('\n  ')}\n`);
		await api.deleteCredential(anyformat.id);
		await api.deleteCredential(anesya.id);
	});

	it('stops n8n, its task runner and the sandbox on SIGTERM, leaving nothing running', async () => {
		const p = demo!;
		const n8nPids = p.tree.filter((r) => r.pid !== p.child.pid);
		expect(n8nPids.length).toBeGreaterThanOrEqual(2); // node demo.js + n8n (+ its task runner)
		// a change of the user's own, to be found again by the second run
		await api.createWorkflow(manualToNodes([], { name: 'My own workflow' }));

		const stopped = await timings.measure('SIGTERM -> everything gone', () => stopDemoProcess(p, 'SIGTERM'));
		expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
		expect(p.output()).toContain('Demo stopped.');
		expect(p.tree.filter(isAlive)).toEqual([]);
		expect(await portOpen(ports.n8n)).toBe(false);
		expect(await portOpen(ports.api)).toBe(false);
		expect(readDemoRecord(stateDir)?.running).toBeUndefined();
		demo = undefined;
	});

	it('a second run keeps the state, creates nothing twice, re-registers the trigger; Ctrl-C stops it', async () => {
		demo = await timings.measure('npm run demo -> "Demo ready." (existing state)', startDemoProcess);
		expect(demo.output()).toContain('Reusing the demo state');
		record = readDemoRecord(stateDir)!;
		api = await N8nApi.connect({ url: record.running!.editorUrl, owner: record.running!.owner });
		const names = (await api.publicApi<{ data: WorkflowJson[] }>('GET', '/workflows?limit=250')).body.data.map((w) => w.name);
		expect(names.sort()).toEqual([...Object.values(record.workflows).map((w) => w.name), 'My own workflow'].sort());
		// the sandbox started empty: the trigger is registered with it again
		await waitUntil(async () => (await sandboxState()).anyformat.webhooks.length === 1, { timeoutMs: 15_000, description: 'the trigger registration' });

		const p = demo;
		const stopped = await timings.measure('Ctrl-C (SIGINT to the group) -> everything gone', () => stopDemoProcess(p, 'SIGINT'));
		expect(stopped.code === 0 || stopped.code === 130 || stopped.signal === 'SIGINT').toBe(true);
		expect(p.tree.filter(isAlive)).toEqual([]);
		expect(await portOpen(ports.n8n)).toBe(false);
		expect(await portOpen(ports.api)).toBe(false);
		demo = undefined;
	}, 300_000);
});
