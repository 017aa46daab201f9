// Shared setup of the Anesya node version 2 (API v0) tests: the fake API on a random port with an invoice schema,
// PDF input items, and a runner that executes node version 2 in n8n's engine with a v0 credential.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { AnesyaV2 } from '../../../../nodes/Anesya/v2/AnesyaV2.node';
import { buildTextPdf, DEFAULT_ANESYA_TOKEN, DEFAULT_ANESYA_V0_KEY, startFakeApi, type FakeApi, type FakeApiOptions, type RequestLogEntry } from '../../../fake-api';
import { INVOICE_SCHEMA, invoiceText } from '../../../fixtures/invoices';
import { fileItem, runNode, type RunNodeResult } from '../../../helpers/n8n-harness';

export const V0_KEY = DEFAULT_ANESYA_V0_KEY;

/** An input item carrying invoice n as a PDF; `text` replaces the invoice text. */
export function invoicePdf(n: number, options: { text?: string; fileName?: string; field?: string } = {}): INodeExecutionData {
	return fileItem(buildTextPdf(options.text ?? invoiceText(n)), options.fileName ?? `invoice-${n}.pdf`, 'application/pdf', { n }, options.field);
}

export interface V0TestEnv {
	fake: FakeApi;
	schemaId: string;
	/** Runs node version 2; `credential` overrides fields of the v0 credential (e.g. apiGeneration). */
	run(parameters: INodeParameters, options?: { items?: INodeExecutionData[]; continueOnFail?: boolean; credential?: IDataObject }): Promise<RunNodeResult>;
	/** Requests matching a route pattern such as 'GET /anesya/v0/parsing/{id}'. */
	calls(route: string): RequestLogEntry[];
	/** Requests that start billable work (parsing or extract creates). */
	submissions(): RequestLogEntry[];
	reset(latencyMs?: number): void;
}

/**
 * The environment of one test file: the fake started before its tests, reset (empty, fresh schema) before each,
 * closed after them.
 */
export function useV0Env(options: FakeApiOptions = {}, latencyMs = 150): V0TestEnv {
	const env = { schemaId: '' } as V0TestEnv;
	beforeAll(async () => {
		env.fake = await startFakeApi({ ...options, anesya: { latencyMs, rateLimits: false, ...options.anesya } });
	});
	afterAll(async () => await env.fake.close());
	beforeEach(() => env.reset());
	Object.assign(env, {
		run: async (parameters: INodeParameters, { items, continueOnFail, credential = {} }: { items?: INodeExecutionData[]; continueOnFail?: boolean; credential?: IDataObject } = {}) =>
			await runNode({
				nodeType: new AnesyaV2(),
				parameters,
				credentials: { anesyaApi: { apiGeneration: 'v0', apiToken: V0_KEY, baseUrl: env.fake.urls.anesya, ...credential } as never },
				items,
				continueOnFail,
			}),
		calls: (route: string) => env.fake.log.filter((e) => e.route === route),
		submissions: () => env.fake.log.filter((e) => e.submission),
		reset: (latency = latencyMs) => {
			env.fake.reset();
			env.fake.configure({ anesya: { latencyMs: latency } });
			env.schemaId = env.fake.anesya.createSchema({ name: 'Invoice schema', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
		},
	});
	return env;
}

/** A 0.8.1 token, for tests that set the credential to the other generation. */
export const LEGACY_TOKEN = DEFAULT_ANESYA_TOKEN;

/** The `_meta` of an output item. */
export function metaOf(json: IDataObject): IDataObject {
	return json._meta as IDataObject;
}
