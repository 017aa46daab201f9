// Fault suite: batches that finish when answers get lost. 100 documents per run while submissions and
// results reads hit transient faults — some before the API acts (429 with Retry-After, 502, 503, a
// reset), some after it stored and started the submission (truncated JSON, a reset, a gateway error),
// including two waves of four submissions whose answers are lost at the same moment — and, in some
// runs, a second client submitting into the same workflow. Every item must come back right and in
// order; every extra paid submission must be named on its item; other clients' documents never count.
import type { IDataObject, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { AnesyaV1 as Anesya } from '../../nodes/Anesya/v1/AnesyaV1.node';
import { AnesyaV2 } from '../../nodes/Anesya/v2/AnesyaV2.node';
import { Anyformat } from '../../nodes/Anyformat/Anyformat.node';
import { ACTED_FAULT_KINDS, buildTextPdf, DEFAULT_ANESYA_V0_KEY, startFakeApi, type FakeApi, type FaultKind, type FaultRequest, type RequestLogEntry } from '../fake-api';
import { INVOICE_SCHEMA, invoiceText, invoiceWorkflow } from '../fixtures/invoices';
import { byId, fakeCredentials, fileItem, runNode } from '../helpers/n8n-harness';
import { report } from '../helpers/verbose';
import { startSecondClient, type SecondClientTarget } from './second-client';

const DOCUMENTS = 100;
/** Faults that never let the API act, and the full mix with faults that act and then lose the answer. */
const NOT_ACTED: FaultKind[] = ['429', '502', '503', 'reset'];
const WITH_ACTED: FaultKind[] = [...NOT_ACTED, 'slow', 'malformed', 'acted-reset', 'acted-502', 'acted-truncated'];

let fake: FakeApi;
beforeAll(async () => {
	fake = await startFakeApi({ anyformat: { latencyMs: 200, rateLimits: false }, anesya: { latencyMs: 200, rateLimits: false } });
});
afterAll(async () => await fake.close());
beforeEach(() => fake.reset());

type Vendor = 'anyformat' | 'anesya-schema' | 'anesya-workflow' | 'anesya-v0';

interface Scenario {
	vendor: Vendor;
	kinds: FaultKind[];
	/** Two waves of four submissions that are stored and lose their answers at the same moment. */
	waves: boolean;
	secondClient: boolean;
	lostAnswers: 'resend' | 'fail';
}

const documentName = (i: number) => `doc-${String(i).padStart(3, '0')}.pdf`;
const documents = (): INodeExecutionData[] =>
	Array.from({ length: DOCUMENTS }, (_, i) => fileItem(buildTextPdf(invoiceText(i)), documentName(i), 'application/pdf'));

function isSubmission(req: FaultRequest): boolean {
	return req.method === 'POST' && /\/(run|extract)\/?$/.test(req.route);
}

function isResultRead(req: FaultRequest): boolean {
	return req.method === 'GET' && (/\/results\/$/.test(req.route) || /\/extract\/\{[a-z_]+\}\/?$/.test(req.route));
}

/** Arms a wave of four lost-after-acting submissions once `after` submissions have arrived. */
function armWaves(at: number[]): () => void {
	const pending = [...at];
	const onRequest = () => {
		const submissions = fake.log.filter((e) => e.submission).length;
		if (pending.length && submissions >= pending[0]) {
			pending.shift();
			fake.injectFault({ method: 'POST', path: /\/(run|extract)\/?$/, kind: 'acted-reset', times: 4 });
		}
	};
	fake.on('request', onRequest);
	return () => fake.off('request', onRequest);
}

interface Setup {
	node: INodeType;
	parameters: INodeParameters;
	target: SecondClientTarget;
}

function setup(vendor: Vendor, lostAnswers: 'resend' | 'fail'): Setup {
	const batchOptions = { lostAnswers };
	if (vendor === 'anyformat') {
		const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
		return {
			node: new Anyformat(),
			parameters: { resource: 'extraction', operation: 'extractFromFile', workflow: byId(workflowId), batchOptions },
			target: { vendor: 'anyformat', workflowId },
		};
	}
	const schemaId = fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
	if (vendor === 'anesya-v0') {
		return {
			node: new AnesyaV2(),
			parameters: { resource: 'extract', operation: 'create', schemaId, batchOptions },
			target: { vendor: 'anesya-v0', schemaId },
		};
	}
	if (vendor === 'anesya-schema') {
		return {
			node: new Anesya(),
			parameters: { resource: 'extract', operation: 'extractWithSchema', schema: byId(schemaId), server: 'EU-1', batchOptions },
			target: { vendor: 'anesya', schemaId },
		};
	}
	const workflowId = fake.anesya.createWorkflow({ name: 'Invoices', schemaId, server: 'FR-1' }).id;
	return {
		node: new Anesya(),
		parameters: { resource: 'extract', operation: 'extractWithWorkflow', workflowId, binaryPropertyNames: 'data', batchOptions },
		target: { vendor: 'anesya', workflowId },
	};
}

/** One stored, started submission: which document it read and its ID. */
interface Paid {
	id: string;
	name: string;
}

function paidSubmissions(vendor: Vendor): Paid[] {
	if (vendor === 'anesya-v0') {
		const names = new Map(fake.anesyaV0.documents.map((d) => [d.id as string, d.filename as string]));
		return fake.anesyaV0.extracts.map((e) => ({ id: e.id as string, name: names.get(e.document as string) ?? '?' }));
	}
	if (vendor === 'anyformat') {
		return fake.anyformat.collections.filter((c) => c.submittedAt !== null).map((c) => ({ id: c.id, name: c.files[0]?.fileName ?? '?' }));
	}
	return fake.anesya.extracts.map((e) => ({ id: e.id, name: e.documentName }));
}

const idOf = (item: INodeExecutionData) => {
	const meta = item.json._meta as IDataObject | undefined;
	return String(meta?.collectionId ?? meta?.extractId ?? '');
};
const metaOf = (item: INodeExecutionData) => (item.json._meta as IDataObject | undefined) ?? {};

async function run(scenario: Scenario) {
	const { node, parameters, target } = setup(scenario.vendor, scenario.lostAnswers);
	fake.configure({
		faults: { rate: 0.1, kinds: scenario.kinds, seed: 20261205, slowMs: 300, retryAfterSeconds: 0.3, match: (r) => isSubmission(r) || isResultRead(r) },
	});
	const disarm = scenario.waves ? armWaves([20, 60]) : () => {};
	const other = scenario.secondClient ? startSecondClient(fake, target, { perSecond: 1 }) : undefined;
	const started = Date.now();
	const credentials = fakeCredentials(fake);
	if (scenario.vendor === 'anesya-v0') credentials.anesyaApi = { ...credentials.anesyaApi, apiGeneration: 'v0', apiToken: DEFAULT_ANESYA_V0_KEY };
	const result = await runNode({ nodeType: node, parameters, credentials, items: documents(), continueOnFail: scenario.lostAnswers === 'fail' });
	const wallMs = Date.now() - started;
	disarm();
	await other?.stop();
	fake.configure({ faults: { rate: 0 } });

	const ours = paidSubmissions(scenario.vendor).filter((p) => p.name.startsWith('doc-'));
	const byName = new Map<string, Paid[]>();
	for (const paid of ours) byName.set(paid.name, [...(byName.get(paid.name) ?? []), paid]);
	const lostActed = fake.log.filter((e: RequestLogEntry) => e.submission && e.fault && ACTED_FAULT_KINDS.includes(e.fault) && e.jobIds?.length);
	const lostIds = new Set(lostActed.map((e) => e.jobIds![0]));
	const outputIds = new Set(result.items.map(idOf));
	const figures = {
		wallMs,
		requestsPerDocument: +(fake.log.filter((e) => e.vendor !== 'control').length / DOCUMENTS).toFixed(2),
		submissionsLostAfterActing: lostActed.length,
		duplicates: ours.length - byName.size,
		exactAdoptions: [...lostIds].filter((id) => outputIds.has(id)).length,
		foreignSubmitted: other?.submitted.length ?? 0,
		failedItems: result.items.filter((i) => i.json.error).length,
	};
	report(`${scenario.vendor} ${JSON.stringify(scenario.kinds === NOT_ACTED ? 'not acted' : 'with acted')} ${scenario.lostAnswers} ${JSON.stringify(figures)}`);
	return { ...result, figures, byName };
}

/** 100/100 right and in order; nothing of the second client's in the output. */
function expectAllRight(out: INodeExecutionData[]) {
	expect(out.map((i) => i.json.invoice_number)).toEqual(Array.from({ length: DOCUMENTS }, (_, i) => `INV-${1000 + i}`));
	expect(out.map((i) => (i.pairedItem as { item: number }).item)).toEqual(Array.from({ length: DOCUMENTS }, (_, i) => i));
	expect(JSON.stringify(out)).not.toContain('other-client');
}

/** Every extra paid submission of a document is named on that document's item. */
function expectDuplicatesReported(out: INodeExecutionData[], byName: Map<string, Paid[]>) {
	out.forEach((item, i) => {
		const paid = byName.get(documentName(i)) ?? [];
		const extra = paid.map((p) => p.id).filter((id) => id !== idOf(item));
		const reported = ((item.json._meta as IDataObject).possibleDuplicateOf as string[] | undefined) ?? [];
		expect({ item: i, unreported: extra.filter((id) => !reported.includes(id)) }).toEqual({ item: i, unreported: [] });
		// Only this item's own extra copies: never another document's or another client's submission.
		expect({ item: i, foreign: reported.filter((id) => !extra.includes(id)) }).toEqual({ item: i, foreign: [] });
	});
}

describe.each<Vendor>(['anyformat', 'anesya-schema', 'anesya-workflow'])('%s, 100 documents', (vendor) => {
	it('(a) transient faults incl. lost-after-acting answers in two simultaneous waves: 100/100, every extra submission reported', async () => {
		const { items: out, error, figures, byName } = await run({ vendor, kinds: WITH_ACTED, waves: true, secondClient: false, lostAnswers: 'resend' });
		expect(error).toBeUndefined();
		expectAllRight(out);
		expect(figures.submissionsLostAfterActing).toBeGreaterThanOrEqual(8);
		expectDuplicatesReported(out, byName);
		// Where the API tags or names the exact submission, a lost answer is adopted, never paid twice.
		if (vendor === 'anesya-schema') expect(figures.duplicates).toBe(0);
		if (vendor === 'anesya-schema') expect(figures.exactAdoptions).toBe(figures.submissionsLostAfterActing);
	});

	it('(b) faults the API never acted on + a second client submitting 1 document/s: 100/100, 0 duplicates, nothing foreign', async () => {
		const { items: out, error, figures, byName } = await run({ vendor, kinds: NOT_ACTED, waves: false, secondClient: true, lostAnswers: 'resend' });
		expect(error).toBeUndefined();
		expectAllRight(out);
		expect(figures.foreignSubmitted).toBeGreaterThan(0);
		expect(figures.duplicates).toBe(0);
		expect(out.filter((i) => (i.json._meta as IDataObject).possibleDuplicate)).toHaveLength(0);
		expectDuplicatesReported(out, byName);
	});

	it('(c) Fail the Item on (a) + a second client: 0 duplicates, a failed item names its candidates, none fails because of the other client', async () => {
		const { items: out, error, figures, byName } = await run({ vendor, kinds: WITH_ACTED, waves: true, secondClient: true, lostAnswers: 'fail' });
		expect(error).toBeUndefined();
		expect(figures.duplicates).toBe(0);
		out.forEach((item, i) => {
			if (item.json.error) {
				expect(item.json.error).toMatch(/may have stored .* anyway, as (collection|extract) /);
				// Its candidates are its own stored submission(s), never the second client's.
				const candidates = (byName.get(documentName(i)) ?? []).map((p) => p.id);
				expect(candidates.some((id) => String(item.json.error).includes(id))).toBe(true);
			} else {
				expect(item.json.invoice_number).toBe(`INV-${1000 + i}`);
			}
		});
		expect(JSON.stringify(out)).not.toContain('other-client');
	});
});

describe('anesya-v0 (Extract → Create from files), 100 documents: v0 lists no extracts, so a lost answer cannot be looked up', () => {
	it('(a) transient faults incl. lost-after-acting answers in two waves: 100/100, every item that may have been paid twice says so', async () => {
		const { items: out, error, figures, byName } = await run({ vendor: 'anesya-v0', kinds: WITH_ACTED, waves: true, secondClient: false, lostAnswers: 'resend' });
		expect(error).toBeUndefined();
		expectAllRight(out);
		expect(figures.submissionsLostAfterActing).toBeGreaterThanOrEqual(8);
		out.forEach((item, i) => {
			if ((byName.get(documentName(i)) ?? []).length > 1) expect({ item: i, flagged: metaOf(item).possibleDuplicate }).toEqual({ item: i, flagged: true });
		});
	});

	it('(b) faults the API never acted on + a second client: 100/100, 0 duplicates, nothing foreign', async () => {
		const { items: out, error, figures } = await run({ vendor: 'anesya-v0', kinds: NOT_ACTED, waves: false, secondClient: true, lostAnswers: 'resend' });
		expect(error).toBeUndefined();
		expectAllRight(out);
		expect(figures.foreignSubmitted).toBeGreaterThan(0);
		expect(figures.duplicates).toBe(0);
	});

	it('(c) Fail the Item: 0 duplicates; an item that failed says it may have been accepted and was not sent again', async () => {
		const { items: out, error, figures } = await run({ vendor: 'anesya-v0', kinds: WITH_ACTED, waves: true, secondClient: true, lostAnswers: 'fail' });
		expect(error).toBeUndefined();
		expect(figures.duplicates).toBe(0);
		out.forEach((item, i) => {
			if (item.json.error) expect(String(item.json.description)).toMatch(/may have been accepted by Anesya .* not sent again/);
			else expect(item.json.invoice_number).toBe(`INV-${1000 + i}`);
		});
		expect(JSON.stringify(out)).not.toContain('other-client');
	});
});

it('(e) a run that fails for good names every document it had already submitted, so a re-run need not pay again', async () => {
	const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
	const items = Array.from({ length: 8 }, (_, i) => fileItem(buildTextPdf(invoiceText(i, { fail: i === 5 })), documentName(i), 'application/pdf'));
	const { error } = await runNode({
		nodeType: new Anyformat(),
		parameters: { resource: 'extraction', operation: 'extractFromFile', workflow: byId(workflowId) },
		credentials: fakeCredentials(fake),
		items,
	});
	expect(error?.message).toMatch(/could not extract "doc-005.pdf"/);
	const description = String((error as { description?: string }).description);
	expect(description).toMatch(/Already submitted in this run/);
	for (const collection of fake.anyformat.collections) {
		const name = collection.files[0].fileName;
		if (name === 'doc-005.pdf') continue;
		expect(description).toContain(`collection ${collection.id} (finished)`);
	}
});
