// Shared setup of the Anesya node tests: the fake API on a random port, an invoice schema and
// workflow matching test/fixtures/invoices.ts, PDF input items, and a runner that executes the node
// in n8n's engine with a credential pointing at the fake.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

// The 0.8.1 operations are version 1 of the versioned Anesya node.
import { AnesyaV1 as Anesya } from '../../../nodes/Anesya/v1/AnesyaV1.node';
import { buildTextPdf, DEFAULT_ANESYA_TOKEN, startFakeApi, type FakeApi, type FakeApiOptions, type RequestLogEntry } from '../../fake-api';
import { INVOICE_SCHEMA, invoiceText } from '../../fixtures/invoices';
import { byId, fakeCredentials, fileItem, runNode, type RunNodeResult } from '../../helpers/n8n-harness';

export const TOKEN = DEFAULT_ANESYA_TOKEN;

/** An input item carrying invoice n as a PDF (Anesya accepts PDF, PNG and JPEG only). */
export function invoicePdfItem(n: number, options: { fail?: boolean; field?: string; fileName?: string } = {}): INodeExecutionData {
	const pdf = buildTextPdf(invoiceText(n, { fail: options.fail }));
	return fileItem(pdf, options.fileName ?? `invoice-${n}.pdf`, 'application/pdf', { n }, options.field);
}

/** One item carrying several PDF invoices in binary fields attachment_0, attachment_1, … */
export function attachmentsItem(numbers: number[], options: { failing?: number[] } = {}): INodeExecutionData {
	const binary = Object.fromEntries(
		numbers.map((n, i) => [
			`attachment_${i}`,
			invoicePdfItem(n, { fail: options.failing?.includes(n), field: `attachment_${i}` }).binary![`attachment_${i}`],
		]),
	);
	return { json: { mail: numbers.length }, binary };
}

export interface AnesyaTestEnv {
	fake: FakeApi;
	schemaId: string;
	workflowId: string;
	run(parameters: INodeParameters, options?: { items?: INodeExecutionData[]; continueOnFail?: boolean; token?: string }): Promise<RunNodeResult>;
	/** Uploads invoice n with the schema, without waiting; resolves with its extract ID. */
	submit(n: number, options?: { fail?: boolean; metadata?: Record<string, string> }): Promise<string>;
	/** Requests that start a billable extraction. */
	uploads(): RequestLogEntry[];
	/** Requests matching a route pattern such as 'GET /anesya/extract/{id}/'. */
	calls(route: string): RequestLogEntry[];
	/** Empties the fake and re-creates the schema and workflow. */
	reset(latencyMs?: number): void;
	close(): Promise<void>;
}

/** Starts the fake and fills `env` (an empty object the caller already holds, or a new one). */
export async function startAnesyaEnv(options: FakeApiOptions = {}, latencyMs = 150, target?: AnesyaTestEnv): Promise<AnesyaTestEnv> {
	const fake = await startFakeApi({
		...options,
		anesya: { latencyMs, rateLimits: false, expiredTokens: ['expired_token'], ...options.anesya },
	});
	const env: AnesyaTestEnv = Object.assign(target ?? ({} as AnesyaTestEnv), {
		fake,
		schemaId: '',
		workflowId: '',
		run: async (parameters, { items, continueOnFail, token = TOKEN } = {}) =>
			await runNode({
				nodeType: new Anesya(),
				parameters,
				credentials: fakeCredentials(fake, { apiToken: token }),
				items,
				continueOnFail,
			}),
		submit: async (n, { fail, metadata = {} } = {}) => {
			const values = Object.entries(metadata).map(([key, value]) => ({ key, value }));
			const { items, error } = await env.run(
				{
					resource: 'extract',
					operation: 'extractWithSchema',
					schema: byId(env.schemaId),
					waitForCompletion: false,
					options: values.length ? { metadata: { values } } : {},
				},
				{ items: [invoicePdfItem(n, { fail })] },
			);
			if (error) throw error;
			return (items[0].json._meta as { extractId: string }).extractId;
		},
		uploads: () => fake.log.filter((e) => e.submission),
		calls: (route) => fake.log.filter((e) => e.route === route),
		reset: (latency = latencyMs) => {
			fake.reset();
			fake.configure({ anesya: { latencyMs: latency } });
			env.schemaId = fake.anesya.createSchema({ name: 'Invoice schema', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
			env.workflowId = fake.anesya.createWorkflow({ name: 'Invoices', schemaId: env.schemaId, server: 'FR-1' }).id;
		},
		close: async () => await fake.close(),
	} satisfies AnesyaTestEnv);
	env.reset();
	return env;
}

/**
 * The environment of one test file: started before its tests, reset (empty fake, fresh schema and
 * workflow) before each test, closed after them.
 */
export function useAnesyaEnv(options: FakeApiOptions = {}, latencyMs = 150): AnesyaTestEnv {
	const env = {} as AnesyaTestEnv;
	beforeAll(async () => {
		await startAnesyaEnv(options, latencyMs, env);
	});
	afterAll(async () => await env.close());
	beforeEach(() => env.reset());
	return env;
}

/** The `_meta` of an output item. */
export function metaOf(json: IDataObject): IDataObject {
	return json._meta as IDataObject;
}
