// npm run bench — measurements, not tests: the built nodes (dist/) run in n8n-core's engine against
// the fake API, the variants side by side in one run. Prints a table and writes .bench/results.json.
import './env';

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeExecutionData, INodeType } from 'n8n-workflow';

import { buildTextPdf, startFakeApi, type FakeApi } from '../test/fake-api';
import { INVOICE_SCHEMA, invoiceText, invoiceWorkflow } from '../test/fixtures/invoices';
import { fileItem, runNode } from '../test/helpers/n8n-harness';
import { builtNode, percentile, repoRoot } from './common';
import { runGrid, type GridFigures } from './grid';
import { printP5, runP5 } from './p5';

const N = Number(process.env.BENCH_DOCS ?? 100);
const LATENCY_MS = 1000;
const RATE_PER_S = 10;
const BOUND_MS = (N / RATE_PER_S) * 1000 + LATENCY_MS;

interface RunFigures {
	wallMs: number;
	requests: number;
	detectionDelaysMs: number[];
}

function documents(): INodeExecutionData[] {
	return Array.from({ length: N }, (_, i) => fileItem(invoiceText(i), `invoice-${i}.txt`, 'text/plain', { n: i }));
}

async function timed(run: () => Promise<{ items: INodeExecutionData[]; error?: unknown }>, expected: number) {
	const started = Date.now();
	const result = await run();
	const wallMs = Date.now() - started;
	if (result.error || result.items.length < expected) {
		throw new Error(`bench run failed: ${String((result.error as Error)?.message ?? `${result.items.length} items`)}`);
	}
	return wallMs;
}

async function anyformatRun(fake: FakeApi, maxInFlight?: number): Promise<RunFigures> {
	fake.reset();
	const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
	const Anyformat = builtNode<INodeType>('nodes/Anyformat/Anyformat.node.js', 'Anyformat');
	const wallMs = await timed(
		() =>
			runNode({
				nodeType: new Anyformat(),
				parameters: {
					resource: 'extraction',
					operation: 'extractFromFile',
					workflow: { __rl: true, mode: 'id', value: workflowId },
					...(maxInFlight ? { batchOptions: { maxInFlight } } : {}),
				},
				credentials: { anyformatApi: { apiKey: 'af_test_key', baseUrl: fake.urls.anyformat } },
				items: documents(),
			}),
		N,
	);
	const collections = fake.anyformat.collections;
	return {
		wallMs,
		requests: fake.log.filter((e) => e.vendor === 'anyformat-v2').length,
		detectionDelaysMs: collections.map((c) => (c.firstResultFetchAt ?? NaN) - (c.readyAt ?? NaN)),
	};
}

async function anesyaRun(fake: FakeApi, maxInFlight?: number): Promise<RunFigures> {
	fake.reset();
	const schemaId = fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
	// The 0.8.1 operations: version 1 of the versioned Anesya node.
	const Anesya = builtNode<INodeType>('nodes/Anesya/v1/AnesyaV1.node.js', 'AnesyaV1');
	const items = Array.from({ length: N }, (_, i) => fileItem(buildTextPdf(invoiceText(i)), `invoice-${i}.pdf`, 'application/pdf', { n: i }));
	const wallMs = await timed(
		() =>
			runNode({
				nodeType: new Anesya(),
				parameters: {
					resource: 'extract',
					operation: 'extractWithSchema',
					server: 'EU-1',
					schema: { __rl: true, mode: 'id', value: schemaId },
					...(maxInFlight ? { batchOptions: { maxInFlight } } : {}),
				},
				credentials: { anesyaApi: { apiToken: 'anesya_test_token', baseUrl: fake.urls.anesya } },
				items,
			}),
		N,
	);
	return { wallMs, requests: fake.log.filter((e) => e.vendor === 'anesya').length, detectionDelaysMs: [] };
}

function memoryBench(mode: 'filesystem' | 'memory'): { rssGrowthPerUploadRatio: number; detail: string } {
	const child = spawnSync(process.execPath, ['--expose-gc', join(__dirname, 'upload-memory.js'), mode], {
		cwd: repoRoot,
		encoding: 'utf8',
		timeout: 300_000,
	});
	const line = child.stdout.trim().split('\n').pop() ?? '';
	if (child.status !== 0 || !line.startsWith('{')) {
		throw new Error(`memory bench failed (${child.status}): ${child.stderr.slice(-2000)}`);
	}
	return JSON.parse(line) as { rssGrowthPerUploadRatio: number; detail: string };
}

/** Both services get the same limits; the general tier is 10× the submission tier, as anyformat's (600/min vs 60/min). */
const RATE_LIMITS = {
	submission: { limit: RATE_PER_S, windowMs: 1000 },
	general: { limit: RATE_PER_S * 10, windowMs: 1000 },
};

/** P1 figures of one service: the default run against the bound and against one at a time. */
function p1Of(pipelined: { wallMs: number }, sequential: { wallMs: number }) {
	return {
		wallMs: pipelined.wallMs,
		boundMs: BOUND_MS,
		sequentialWallMs: sequential.wallMs,
		ratioToBound: +(pipelined.wallMs / BOUND_MS).toFixed(3),
		speedupOverSequential: +(sequential.wallMs / pipelined.wallMs).toFixed(2),
	};
}

function row(label: string, value: string, target: string, anesya = '') {
	return `${label.padEnd(44)}${value.padStart(12)}${anesya.padStart(12)}   ${target}`;
}

/** The grid's figures for .bench/results.json: one entry per point, and the 1000-document time series. */
function gridResults(figures: GridFigures[]) {
	const key = (f: GridFigures) => `${f.vendor}.N${f.documents}_R${f.submissionsPerSecond}_L${f.latencyMs / 1000}s.${f.maxInFlight ? `maxInFlight${f.maxInFlight}` : 'default'}`;
	const points = Object.fromEntries(figures.map((f) => [key(f), Object.fromEntries(Object.entries(f).filter(([name]) => name !== 'perSecond'))]));
	const timeSeries = Object.fromEntries(figures.filter((f) => f.documents === 1000).map((f) => [key(f), f.perSecond]));
	return { points, submissionsPerSecond: timeSeries };
}

function printGrid(figures: GridFigures[]) {
	console.log(`\n${'grid point'.padEnd(44)}${'wall/T*'.padStart(9)}${'req/doc'.padStart(9)}${'RSS MB'.padStart(8)}   (targets: ≤ 1.05, ≤ 2.5)`);
	for (const f of figures) {
		const label = `${f.vendor} N=${f.documents} R=${f.submissionsPerSecond}/s L=${f.latencyMs / 1000}s ${f.maxInFlight ? `cap ${f.maxInFlight}` : 'default'}`;
		console.log(`${label.padEnd(44)}${f.ratio.toFixed(3).padStart(9)}${f.requestsPerDocument.toFixed(2).padStart(9)}${String(f.peakRssMb).padStart(8)}`);
	}
	for (const f of figures.filter((point) => point.documents === 1000)) {
		console.log(`submissions per second, ${f.vendor} N=1000 ${f.maxInFlight ? `cap ${f.maxInFlight}` : 'default'}: ${f.perSecond.join(' ')}`);
	}
}

/** BENCH_ONLY=p5: the trigger burst alone, its figures merged into an existing results file. */
async function p5Only() {
	const p5 = await runP5();
	if (!p5) {
		process.exitCode = 1;
		return;
	}
	printP5(p5);
	const file = join(repoRoot, '.bench', 'results.json');
	const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
	mkdirSync(join(repoRoot, '.bench'), { recursive: true });
	writeFileSync(file, `${JSON.stringify({ ...previous, p5 }, null, 2)}\n`);
	console.log('Written to .bench/results.json (p5)');
}

async function main() {
	if (process.env.BENCH_ONLY === 'p5') return await p5Only();
	if (process.env.BENCH_ONLY === 'grid') {
		const figures = runGrid(console.log);
		printGrid(figures);
		mkdirSync(join(repoRoot, '.bench'), { recursive: true });
		writeFileSync(join(repoRoot, '.bench', 'grid.json'), `${JSON.stringify(gridResults(figures), null, 2)}\n`);
		return;
	}
	console.log(`Benchmark: ${N} documents, processing latency L = ${LATENCY_MS} ms, submission limit R = ${RATE_PER_S}/s → bound T* = N/R + L = ${BOUND_MS} ms\n`);
	const fake = await startFakeApi({ anyformat: { latencyMs: LATENCY_MS, rateLimits: RATE_LIMITS } });
	try {
		const pipelined = await anyformatRun(fake);
		console.log(`anyformat, default settings: ${pipelined.wallMs} ms`);
		const sequential = await anyformatRun(fake, 1);
		console.log(`anyformat, Max Documents in Flight = 1: ${sequential.wallMs} ms`);
		fake.configure({ anesya: { latencyMs: LATENCY_MS, rateLimits: RATE_LIMITS } });
		const anesya = await anesyaRun(fake);
		console.log(`Anesya, default settings: ${anesya.wallMs} ms`);
		const anesyaSequential = await anesyaRun(fake, 1);
		console.log(`Anesya, Max Documents in Flight = 1: ${anesyaSequential.wallMs} ms`);
		// RSS peaks depend on when the garbage collector runs; one sample is noise. Three, median reported.
		const samples = [memoryBench('filesystem'), memoryBench('filesystem'), memoryBench('filesystem')].sort(
			(a, b) => a.rssGrowthPerUploadRatio - b.rssGrowthPerUploadRatio,
		);
		const memory = { ...samples[1], samples: samples.map((m) => m.rssGrowthPerUploadRatio) };
		const memoryInItems = memoryBench('memory');
		const grid = runGrid(console.log);
		const p5 = await runP5();

		const results = {
			setup: { documents: N, latencyMs: LATENCY_MS, submissionsPerSecond: RATE_PER_S },
			p1: {
				...p1Of(pipelined, sequential),
				// N·L (one at a time, perfect detection) over T*: what the speed-up can be for these settings.
				speedupCeiling: +((N * LATENCY_MS) / BOUND_MS).toFixed(2),
			},
			p2: { requestsPerDoc: +(pipelined.requests / N).toFixed(3), sequentialRequestsPerDoc: +(sequential.requests / N).toFixed(3) },
			p3: {
				detectionDelayMs: Math.max(...pipelined.detectionDelaysMs),
				detectionDelayP50Ms: percentile(pipelined.detectionDelaysMs, 50),
				targetMs: Math.max(500, 0.15 * LATENCY_MS),
			},
			p4: { ...memory, memoryModeRatio: memoryInItems.rssGrowthPerUploadRatio, memoryModeDetail: memoryInItems.detail },
			anesya: {
				p1: p1Of(anesya, anesyaSequential),
				p2: { requestsPerDoc: +(anesya.requests / N).toFixed(3) },
			},
			grid: gridResults(grid),
			...(p5 ? { p5 } : {}),
		};

		mkdirSync(join(repoRoot, '.bench'), { recursive: true });
		writeFileSync(join(repoRoot, '.bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

		const a = results.anesya;
		console.log(`\n${row('metric', 'anyformat', 'target', 'Anesya')}`);
		console.log(row('P1 wall time (ms)', String(results.p1.wallMs), '', String(a.p1.wallMs)));
		console.log(row('P1 bound T* (ms)', String(results.p1.boundMs), '', String(a.p1.boundMs)));
		console.log(row('P1 ratio to bound', results.p1.ratioToBound.toFixed(3), '≤ 1.15', a.p1.ratioToBound.toFixed(3)));
		console.log(row('P1 sequential wall time (ms)', String(results.p1.sequentialWallMs), '', String(a.p1.sequentialWallMs)));
		console.log(row('P1 speed-up over sequential', `${results.p1.speedupOverSequential}×`, `ceiling N·L/T* = ${results.p1.speedupCeiling}×`, `${a.p1.speedupOverSequential}×`));
		console.log(row('P2 API requests per document', results.p2.requestsPerDoc.toFixed(2), '≤ 3', a.p2.requestsPerDoc.toFixed(2)));
		console.log(row('P3 detection delay, max (ms)', String(results.p3.detectionDelayMs), `≤ ${results.p3.targetMs}`));
		console.log(row('P3 detection delay, median (ms)', String(results.p3.detectionDelayP50Ms), ''));
		console.log(row('P4 RSS growth per in-flight upload (× file)', results.p4.rssGrowthPerUploadRatio.toFixed(3), `≤ 1.2 (filesystem binary data; median of ${results.p4.samples.join(', ')})`));
		console.log(row('P4, files kept in the items instead', results.p4.memoryModeRatio.toFixed(3), '≤ 1.2'));
		printGrid(grid);
		if (p5) printP5(p5);
		console.log(`\n${results.p4.detail}\n${results.p4.memoryModeDetail}\nWritten to .bench/results.json`);
	} finally {
		await fake.close();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
