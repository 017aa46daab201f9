// Bench P5: webhook triggers under a burst, in a real n8n (the e2e runtime). 200 deliveries at 20/s
// from a sender that gives up on an answer after 5 s and then retries (as webhook senders do), against
// four workflows in one n8n, one after the other: n8n's core Webhook node, a bare community trigger
// (test/fixtures/n8n-nodes-bare-trigger: webhook() only returns the body, the floor for any community
// trigger), the Anyformat Trigger with Include Extracted Data on, and the Anesya Trigger.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	defaultRuntime,
	E2E_STATE_ROOT,
	installPackage,
	N8nApi,
	startN8n,
	triggerWorkflow,
	type CredentialRef,
	type Execution,
	type N8nInstance,
} from '../test/e2e/support';
import { DEFAULT_ANESYA_TOKEN, DEFAULT_ANYFORMAT_KEY, startFakeApi, type FakeApi } from '../test/fake-api';
import { documentFromText } from '../test/fake-api/documents';
import type { DeliveryRecord, WebhookRetryOptions } from '../test/fake-api/types';
import { WebhookSender } from '../test/fake-api/webhooks';
import { INVOICE_SCHEMA, invoiceText, invoiceWorkflow } from '../test/fixtures/invoices';
import { percentile, repoRoot } from './common';

export const P5_DELIVERIES = Number(process.env.P5_DELIVERIES ?? 200);
/** P5_RATE overrides it for diagnosis only (the figures P5 reports are at 20/s). */
export const P5_RATE_PER_S = Number(process.env.P5_RATE ?? 20);
const SENDER_TIMEOUT_MS = 5000;
/** A timed-out (or refused) delivery is sent again after 1 s, then 2 s: three attempts in all. */
const SENDER_RETRY: WebhookRetryOptions = { attempts: 3, delayMs: 1000 };
/** How long a phase may take after its last delivery was sent, at most. */
const SETTLE_TIMEOUT_MS = 180_000;
const BARE_PACKAGE = join(repoRoot, 'test', 'fixtures', 'n8n-nodes-bare-trigger');

export type P5TargetKey = 'webhookNode' | 'bareTrigger' | 'bareAnswerFirst' | 'anyformatTrigger' | 'anesyaTrigger';

export interface P5Figures {
	label: string;
	deliveries: number;
	/** First answer to each delivery (a timed-out attempt counts as the sender's timeout). */
	answerMedianMs: number;
	answerP99Ms: number;
	answerMaxMs: number;
	/** Attempts beyond the first, over all deliveries. */
	senderRetries: number;
	/** Deliveries never answered with a 2xx. */
	failedDeliveries: number;
	executions: number;
	executionsFinished: number;
	/** Executions whose output carries what the workflow needs (the extracted fields for our triggers). */
	executionsWithData: number;
	/** First delivery sent → the last execution stopped. */
	allFinishedMs: number;
	/** CPU time of n8n's main process during the phase, per delivery. */
	n8nCpuMsPerDelivery: number;
	/** The machine's 1-minute load average when the phase started and ended (other work on it skews every figure). */
	loadAverage: [number, number];
}

export interface P5Results {
	setup: { deliveries: number; ratePerSecond: number; senderTimeoutMs: number; senderAttempts: number; n8nVersion: string; build: string };
	targets: Record<P5TargetKey, P5Figures>;
	ratios: Record<Exclude<P5TargetKey, 'bareTrigger'>, { answerMedianToBare: number; allFinishedToBare: number }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** utime + stime of a process, ms (Linux). */
function cpuMs(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Calls send(i) for i < P5_DELIVERIES at P5_RATE_PER_S, each at its planned time (lateness does not add up). */
async function paced(send: (i: number) => void): Promise<number> {
	const started = Date.now();
	for (let i = 0; i < P5_DELIVERIES; i++) {
		const wait = started + (i * 1000) / P5_RATE_PER_S - Date.now();
		if (wait > 0) await sleep(wait);
		send(i);
	}
	return started;
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>, intervalMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		// n8n may be too busy to answer a look-up in time: that is a figure, not a failure; look again.
		const value = await Promise.resolve()
			.then(probe)
			.catch(() => undefined);
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`P5: gave up waiting for ${what} after ${timeoutMs} ms`);
		await sleep(intervalMs);
	}
}

function firstOutput(execution: Execution, nodeName: string): Array<Record<string, unknown>> {
	return (execution.data?.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json);
}

/** An anyformat-shaped event, for the two baselines (their senders are the bench's own). */
function sampleEvent(i: number): Record<string, unknown> {
	return {
		event: 'extraction.completed',
		timestamp: new Date().toISOString(),
		data: { extraction_id: `bench-${i}`, status: 'processed', workflow_id: 'bench', processed_at: new Date().toISOString() },
	};
}

/** The package folder n8n loads: the repo, or (BENCH_DIST) another build of it. */
function packageDir(): string {
	if (!process.env.BENCH_DIST) return repoRoot;
	const dir = mkdtempSync(join(tmpdir(), 'bench-p5-package-'));
	const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };
	// An earlier build lacks the nodes added since: list only what it has.
	const built = (file: string) => existsSync(join(process.env.BENCH_DIST!, file.replace(/^dist\//, '')));
	pkg.n8n.nodes = pkg.n8n.nodes.filter(built);
	pkg.n8n.credentials = pkg.n8n.credentials.filter(built);
	writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
	symlinkSync(process.env.BENCH_DIST, join(dir, 'dist'), 'dir');
	return dir;
}

interface Phase {
	key: P5TargetKey;
	label: string;
	nodeName: string;
	/** Creates and activates the workflow; resolves once deliveries reach it. */
	activate(): Promise<{ workflowId: string; send(i: number): void; records(): DeliveryRecord[] }>;
	hasData(json: Record<string, unknown>): boolean;
}

async function runPhase(phase: Phase, n8n: N8nInstance, api: N8nApi, log: (line: string) => void): Promise<P5Figures> {
	const { workflowId, send, records } = await phase.activate();
	// Executions that exist already (an activation probe) are not part of the burst.
	const before = new Set((await until('the executions so far', 120_000, () => api.listAllExecutions({ workflowId }))).map((e) => e.id));
	const cpuBefore = cpuMs(n8n.pid);
	const loadBefore = +loadavg()[0].toFixed(1);
	const started = await paced(send);
	log(`  ${phase.label}: ${P5_DELIVERIES} deliveries sent in ${Date.now() - started} ms`);
	await until('every delivery to be answered or given up', SETTLE_TIMEOUT_MS, () =>
		records().length >= P5_DELIVERIES && records().every((r) => r.state !== 'pending') ? true : undefined,
	);
	const finished = (e: Execution) => e.finished || ['success', 'error', 'crashed', 'canceled'].includes(e.status);
	let lastCount = -1;
	let lastChange = Date.now();
	const executions = await until('the executions to finish', SETTLE_TIMEOUT_MS, async () => {
		const all = (await api.listAllExecutions({ workflowId })).filter((e) => !before.has(e.id));
		const done = all.filter(finished).length;
		if (done !== lastCount) [lastCount, lastChange] = [done, Date.now()];
		// Every delivery got its execution, or nothing has moved for 20 s (some were lost: report them).
		return (done >= P5_DELIVERIES && done === all.length) || Date.now() - lastChange > 20_000 ? all : undefined;
	}, 500);
	const cpu = cpuMs(n8n.pid) - cpuBefore;
	const loadAfter = +loadavg()[0].toFixed(1);
	const withData = (await until('the executions with their data', 120_000, () => api.listAllExecutions({ workflowId, includeData: true })))
		.filter((e) => !before.has(e.id))
		.filter((e) => {
			const items = firstOutput(e, phase.nodeName);
			return items.length > 0 && items.every((json) => phase.hasData(json));
		}).length;
	await until('the workflow to be deactivated', 120_000, () => api.deactivate(workflowId).then(() => true));

	const delivered = records().slice(0, P5_DELIVERIES);
	if (process.env.P5_DEBUG) log(JSON.stringify(delivered.slice(0, 3).map((r) => r.attempts)));
	const answers = delivered.map((r) => (r.attempts[0]?.error === 'timeout' ? SENDER_TIMEOUT_MS : (r.attempts[0]?.durationMs ?? SENDER_TIMEOUT_MS)));
	const stops = executions.map((e) => (e.stoppedAt ? Date.parse(e.stoppedAt) : NaN)).filter((t) => !Number.isNaN(t));
	return {
		label: phase.label,
		deliveries: delivered.length,
		answerMedianMs: percentile(answers, 50),
		answerP99Ms: percentile(answers, 99),
		answerMaxMs: Math.max(...answers),
		senderRetries: delivered.reduce((sum, r) => sum + Math.max(0, r.attempts.length - 1), 0),
		failedDeliveries: delivered.filter((r) => r.state !== 'delivered').length,
		executions: executions.length,
		executionsFinished: executions.filter(finished).length,
		executionsWithData: withData,
		allFinishedMs: stops.length ? Math.max(...stops) - started : NaN,
		n8nCpuMsPerDelivery: +(cpu / P5_DELIVERIES).toFixed(1),
		loadAverage: [loadBefore, loadAfter],
	};
}

function phases(n8n: N8nInstance, api: N8nApi, fake: FakeApi, anyformatCredential: CredentialRef): Phase[] {
	const baselineSender = () =>
		new WebhookSender({
			clock: () => Date.now(),
			retry: () => SENDER_RETRY,
			timeoutMs: () => SENDER_TIMEOUT_MS,
			userAgent: 'bench-p5',
			onChange: () => undefined,
		});
	const baseline = (key: P5TargetKey, label: string, nodeName: string, build: () => { workflow: Parameters<N8nApi['createWorkflow']>[0]; path: string }): Phase => ({
		key,
		label,
		nodeName,
		async activate() {
			const { workflow, path } = build();
			const created = await api.createWorkflow(workflow);
			await api.activate(created.id);
			await api.waitForWebhook(path, { event: 'bench.probe', data: {} }, { timeoutMs: 30_000 });
			// The probe started an execution: let it be listed, so it is left out of the phase's figures.
			await until('the probe execution', 60_000, async () => ((await api.listAllExecutions({ workflowId: created.id })).length > 0 ? true : undefined));
			const sender = baselineSender();
			const url = n8n.webhookUrl(path);
			return {
				workflowId: created.id,
				send: (i) => sender.send({ vendor: 'anyformat', webhookId: 'bench', url, event: 'extraction.completed', payload: sampleEvent(i) }),
				records: () => sender.records,
			};
		},
		hasData: (json) => ((json.body as Record<string, unknown> | undefined) ?? json).event === 'extraction.completed',
	});

	return [
		baseline('webhookNode', "n8n's core Webhook node", 'Webhook', () => {
			const path = `bench-p5-${Date.now()}`;
			const { workflow } = triggerWorkflow({
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				name: 'Webhook',
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', responseData: 'noData', options: {} },
			});
			return { workflow, path };
		}),
		baseline('bareTrigger', 'bare community trigger', 'Bare Trigger', () => {
			const { workflow, webhookId } = triggerWorkflow({ type: 'n8n-nodes-bare-trigger.bareTrigger', name: 'Bare Trigger' });
			return { workflow, path: `${webhookId}/webhook` };
		}),
		// Not a target: it shows how much of the bare trigger's time is n8n holding the answer until the
		// execution is stored (docs/UPSTREAM-TRIGGER-LATENCY.md).
		baseline('bareAnswerFirst', 'bare trigger, answering first', 'Bare Answer-First Trigger', () => {
			const { workflow, webhookId } = triggerWorkflow({ type: 'n8n-nodes-bare-trigger.bareAnswerFirstTrigger', name: 'Bare Answer-First Trigger' });
			return { workflow, path: `${webhookId}/webhook` };
		}),
		{
			key: 'anyformatTrigger',
			label: 'Anyformat Trigger (Include Extracted Data)',
			nodeName: 'Anyformat Trigger',
			async activate() {
				const anyformatWorkflow = fake.anyformat.createWorkflow(invoiceWorkflow);
				const { workflow } = triggerWorkflow({
					type: 'anyformatTrigger',
					name: 'Anyformat Trigger',
					credentials: [anyformatCredential],
					parameters: { workflowScope: 'all', includeData: true, options: { allowHttp: true } },
				});
				const created = await api.createWorkflow(workflow, [anyformatCredential]);
				await api.activate(created.id);
				const subscription = await until('the anyformat subscription', 30_000, () => fake.anyformat.webhooks[0]);
				return {
					workflowId: created.id,
					send: (i) =>
						fake.anyformat.createCollection(anyformatWorkflow.id, 'v2-run', [{ document: documentFromText(invoiceText(i), `invoice-${i}.txt`) }], { start: true }),
					records: () => fake.anyformat.deliveries.filter((d) => d.webhookId === subscription.id),
				};
			},
			hasData: (json) => typeof json.invoice_number === 'string' && !(json._meta as Record<string, unknown> | undefined)?.resultsError,
		},
		{
			key: 'anesyaTrigger',
			label: 'Anesya Trigger',
			nodeName: 'Anesya Trigger',
			async activate() {
				const schemaId = fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
				const { workflow, webhookId } = triggerWorkflow({
					type: 'anesyaTrigger',
					name: 'Anesya Trigger',
					parameters: { events: ['extract.completed', 'extract.failed'] },
				});
				const created = await api.createWorkflow(workflow);
				await api.activate(created.id);
				const path = `${webhookId}/webhook`;
				// An unselected event: answered once the URL is live, starts nothing.
				await api.waitForWebhook(path, { event: 'bench.probe', data: {} }, { timeoutMs: 30_000 });
				fake.anesya.setDashboardWebhooks([{ event: 'extract.completed', url: n8n.webhookUrl(path) }]);
				return {
					workflowId: created.id,
					send: (i) =>
						fake.anesya.createExtract({
							document: documentFromText(invoiceText(i), `invoice-${i}.txt`),
							server: 'EU-1',
							schemaId,
							classifierId: null,
							workflowId: null,
							sessionId: null,
							metadata: null,
							pages: 1,
							creditCost: 1,
							payer: DEFAULT_ANESYA_TOKEN,
						}),
					records: () => fake.anesya.deliveries,
				};
			},
			hasData: (json) => typeof json.invoice_number === 'string',
		},
	];
}

/** Runs P5; undefined (with a note) when no n8n runtime is installed. */
export async function runP5(log: (line: string) => void = console.log): Promise<P5Results | undefined> {
	const runtime = defaultRuntime();
	if (!runtime) {
		log('P5 skipped: no n8n runtime installed (test/e2e/runtime/install.sh, or set N8N_RUNTIME_DIR)');
		return undefined;
	}
	const only = (process.env.P5_TARGETS ?? '').split(',').filter(Boolean);
	log(`\nP5: ${P5_DELIVERIES} deliveries at ${P5_RATE_PER_S}/s, sender timeout ${SENDER_TIMEOUT_MS} ms (${SENDER_RETRY.attempts} attempts), n8n ${runtime.n8nVersion}`);
	const fake = await startFakeApi({
		anyformat: { latencyMs: 100, rateLimits: false, allowHttpWebhooks: true, webhookRetry: SENDER_RETRY, webhookTimeoutMs: SENDER_TIMEOUT_MS },
		anesya: { latencyMs: 100, rateLimits: false, webhookRetry: SENDER_RETRY, webhookTimeoutMs: SENDER_TIMEOUT_MS },
	});
	const stateDir = join(E2E_STATE_ROOT, `bench-p5-${new Date().toISOString().replace(/[:.]/g, '-')}`);
	mkdirSync(join(stateDir, 'home'), { recursive: true });
	installPackage(join(stateDir, 'home'), BARE_PACKAGE);
	let n8n: N8nInstance | undefined;
	try {
		n8n = await startN8n({ runtime, stateDir, packageDir: packageDir(), logLevel: 'warn' });
		const api = await N8nApi.connect(n8n, { requestTimeoutMs: 120_000 });
		const credential = await api.createCredential('anyformatApi', { apiKey: DEFAULT_ANYFORMAT_KEY, baseUrl: fake.urls.anyformat });
		const targets = {} as Record<P5TargetKey, P5Figures>;
		for (const phase of phases(n8n, api, fake, credential)) {
			if (only.length && !only.includes(phase.key)) continue;
			targets[phase.key] = await runPhase(phase, n8n, api, log);
			log(`  ${phase.label}: ${JSON.stringify(targets[phase.key])}`);
		}
		const bare = targets.bareTrigger;
		const ratio = (key: Exclude<P5TargetKey, 'bareTrigger'>) =>
			targets[key] && bare
				? {
						answerMedianToBare: +(targets[key].answerMedianMs / bare.answerMedianMs).toFixed(2),
						allFinishedToBare: +(targets[key].allFinishedMs / bare.allFinishedMs).toFixed(2),
					}
				: { answerMedianToBare: NaN, allFinishedToBare: NaN };
		return {
			setup: {
				deliveries: P5_DELIVERIES,
				ratePerSecond: P5_RATE_PER_S,
				senderTimeoutMs: SENDER_TIMEOUT_MS,
				senderAttempts: SENDER_RETRY.attempts,
				n8nVersion: runtime.n8nVersion,
				build: process.env.BENCH_DIST ?? 'dist',
			},
			targets,
			ratios: {
				webhookNode: ratio('webhookNode'),
				bareAnswerFirst: ratio('bareAnswerFirst'),
				anyformatTrigger: ratio('anyformatTrigger'),
				anesyaTrigger: ratio('anesyaTrigger'),
			},
		};
	} finally {
		await n8n?.stop();
		await fake.close();
	}
}

/** The P5 table: one column per target. */
export function printP5(results: P5Results, log: (line: string) => void = console.log): void {
	const keys = (['webhookNode', 'bareTrigger', 'bareAnswerFirst', 'anyformatTrigger', 'anesyaTrigger'] as const).filter((k) => results.targets[k]);
	const head = { webhookNode: 'Webhook node', bareTrigger: 'bare trigger', bareAnswerFirst: 'bare, 1st', anyformatTrigger: 'Anyformat', anesyaTrigger: 'Anesya' };
	const line = (label: string, cells: string[], target = '') => log(`${label.padEnd(34)}${cells.map((c) => c.padStart(14)).join('')}   ${target}`);
	const ratioCell = (k: (typeof keys)[number], field: 'answerMedianToBare' | 'allFinishedToBare') =>
		k === 'bareTrigger' ? '1' : String(results.ratios[k][field]);
	log('');
	line(`P5 (${results.setup.deliveries} at ${results.setup.ratePerSecond}/s)`, keys.map((k) => head[k]), 'target (our triggers)');
	const cell = (f: (x: P5Figures) => number | string) => keys.map((k) => String(f(results.targets[k])));
	line('answer median (ms)', cell((x) => x.answerMedianMs), '≤ 1.5× bare and ≤ 2000');
	line('answer p99 (ms)', cell((x) => x.answerP99Ms));
	line('answer max (ms)', cell((x) => x.answerMaxMs));
	line('answer median / bare', keys.map((k) => ratioCell(k, 'answerMedianToBare')), '≤ 1.5');
	line('sender retries', cell((x) => x.senderRetries), '0');
	line('executions finished', cell((x) => `${x.executionsFinished}/${x.deliveries}`), 'all, none doubled');
	line('executions with data', cell((x) => x.executionsWithData), 'all');
	line('all finished after (ms)', cell((x) => x.allFinishedMs));
	line('all finished / bare', keys.map((k) => ratioCell(k, 'allFinishedToBare')), '≤ 1.3');
	line('n8n main CPU per delivery (ms)', cell((x) => x.n8nCpuMsPerDelivery));
	line('machine load (1 min) start/end', cell((x) => x.loadAverage.join('/')), '(2 cores)');
}
