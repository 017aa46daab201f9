// The batch grid of `npm run bench`: each point (vendor, N documents, R submissions/s, processing
// time L, Max Documents in Flight) runs in its own process — the built node in n8n-core's engine
// and the fake API beside it — so its peak RSS is its own. Run as a script it measures one point and
// prints one JSON line; runGrid() runs every point and returns the figures.
import './env';

import { spawnSync } from 'node:child_process';
import type { INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { buildTextPdf, startFakeApi } from '../test/fake-api';
import { INVOICE_SCHEMA, invoiceText, invoiceWorkflow } from '../test/fixtures/invoices';
import { byId, fakeCredentials, fileItem, runNode } from '../test/helpers/n8n-harness';
import { builtNode } from './common';

export interface GridPoint {
	vendor: 'anyformat' | 'anesya';
	documents: number;
	submissionsPerSecond: number;
	latencyMs: number;
	/** undefined = the default (no cap). */
	maxInFlight?: number;
}

export interface GridFigures extends GridPoint {
	wallMs: number;
	/** T* = N/R + L: the submissions at the rate limit plus the last document's processing time. */
	boundMs: number;
	ratio: number;
	requestsPerDocument: number;
	/** Peak RSS of the process (engine + node + fake API), MB. */
	peakRssMb: number;
	/** Submissions the API accepted in each second of the run. */
	perSecond: number[];
	/** Requests the API refused with 429 (each costs its Retry-After). */
	refusals: number;
}

async function measure(point: GridPoint): Promise<GridFigures> {
	const rateLimits = {
		submission: { limit: point.submissionsPerSecond, windowMs: 1000 },
		general: { limit: point.submissionsPerSecond * 10, windowMs: 1000 },
	};
	const fake = await startFakeApi({
		anyformat: { latencyMs: point.latencyMs, rateLimits },
		anesya: { latencyMs: point.latencyMs, rateLimits },
	});
	try {
		const batchOptions = point.maxInFlight ? { maxInFlight: point.maxInFlight } : {};
		let nodeType: INodeType;
		let parameters: INodeParameters;
		let items: INodeExecutionData[];
		if (point.vendor === 'anyformat') {
			const Anyformat = builtNode<INodeType>('nodes/Anyformat/Anyformat.node.js', 'Anyformat');
			nodeType = new Anyformat();
			const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
			parameters = { resource: 'extraction', operation: 'extractFromFile', workflow: byId(workflowId), batchOptions };
			items = Array.from({ length: point.documents }, (_, i) => fileItem(invoiceText(i), `invoice-${i}.txt`, 'text/plain'));
		} else {
			// The 0.8.1 node (a build from before node versioning has it as the only Anesya node).
			const Anesya = process.env.BENCH_DIST ? builtNode<INodeType>('nodes/Anesya/Anesya.node.js', 'Anesya') : builtNode<INodeType>('nodes/Anesya/v1/AnesyaV1.node.js', 'AnesyaV1');
			nodeType = new Anesya();
			const schemaId = fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
			parameters = { resource: 'extract', operation: 'extractWithSchema', server: 'EU-1', schema: byId(schemaId), batchOptions };
			items = Array.from({ length: point.documents }, (_, i) => fileItem(buildTextPdf(invoiceText(i)), `invoice-${i}.pdf`, 'application/pdf'));
		}
		const started = Date.now();
		const result = await runNode({ nodeType, parameters, credentials: fakeCredentials(fake), items });
		const wallMs = Date.now() - started;
		if (result.error || result.items.length < point.documents) {
			throw new Error(`grid point failed: ${String((result.error as Error | undefined)?.message ?? `${result.items.length} items`)}`);
		}
		const vendorLog = fake.log.filter((e) => e.vendor !== 'control');
		const accepted = vendorLog.filter((e) => e.submission && e.status > 0 && e.status < 300).map((e) => e.at);
		const perSecond: number[] = [];
		for (const at of accepted) {
			const second = Math.floor((at - started) / 1000);
			while (perSecond.length <= second) perSecond.push(0);
			perSecond[second]++;
		}
		const boundMs = (point.documents / point.submissionsPerSecond) * 1000 + point.latencyMs;
		return {
			...point,
			wallMs,
			boundMs,
			ratio: +(wallMs / boundMs).toFixed(3),
			requestsPerDocument: +(vendorLog.length / point.documents).toFixed(2),
			peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
			perSecond,
			refusals: vendorLog.filter((e) => e.status === 429).length,
		};
	} finally {
		await fake.close();
	}
}

/** Runs one point in a fresh process. */
function runPoint(point: GridPoint): GridFigures {
	const child = spawnSync(process.execPath, [__filename, JSON.stringify(point)], { encoding: 'utf8', timeout: 600_000 });
	const line = child.stdout.trim().split('\n').pop() ?? '';
	if (child.status !== 0 || !line.startsWith('{')) throw new Error(`grid point ${JSON.stringify(point)} failed (${child.status}): ${child.stderr.slice(-2000)}`);
	return JSON.parse(line) as GridFigures;
}

/** The grid of issue "batches at the API's own bound": L ∈ {1, 5, 15} s at N = 100, R = 10/s; N = 1000 at R = 20/s, L = 1 s. */
export const GRID: Array<Omit<GridPoint, 'vendor' | 'maxInFlight'>> = [
	{ documents: 100, submissionsPerSecond: 10, latencyMs: 1000 },
	{ documents: 100, submissionsPerSecond: 10, latencyMs: 5000 },
	{ documents: 100, submissionsPerSecond: 10, latencyMs: 15_000 },
	{ documents: 1000, submissionsPerSecond: 20, latencyMs: 1000 },
];

/** Every grid point for both vendors, with the default settings and with Max Documents in Flight = 30. */
export function runGrid(log: (line: string) => void): GridFigures[] {
	const figures: GridFigures[] = [];
	for (const vendor of ['anyformat', 'anesya'] as const) {
		for (const base of GRID) {
			for (const maxInFlight of [undefined, 30]) {
				const result = runPoint({ ...base, vendor, maxInFlight });
				log(
					`grid ${vendor} N=${base.documents} R=${base.submissionsPerSecond}/s L=${base.latencyMs / 1000}s ${maxInFlight ? `max in flight ${maxInFlight}` : 'default'}: ` +
						`${result.wallMs} ms = ${result.ratio} × T*, ${result.requestsPerDocument} requests/doc, ${result.refusals} × 429, peak RSS ${result.peakRssMb} MB`,
				);
				figures.push(result);
			}
		}
	}
	return figures;
}

if (require.main === module) {
	measure(JSON.parse(process.argv[2]) as GridPoint).then(
		(result) => console.log(JSON.stringify(result)),
		(error: unknown) => {
			console.error(error);
			process.exitCode = 1;
		},
	);
}
