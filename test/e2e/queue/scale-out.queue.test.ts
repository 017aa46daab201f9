/**
 * Scale-out: the nodes in a real n8n 2.41.1 in queue mode — main (`n8n start`), one worker (`n8n worker`) and one
 * webhook processor (`n8n webhook`) on a fresh PostgreSQL database and a Redis (Bull) queue, binary data mode
 * `database`. Every request the nodes send to the (fake) APIs goes through an attributing proxy, so the fake's
 * log says which process sent it; the processes' logs say which one enqueued and which one ran each execution.
 *
 *  (1) 20 files posted to the webhook processor (multipart) → stored in n8n's database binary store → the worker
 *      runs Split Out → Anyformat Extract From File: 20 correct items, exactly one submission per document, all
 *      from the worker; the bytes anyformat received are the bytes posted.
 *  (2) Anyformat Trigger: activated on main → registered once (by main) with the webhook processor's URL; a
 *      delivery arrives at the webhook processor (which answers it) and runs on the worker (which fetches the results) with the
 *      extracted fields; later deliveries keep working; deactivation removes the subscription (main). A redelivery
 *      of the same message starts nothing: n8n 2.41.1 drops what webhook() writes to static data when an execution
 *      starts (an n8n bug), so the trigger also remembers deliveries per process — enough with one webhook processor.
 *  (3) Anesya: Extract With Workflow through the queue (worker), and the Anesya Trigger receiving the
 *      `workflow.completed` deliveries at the webhook processor, run on the worker. Runs when the Anesya nodes are
 *      built and listed in package.json "n8n".nodes.
 *  (4) Two executions at once on the worker, one API key, a tight submission rate limit: every item, exactly one
 *      accepted submission per document, 429s retried after Retry-After.
 *
 * Run: npx jest -c jest.e2e.queue.config.js   (services: test/e2e/queue/services.sh; see test/e2e/queue/README.md)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	buildTextPdf,
	DEFAULT_ANESYA_TOKEN as ANESYA_TOKEN,
	DEFAULT_ANYFORMAT_KEY as API_KEY,
	documentFromFile,
	REAL_ANYFORMAT_RATE_LIMITS,
	startFakeApi,
	type FakeApi,
	type RequestLogEntry,
} from '../../fake-api';
import { INVOICE_SCHEMA, invoiceText } from '../../fixtures/invoices';
import { byId } from '../../helpers/n8n-harness';
import { SAMPLE_INVOICE_FIELDS } from '../../../scripts/samples';
import { N8nApi, type CredentialRef, type Execution } from '../support/n8n-api';
import { REPO_ROOT } from '../support/paths';
import { defaultRuntime, type RuntimeInfo } from '../support/runtime';
import { Timings, formatMs } from '../support/timings';
import { waitUntil } from '../support/wait';
import { triggerWorkflow, webhookToNodes } from '../support/workflows';
import { processOf, startAttributingProxy, type AttributingProxy } from './attribution';
import { bootServices, cleanupRecordedRuns, cleanupRun, createRunResources, pgClient, type RunResources, type ServiceEndpoints } from './services';
import { executionTrail, ROLES, startQueueTopology, type ExecutionTrail, type QueueTopology, type Role } from './topology';
import { postFiles, waitForWebhookRoute, type UploadFile } from './uploads';

const BATCH = 20;
const ANESYA_BATCH = 5;
const ANYFORMAT_LATENCY_MS = 500;
const WORKER_CONCURRENCY = 10;

const ANESYA_NODES = ['dist/nodes/Anesya/Anesya.node.js', 'dist/nodes/Anesya/AnesyaTrigger.node.js'];

/** Why n8n would not load these node files from the package: not built, or not listed in package.json "n8n".nodes. */
function unloadable(files: string[]): string | undefined {
	const listed = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } }).n8n.nodes;
	const unbuilt = files.filter((f) => !existsSync(join(REPO_ROOT, f)));
	if (unbuilt.length) return `${unbuilt.join(', ')} not built`;
	const unlisted = files.filter((f) => !listed.includes(f));
	return unlisted.length ? `${unlisted.join(', ')} not listed in package.json "n8n".nodes` : undefined;
}
const anesyaSkip = unloadable(ANESYA_NODES);

const timings = new Timings();
const summary: string[] = [];
const note = (line: string) => summary.push(line);

let runtime: RuntimeInfo;
let services: ServiceEndpoints & { log: string };
let run: RunResources | undefined;
let fake: FakeApi | undefined;
let proxy: AttributingProxy | undefined;
let q: QueueTopology | undefined;
let api: N8nApi;
let anyformatCred: CredentialRef;
let anesyaCred: CredentialRef | undefined;

const invoicePdf = (n: number) => buildTextPdf(invoiceText(n));
const routeOf = (e: RequestLogEntry) => e.route || `${e.method} ${e.path}`;

/** fake-log entries (n8n's traffic only: it all comes through the proxy) grouped as "process: route ×n". */
function requestsByProcess(entries: RequestLogEntry[]): string {
	const counts = new Map<string, Map<string, number>>();
	for (const e of entries) {
		const who = processOf(e) ?? 'not via proxy';
		const byRoute = counts.get(who) ?? new Map<string, number>();
		byRoute.set(routeOf(e), (byRoute.get(routeOf(e)) ?? 0) + 1);
		counts.set(who, byRoute);
	}
	return [...counts]
		.map(([who, routes]) => `${who}: ${[...routes].map(([r, n]) => `${r} ×${n}`).join(', ')}`)
		.join(' | ');
}

/** The one execution of a workflow that matches, read back from main's public API with its data. */
async function executionOf(workflowId: string, predicate: (e: Execution) => boolean = (e) => e.finished, timeoutMs = 30_000) {
	return await api.waitForExecution(predicate, { workflowId, timeoutMs, description: `an execution of workflow ${workflowId}` });
}

function describeTrail(t: ExecutionTrail): string {
	return `execution ${t.executionId} (job ${t.jobId ?? '?'}): enqueued by ${t.enqueuedBy.join('+') || '-'}, run by ${t.startedBy.join('+') || '-'}`;
}

/** Proof from the logs: enqueued by `by`, started and finished by the worker, nowhere else. */
function expectRanOnWorker(executionId: string, by: Role): ExecutionTrail {
	const trail = executionTrail(q!, executionId);
	expect(trail).toMatchObject({ enqueuedBy: [by], startedBy: ['worker'], finishedBy: ['worker'] });
	return trail;
}

/** Webhook (files) → Split Out (one item per file) → Anyformat Extract From File; activated on main. */
async function activateAnyformatBatchWorkflow(name: string) {
	const workflowId = fake!.anyformat.createWorkflow({ name, fields: SAMPLE_INVOICE_FIELDS }).id;
	const { workflow, path } = webhookToNodes(
		[
			// one item per binary property: each item carries one of the posted files
			{ type: 'n8n-nodes-base.splitOut', name: 'One Item Per File', parameters: { fieldToSplitOut: '$binary', include: 'noOtherFields', options: {} } },
			{
				type: 'anyformat',
				name: 'Anyformat',
				credentials: [anyformatCred],
				parameters: {
					resource: 'extraction',
					operation: 'extractFromFile',
					workflow: byId(workflowId),
					binaryPropertyName: '={{ Object.keys($binary)[0] }}',
				},
			},
		],
		{ name },
	);
	const created = await api.createWorkflow(workflow, [anyformatCred]);
	await api.activate(created.id);
	return { workflowId, n8nWorkflowId: created.id, url: `${q!.webhookBaseUrl}/webhook/${path}` };
}

/** `count` invoice PDFs named `<prefix>-NN.pdf`; invoice number INV-(1000 + first + i). */
function invoiceFiles(prefix: string, count: number, first: number): UploadFile[] {
	return Array.from({ length: count }, (_, i) => ({
		field: `doc${String(i).padStart(2, '0')}`,
		fileName: `${prefix}-${String(i).padStart(2, '0')}.pdf`,
		mimeType: 'application/pdf',
		bytes: invoicePdf(first + i),
	}));
}

/**
 * The items match the files (the Webhook node orders binary fields as its upload parser finishes them, so match by
 * file name), and anyformat accepted exactly one submission per document, with the very bytes posted.
 */
function expectOneExtractionPerFile(items: Array<Record<string, unknown>>, files: UploadFile[], first: number, workflowId: string): Map<string, number> {
	const byFile = new Map(items.map((item) => [String((item._meta as { fileName?: string }).fileName), item]));
	expect([...byFile.keys()].sort()).toEqual(files.map((f) => f.fileName));
	for (const [i, f] of files.entries()) {
		expect(byFile.get(f.fileName)).toMatchObject({
			invoice_number: `INV-${1000 + first + i}`,
			vendor_name: `Vendor ${first + i}`,
			total_amount: 1000 + (first + i) * 10,
			_meta: { workflowId, fileName: f.fileName },
		});
	}
	const accepted = new Map<string, number>();
	const bytes = new Map<string, number>();
	for (const c of fake!.anyformat.submissionsFor(workflowId)) {
		for (const f of c.files) {
			accepted.set(f.fileName, (accepted.get(f.fileName) ?? 0) + 1);
			bytes.set(f.fileName, f.size);
		}
	}
	expect(Object.fromEntries(accepted)).toEqual(Object.fromEntries(files.map((f) => [f.fileName, 1])));
	for (const f of files) expect(bytes.get(f.fileName)).toBe(f.bytes.length);
	return accepted;
}

beforeAll(async () => {
	runtime = defaultRuntime()!;
	// an interrupted earlier run left its database/keys (and maybe private services): remove them before booting
	for (const leftover of await cleanupRecordedRuns({ abandoned: true })) {
		note(`cleaned up after an interrupted earlier run: ${leftover.database} dropped=${leftover.databaseDropped}, ${leftover.redisKeysDeleted} keys`);
	}
	services = await timings.measure('services.sh up (Redis + PostgreSQL)', () => bootServices());
	const where = (s: { host: string; port: number; private: boolean; started: boolean }) =>
		`${s.host}:${s.port} (${s.private ? (s.started ? 'private, started now' : 'private, reused') : 'machine'})`;
	note(`services: redis ${where(services.redis)}, postgres ${where(services.postgres)}`);
	if (services.redis.private || services.postgres.private) note(`services.sh: ${services.log.replace(/\n/g, ' · ')}`);

	run = await timings.measure('fresh database + Redis DB/prefix', () =>
		createRunResources(runtime, services, process.env.E2E_RUN_ID ?? `${Date.now()}`),
	);
	note(`run resources: database ${run.database}, redis db ${run.redisDb}, key prefix ${run.redisPrefix}*`);

	fake = await startFakeApi({
		anyformat: { apiKeys: [API_KEY], latencyMs: ANYFORMAT_LATENCY_MS, allowHttpWebhooks: true },
		anesya: { tokens: [ANESYA_TOKEN], latencyMs: 400 },
	});
	q = await timings.measure('n8n main, then worker + webhook processor, ready', () =>
		startQueueTopology({ run: run!, runtime, label: 'queue', workerConcurrency: WORKER_CONCURRENCY }),
	);
	for (const [step, ms] of Object.entries(q.timings)) timings.record(`  ${step}`, ms);
	note(
		`processes: main pid ${q.main.pid} :${q.main.port} · worker pid ${q.worker.pid} (health :${q.worker.port}, --concurrency ${q.workerConcurrency}) · webhook processor pid ${q.webhook.pid} :${q.webhook.port}`,
	);
	proxy = await startAttributingProxy(fake.url, () => q!.processes());
	api = await N8nApi.connect(q.main);
	anyformatCred = await api.createCredential('anyformatApi', { apiKey: API_KEY, baseUrl: proxy.url }, 'anyformat (queue e2e)');
	if (!anesyaSkip) {
		anesyaCred = await api.createCredential('anesyaApi', { apiToken: ANESYA_TOKEN, baseUrl: `${proxy.url}/anesya` }, 'Anesya (queue e2e)');
	}
}, 300_000);

afterAll(async () => {
	const errors: string[] = [];
	if (q) {
		const mem = q.memory();
		note(
			`memory: ${ROLES.map((r) => `${r} peak ${Math.round(mem[r].peakMb)} MB${mem[r].childrenMb ? ` + task runner ${Math.round(mem[r].childrenMb)} MB` : ''}`).join(' · ')}`,
		);
	}
	const t = Date.now();
	await q?.stop();
	if (q) timings.record('stop webhook processor + worker, then main', Date.now() - t);
	await proxy?.close();
	await fake?.close();
	if (run) {
		try {
			const report = await timings.measure('clean-up: DROP DATABASE + delete keys', () => cleanupRun(run!));
			note(
				`clean-up: database ${report.database} dropped=${report.databaseDropped}; ${report.redisKeysDeleted} Redis keys of ${run.redisPrefix}* deleted, ${report.redisKeysLeft} left (other keys in db ${run.redisDb}: ${report.otherKeysInDb}); private services stopped: ${report.privateServicesStopped}`,
			);
		} catch (error) {
			errors.push((error as Error).message);
		}
	}
	process.stdout.write(`\n=== queue-mode summary (n8n ${runtime?.n8nVersion ?? '?'}) ===\n${summary.map((l) => `  ${l}`).join('\n')}\n\n`);
	process.stdout.write(`${timings.summary('queue-mode timings')}\n\n`);
	if (errors.length) throw new Error(errors.join('\n'));
}, 120_000);

describe('(1) a batch of files through the webhook processor, the binary store and the worker', () => {
	test(`${BATCH} multipart files → Split Out → Anyformat Extract From File: ${BATCH} items, one submission each, all on the worker`, async () => {
		const batch = await activateAnyformatBatchWorkflow('Invoices batch (queue e2e)');
		timings.record('(1) activate (main) -> webhook processor routes the path', await waitForWebhookRoute(batch.url));
		const files = invoiceFiles('invoice', BATCH, 0);
		fake!.clearLog();
		const started = Date.now();
		const response = await postFiles<Array<Record<string, unknown>>>(batch.url, files, 120_000);
		const wallMs = Date.now() - started;
		timings.record(`(1) POST ${BATCH} files to the webhook processor -> ${BATCH} items`, wallMs);

		// ---- the items, exactly one submission per document, and which process sent what
		expect(response.status).toBe(200);
		const perDocument = expectOneExtractionPerFile(response.body, files, 0, batch.workflowId);
		expect(fake!.log.filter((e) => e.submission)).toHaveLength(BATCH);
		expect(new Set(fake!.log.map(processOf))).toEqual(new Set(['worker']));

		// ---- the execution: received + enqueued by the webhook processor, run by the worker
		const execution = await executionOf(batch.n8nWorkflowId);
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		const trail = expectRanOnWorker(execution.id, 'webhook');

		// ---- the files travelled through n8n's database binary store (the worker has its own, empty user folder)
		const db = await pgClient(run!, run!.database);
		let rows: Array<{ fileName: string; fileSize: number; sourceId: string; mimeType: string }>;
		try {
			rows = (
				await db.query<{ fileName: string; fileSize: number; sourceId: string; mimeType: string }>(
					`SELECT "fileName", "fileSize", "sourceId", "mimeType" FROM binary_data WHERE "sourceType" = 'execution' AND "fileName" LIKE 'invoice-%.pdf'`,
				)
			).rows;
		} finally {
			await db.end();
		}
		const inStore = new Map(rows.map((r) => [r.fileName, r]));
		expect(rows).toHaveLength(BATCH);
		for (const f of files) expect(inStore.get(f.fileName)).toMatchObject({ fileSize: f.bytes.length, mimeType: 'application/pdf' });
		// n8n 2.41.1 files a webhook's uploads under the placeholder execution "temp" and, in database mode, never
		// moves them to the execution (see README.md, Running at scale): record what the store says
		const sourceIds = [...new Set(rows.map((r) => r.sourceId))];

		const polls = fake!.log.filter((e) => e.route === 'GET /v2/workflows/{workflow_id}/files/').length;
		note(
			`(1) batch: ${describeTrail(trail)}; ${rows.length} files in binary_data (sourceId ${sourceIds.join()}, execution ${execution.id}); submissions per document: ${BATCH} × ${[...new Set(perDocument.values())].join('/')}; wall ${formatMs(wallMs)} (${polls} status lists)`,
		);
		note(`    API requests by process: ${requestsByProcess(fake!.log)}`);
		await api.deactivate(batch.n8nWorkflowId);
	});
});

describe('(2) Anyformat Trigger: registered by main, delivered to the webhook processor, run on the worker', () => {
	const DEDUPE_NODE = 'Skip Repeated Deliveries';
	/** shared by the steps of this block (they run in order) */
	const state: {
		workflowId?: string;
		n8nWorkflowId?: string;
		subscriptionUrl?: string;
		firstExecutionId?: string;
		redeliveredCollectionId?: string;
	} = {};

	/** An extraction finishes at anyformat (started outside n8n) → signed delivery to the subscription. */
	async function extractAndDeliver(n: number) {
		const before = fake!.anyformat.deliveries.length;
		const collection = fake!.anyformat.createCollection(
			state.workflowId!,
			'v2-run',
			[{ document: documentFromFile(invoicePdf(100 + n), `trigger-${n}.pdf`, 'application/pdf') }],
			{ start: true },
		);
		const delivery = await fake!.waitFor(
			() =>
				fake!.anyformat.deliveries
					.slice(before)
					.find((d) => d.state !== 'pending' && (d.payload as { data?: { extraction_id?: string } }).data?.extraction_id === collection.id),
			{ timeoutMs: 30_000 },
		);
		expect(delivery).toMatchObject({ state: 'delivered', url: state.subscriptionUrl });
		return { delivery, collection };
	}

	/** The finished executions (with their data) whose trigger output is about the extraction `collectionId`. */
	async function executionsAbout(collectionId: string): Promise<Execution[]> {
		const found: Execution[] = [];
		for (const e of await api.listExecutions({ workflowId: state.n8nWorkflowId })) {
			if (!e.finished) continue;
			const full = await api.getExecution(e.id);
			const out = full.data?.resultData.runData['Anyformat Trigger']?.[0]?.data?.main?.[0]?.[0]?.json;
			if ((out?._meta as { collectionId?: string } | undefined)?.collectionId === collectionId) found.push(full);
		}
		return found;
	}

	async function executionFor(collectionId: string): Promise<Execution> {
		return await waitUntil(async () => (await executionsAbout(collectionId))[0], {
			timeoutMs: 30_000,
			intervalMs: 200,
			description: `the trigger execution for extraction ${collectionId}`,
		});
	}

	test('activation on main registers once at the webhook processor URL; a delivery runs on the worker with the extracted fields', async () => {
		state.workflowId = fake!.anyformat.createWorkflow({ name: 'Invoices trigger (queue e2e)', fields: SAMPLE_INVOICE_FIELDS }).id;
		const { workflow, webhookId } = triggerWorkflow(
			{
				type: 'anyformatTrigger',
				name: 'Anyformat Trigger',
				credentials: [anyformatCred],
				parameters: {
					workflowScope: 'one',
					workflow: byId(state.workflowId),
					events: ['extraction.completed', 'extraction.failed'],
					includeData: true,
					options: { allowHttp: true },
				},
			},
			// what a user can add against repeated deliveries: n8n's own DB-backed deduplication, on the worker
			[
				{
					type: 'n8n-nodes-base.removeDuplicates',
					typeVersion: 2,
					name: DEDUPE_NODE,
					parameters: {
						operation: 'removeItemsSeenInPreviousExecutions',
						logic: 'removeItemsWithAlreadySeenKeyValues',
						dedupeValue: '={{ $json._meta.deliveryId }}',
						options: {},
					},
				},
			],
			{ name: 'Anyformat Trigger (queue e2e)' },
		);
		const created = await api.createWorkflow(workflow, [anyformatCred]);
		state.n8nWorkflowId = created.id;
		fake!.clearLog();

		// ---- activation on main → exactly one subscription, at the webhook processor's URL
		const activatedAt = Date.now();
		await api.activate(created.id);
		const [subscription] = await fake!.waitFor(() => (fake!.anyformat.webhooks.length ? fake!.anyformat.webhooks : undefined), {
			timeoutMs: 20_000,
		});
		const registeredMs = Date.now() - activatedAt;
		timings.record('(2) activate (main) -> subscription at anyformat', registeredMs);
		state.subscriptionUrl = subscription.url;
		expect(subscription.url.startsWith(`${q!.webhookBaseUrl}/webhook/${webhookId}/webhook?token=`)).toBe(true);
		expect(subscription.events.sort()).toEqual(['extraction.completed', 'extraction.failed']);
		const registration = fake!.log.filter((e) => e.route === 'POST /v2/webhooks/');
		expect(registration).toHaveLength(1);
		expect(processOf(registration[0])).toBe('main');
		const activationRequests = requestsByProcess(fake!.log);

		// ---- delivery → webhook processor (verifies, answers) → queue → worker (downloads the results)
		const t = Date.now();
		const first = await extractAndDeliver(1);
		const execution = await executionFor(first.collection.id);
		timings.record('(2) extraction ready -> delivery answered -> execution finished', Date.now() - t);
		state.firstExecutionId = execution.id;
		state.redeliveredCollectionId = first.collection.id;
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		const runData = execution.data!.resultData.runData;
		expect(runData['Anyformat Trigger'][0].data!.main![0]![0].json).toMatchObject({
			invoice_number: 'INV-1101',
			vendor_name: 'Vendor 101',
			total_amount: 2010,
			_meta: { event: 'extraction.completed', collectionId: first.collection.id, workflowId: state.workflowId, deliveryId: first.delivery.messageId },
		});
		expect(runData[DEDUPE_NODE][0].data!.main![0]).toEqual([expect.objectContaining({ json: expect.objectContaining({ invoice_number: 'INV-1101' }) })]);
		const trail = expectRanOnWorker(execution.id, 'webhook');
		// the webhook processor only answers and enqueues; the results download runs in the trigger's execute(),
		// i.e. in the execution, on the worker
		const resultFetches = fake!.log.filter((e) => e.route.endsWith('/results/'));
		expect(resultFetches.length).toBeGreaterThan(0);
		expect(new Set(resultFetches.map(processOf))).toEqual(new Set(['worker']));
		// still one subscription, registered once
		expect(fake!.anyformat.webhooks).toHaveLength(1);
		expect(fake!.log.filter((e) => e.route === 'POST /v2/webhooks/')).toHaveLength(1);

		note(
			`(2) trigger: subscription registered by ${processOf(registration[0])} ${formatMs(registeredMs)} after activate (registrations: 1), URL → webhook processor :${q!.webhook.port}`,
		);
		note(`    activation requests by process: ${activationRequests}`);
		note(`    delivery 1 → webhook processor → ${describeTrail(trail)} (results fetched on the worker: ${resultFetches.length})`);
	});

	test('a redelivery is answered 200 and a later delivery still runs (the subscription outlives the webhook processor)', async () => {
		const redelivery = fake!.anyformat.redeliver(fake!.anyformat.deliveries.find((d) => d.state === 'delivered')!.id);
		const answered = await fake!.waitFor(
			() => fake!.anyformat.deliveries.find((d) => d.id === redelivery.id && d.attempts.some((a) => a.redelivery && a.status !== undefined)),
			{ timeoutMs: 15_000 },
		);
		expect(answered.attempts.filter((a) => a.redelivery).map((a) => a.status)).toEqual([200]);
		// a new extraction: delivered to the same URL with the same token and verified with the stored secret
		const second = await extractAndDeliver(2);
		const execution = await executionFor(second.collection.id);
		expect(execution.data!.resultData.runData['Anyformat Trigger'][0].data!.main![0]![0].json).toMatchObject({ invoice_number: 'INV-1102' });
		const trail = expectRanOnWorker(execution.id, 'webhook');
		note(`    delivery 2 → ${describeTrail(trail)}`);
	});

	// n8n 2.41.1 BUG (regular and queue mode; README.md, Running at scale): static data a trigger writes in webhook() is
	// not saved when the webhook starts an execution — WorkflowRunner.establishContextForPersistence() wraps the same
	// staticData object in a new Workflow, which resets its change flag, so LiveWebhooks' saveStaticData() skips it.
	// The trigger therefore also remembers deliveries in the process that received them (here: the one webhook
	// processor), so the redelivery is recognised; with several webhook processors a repeat may land elsewhere.
	test('the redelivered event starts no second execution (remembered by the webhook processor)', async () => {
		// (delivery 2's execution, created after the redelivery was answered, has finished: any execution the
		// redelivery started exists by now)
		const aboutFirst = (await executionsAbout(state.redeliveredCollectionId!)).map((e) => e.id);
		note(`    redelivery of delivery 1: executions about that extraction: ${aboutFirst.join(', ')} (${aboutFirst.length > 1 ? 'DUPLICATE' : 'deduplicated'})`);
		expect(aboutFirst).toEqual([state.firstExecutionId]);
	});

	test('mitigation: Remove Duplicates keyed on _meta.deliveryId (n8n\'s DB-backed deduplication) stops a repeated delivery on the worker', async () => {
		const executions = await executionsAbout(state.redeliveredCollectionId!);
		const passed = (e: Execution) => e.data!.resultData.runData[DEDUPE_NODE]?.[0]?.data?.main?.[0] ?? [];
		expect(passed(executions.find((e) => e.id === state.firstExecutionId)!)).toHaveLength(1);
		const repeats = executions.filter((e) => e.id !== state.firstExecutionId);
		for (const e of repeats) expect(passed(e)).toEqual([]);
		note(`    mitigation: ${DEDUPE_NODE} (Remove Duplicates, previous executions, key _meta.deliveryId) let the first through and dropped ${repeats.length} repeat(s)`);
	});

	test('deactivation on main deletes the subscription; the webhook processor stops routing the URL', async () => {
		const before = fake!.log.length;
		const deactivatedAt = Date.now();
		await api.deactivate(state.n8nWorkflowId!);
		await fake!.waitFor(() => fake!.anyformat.webhooks.length === 0, { timeoutMs: 20_000 });
		timings.record('(2) deactivate (main) -> subscription deleted', Date.now() - deactivatedAt);
		const deletion = fake!.log.slice(before).filter((e) => e.route.startsWith('DELETE /v2/webhooks/'));
		expect(deletion.map(processOf)).toEqual(['main']);
		await waitForWebhookRoute(state.subscriptionUrl!, { routed: false });
		note(`    deactivation: subscription deleted by ${deletion.map(processOf).join()}; registrations over the whole run: ${fake!.log.filter((e) => e.route === 'POST /v2/webhooks/').length}`);
	});
});

describe('(3) Anesya: Extract With Workflow through the queue, Anesya Trigger deliveries at the webhook processor', () => {
	if (anesyaSkip) process.stdout.write(`[queue] SKIPPING (3): ${anesyaSkip}; it runs as soon as they are built and listed\n`);

	(anesyaSkip ? test.skip : test)(`${ANESYA_BATCH} files → Split Out → Anesya Extract With Workflow (worker) → workflow.completed → Anesya Trigger (worker)`, async () => {
		const schema = fake!.anesya.createSchema({ name: 'Invoice (queue e2e)', schema: INVOICE_SCHEMA });
		const anesyaWorkflow = fake!.anesya.createWorkflow({ name: 'Invoices (queue e2e)', schemaId: schema.id });

		// the trigger: a URL the user pastes into Anesya's dashboard (with the trigger's secret as ?token=)
		const secret = 'queue-e2e-secret';
		const { workflow: triggerWf, webhookId } = triggerWorkflow(
			{ type: 'anesyaTrigger', name: 'Anesya Trigger', parameters: { events: ['workflow.completed'], secret } },
			[{ type: 'n8n-nodes-base.noOp', name: 'After Trigger' }],
			{ name: 'Anesya Trigger (queue e2e)' },
		);
		const trigger = await api.createWorkflow(triggerWf);
		await api.activate(trigger.id);
		const triggerUrl = `${q!.webhookBaseUrl}/webhook/${webhookId}/webhook?token=${secret}`;
		await waitForWebhookRoute(triggerUrl);
		fake!.anesya.setDashboardWebhooks([{ event: 'workflow.completed', url: triggerUrl }]);

		// the action: files → Anesya Extract With Workflow (one upload per item)
		const { workflow, path } = webhookToNodes([
			{ type: 'n8n-nodes-base.splitOut', name: 'One Item Per File', parameters: { fieldToSplitOut: '$binary', include: 'noOtherFields', options: {} } },
			{
				type: 'anesya',
				name: 'Anesya',
				credentials: [anesyaCred!],
				parameters: {
					resource: 'extract',
					operation: 'extractWithWorkflow',
					workflowId: anesyaWorkflow.id,
					binaryPropertyNames: '={{ Object.keys($binary)[0] }}',
				},
			},
		]);
		const action = await api.createWorkflow(workflow, [anesyaCred!]);
		await api.activate(action.id);
		const actionUrl = `${q!.webhookBaseUrl}/webhook/${path}`;
		await waitForWebhookRoute(actionUrl);
		const files = invoiceFiles('anesya', ANESYA_BATCH, 200);
		fake!.clearLog();
		const started = Date.now();
		const response = await postFiles<Array<Record<string, unknown>>>(actionUrl, files, 120_000);
		timings.record(`(3) POST ${ANESYA_BATCH} files -> Anesya items`, Date.now() - started);
		expect(response.status).toBe(200);
		const byDocument = new Map(response.body.map((item) => [String((item._meta as { documentName?: string }).documentName), item]));
		expect([...byDocument.keys()].sort()).toEqual(files.map((f) => f.fileName));
		for (const [i, f] of files.entries()) {
			expect(byDocument.get(f.fileName)).toMatchObject({
				invoice_number: `INV-${1200 + i}`,
				total_amount: 1000 + (200 + i) * 10,
				vendor: { vendor_name: `Vendor ${200 + i}` },
			});
		}
		const submissions = fake!.log.filter((e) => e.submission);
		expect(submissions).toHaveLength(ANESYA_BATCH);
		const perDocument = new Map<string, number>();
		for (const x of fake!.anesya.extracts) perDocument.set(x.documentName, (perDocument.get(x.documentName) ?? 0) + 1);
		expect([...perDocument.keys()].sort()).toEqual(files.map((f) => f.fileName));
		expect([...perDocument.values()].every((n) => n === 1)).toBe(true);
		expect(new Set(submissions.map(processOf))).toEqual(new Set(['worker']));
		const actionExecution = await executionOf(action.id);
		const actionTrail = expectRanOnWorker(actionExecution.id, 'webhook');
		const actionRequests = requestsByProcess(fake!.log);

		// one workflow.completed per upload → one trigger execution each, received by the webhook processor, run by the worker
		const deliveries = await fake!.waitFor(
			() => {
				const done = fake!.anesya.deliveries.filter((d) => d.event === 'workflow.completed' && d.state !== 'pending');
				return done.length >= ANESYA_BATCH ? done : undefined;
			},
			{ timeoutMs: 30_000 },
		);
		expect(deliveries.map((d) => d.state)).toEqual(Array(ANESYA_BATCH).fill('delivered'));
		const triggerExecutions = await waitUntil(
			async () => {
				const all = await api.listExecutions({ workflowId: trigger.id });
				return all.length >= ANESYA_BATCH && all.every((e) => e.finished) ? all : undefined;
			},
			{ timeoutMs: 30_000, description: `${ANESYA_BATCH} Anesya Trigger executions` },
		);
		expect(triggerExecutions).toHaveLength(ANESYA_BATCH);
		const triggered = new Map<string, unknown>();
		for (const e of triggerExecutions) {
			const full = await api.getExecution(e.id);
			expect(full.status).toBe('success');
			const json = full.data!.resultData.runData['Anesya Trigger'][0].data!.main![0]![0].json;
			triggered.set(String((json._meta as { documentName?: string }).documentName), json.invoice_number);
			expectRanOnWorker(e.id, 'webhook');
		}
		expect(Object.fromEntries(triggered)).toEqual(Object.fromEntries(files.map((f, i) => [f.fileName, `INV-${1200 + i}`])));
		await api.deactivate(action.id);
		await api.deactivate(trigger.id);

		note(`(3) Anesya: ${describeTrail(actionTrail)}; submissions per document: ${ANESYA_BATCH} × 1, all from the worker`);
		note(`    API requests by process: ${actionRequests}`);
		note(`    ${ANESYA_BATCH} workflow.completed deliveries → webhook processor :${q!.webhook.port} → ${ANESYA_BATCH} trigger executions, each enqueued by webhook, run by worker`);
	});
});

describe('(4) two executions at once on the worker share one API key\'s submission rate limit', () => {
	const PER_EXECUTION = 15;
	// anyformat's real limit is 60 submissions per minute per key; the same shape, 30 times faster
	const LIMIT = { limit: 10, windowMs: 2_000 };

	test(`2 × ${PER_EXECUTION} documents at once against ${LIMIT.limit} submissions / ${LIMIT.windowMs / 1000} s: every item, one accepted submission per document`, async () => {
		const a = await activateAnyformatBatchWorkflow('Invoices A (queue e2e)');
		const b = await activateAnyformatBatchWorkflow('Invoices B (queue e2e)');
		await Promise.all([waitForWebhookRoute(a.url), waitForWebhookRoute(b.url)]);
		const filesA = invoiceFiles('a', PER_EXECUTION, 300);
		const filesB = invoiceFiles('b', PER_EXECUTION, 400);
		fake!.configure({ anyformat: { rateLimits: { submission: LIMIT } } });
		fake!.clearLog();
		let wallMs = 0;
		let responses: Array<{ status: number; body: Array<Record<string, unknown>> }>;
		try {
			const started = Date.now();
			responses = await Promise.all([
				postFiles<Array<Record<string, unknown>>>(a.url, filesA, 120_000),
				postFiles<Array<Record<string, unknown>>>(b.url, filesB, 120_000),
			]);
			wallMs = Date.now() - started;
		} finally {
			fake!.configure({ anyformat: { rateLimits: { submission: REAL_ANYFORMAT_RATE_LIMITS.submission } } });
		}
		expect(responses.map((r) => r.status)).toEqual([200, 200]);
		expectOneExtractionPerFile(responses[0].body, filesA, 300, a.workflowId);
		expectOneExtractionPerFile(responses[1].body, filesB, 400, b.workflowId);

		// every submission attempt came from the worker; refused ones (429) created nothing
		const attempts = fake!.log.filter((e) => e.submission);
		const accepted = attempts.filter((e) => e.jobIds?.length);
		const refused = attempts.filter((e) => e.status === 429);
		expect(accepted).toHaveLength(2 * PER_EXECUTION);
		expect(refused.every((e) => !e.jobIds?.length)).toBe(true);
		expect(attempts).toHaveLength(accepted.length + refused.length);
		expect(new Set(attempts.map(processOf))).toEqual(new Set(['worker']));

		// the two executions ran at the same time, on the worker
		const [ea, eb] = await Promise.all([executionOf(a.n8nWorkflowId), executionOf(b.n8nWorkflowId)]);
		const trails = [expectRanOnWorker(ea.id, 'webhook'), expectRanOnWorker(eb.id, 'webhook')];
		expect(Date.parse(ea.startedAt) < Date.parse(eb.stoppedAt!) && Date.parse(eb.startedAt) < Date.parse(ea.stoppedAt!)).toBe(true);

		const acceptedSpanMs = Math.max(...accepted.map((e) => e.at)) - Math.min(...accepted.map((e) => e.at));
		timings.record(`(4) 2 × ${PER_EXECUTION} documents at once, ${LIMIT.limit} submissions / ${LIMIT.windowMs / 1000} s`, wallMs, `${refused.length} × 429, accepted over ${formatMs(acceptedSpanMs)}`);
		note(
			`(4) shared key: ${trails.map(describeTrail).join('; ')} — overlapping; ${accepted.length} accepted submissions (1 per document) + ${refused.length} refused with 429 (retried after Retry-After), accepted over ${formatMs(acceptedSpanMs)} at ${LIMIT.limit}/${LIMIT.windowMs / 1000} s; wall ${formatMs(wallMs)}`,
		);
		await Promise.all([api.deactivate(a.n8nWorkflowId), api.deactivate(b.n8nWorkflowId)]);
	});
});
