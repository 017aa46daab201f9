/**
 * Anyformat and Anesya Polling Triggers in a real n8n 2.41.1, against the fake APIs:
 *  - the first poll after activation emits nothing that finished before;
 *  - 30 documents finishing between two polls come out as 30 items of the next poll (one execution);
 *  - three more polls, an n8n restart (same database) and three polls after it emit nothing again;
 *    a document finishing after the restart comes out once, alone: the cursor survived the restart.
 * Poll Times allows at most one poll a minute per entry, so each workflow has twelve entries, each a
 * cron at one fixed second (0, 5, …, 55): a poll every 5 s, with no entry below n8n's minimum.
 */
import { DEFAULT_ANESYA_TOKEN, DEFAULT_ANYFORMAT_KEY, documentFromText, startFakeApi, type FakeApi } from '../fake-api';
import { startAnesyaExtract } from '../fake-api/test-helpers';
import { INVOICE_SCHEMA, invoiceText, invoiceWorkflow } from '../fixtures/invoices';
import { N8nApi, type CredentialRef, type Execution } from './support/n8n-api';
import { startN8n, type N8nInstance } from './support/n8n-instance';
import { Timings } from './support/timings';
import { triggerWorkflow } from './support/workflows';

const POLL_SECONDS = 5;
/** Extra time for every wait: on a loaded 2-core machine n8n's ticks, executions and API answers run late. */
const SLACK_MS = 60_000;
const pollTimes = { item: Array.from({ length: 60 / POLL_SECONDS }, (_, i) => ({ mode: 'custom', cronExpression: `${i * POLL_SECONDS} * * * * *` })) };

const timings = new Timings();
let fake: FakeApi;
let n8n: N8nInstance | undefined;
let api: N8nApi;
const credentials: Record<string, CredentialRef> = {};

beforeAll(async () => {
	// Documents stay in progress until the test ends them (completeNow), so "between two polls" is exact.
	fake = await startFakeApi({ anyformat: { apiKeys: [DEFAULT_ANYFORMAT_KEY], latencyMs: 3_600_000 }, anesya: { latencyMs: 3_600_000 } });
	n8n = await timings.measure('n8n start', () => startN8n({ label: 'polling-triggers' }));
	api = await N8nApi.connect(n8n);
	credentials.anyformatApi = await api.createCredential('anyformatApi', { apiKey: DEFAULT_ANYFORMAT_KEY, baseUrl: fake.urls.anyformat });
	credentials.anesyaApi = await api.createCredential('anesyaApi', { apiToken: DEFAULT_ANESYA_TOKEN, baseUrl: fake.urls.anesya });
}, 180_000);

afterAll(async () => {
	await n8n?.stop();
	await fake?.close();
	process.stdout.write(`\n${timings.summary('polling triggers e2e timings')}\n\n`);
}, 60_000);

interface Vendor {
	name: string;
	nodeName: string;
	/** `vendor` of its requests in the fake's log */
	fakeVendor: 'anyformat' | 'anesya';
	type: string;
	credential: string;
	/** Requests of one poll's list read (the trigger's only request when nothing is new). */
	isListRequest(route: string): boolean;
	parameters(): Record<string, unknown>;
	/** Starts a document (in progress until finished); returns its ID. */
	start(n: number): string;
	finish(id: string): void;
	idOf(item: Record<string, unknown>): string;
}

let anyformatWorkflowId = '';
const vendors: Vendor[] = [
	{
		name: 'anyformat',
		nodeName: 'Anyformat Polling Trigger',
		fakeVendor: 'anyformat',
		type: 'anyformatPollingTrigger',
		credential: 'anyformatApi',
		isListRequest: (route) => route === 'GET /v2/workflows/{workflow_id}/runs/',
		parameters: () => {
			anyformatWorkflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
			return { workflowScope: 'one', workflow: { __rl: true, mode: 'id', value: anyformatWorkflowId }, includeData: true };
		},
		start: (n) =>
			fake.anyformat.createCollection(anyformatWorkflowId, 'v2-run', [{ document: documentFromText(invoiceText(n), `invoice-${n}.txt`) }], { start: true }).id,
		finish: (id) => void fake.anyformat.completeNow(id),
		idOf: (item) => String((item._meta as Record<string, unknown>).collectionId),
	},
	{
		name: 'Anesya',
		nodeName: 'Anesya Polling Trigger',
		fakeVendor: 'anesya',
		type: 'anesyaPollingTrigger',
		credential: 'anesyaApi',
		isListRequest: (route) => route === 'GET /anesya/extract/',
		parameters: () => ({ output: 'simplified' }),
		start: (n) => {
			const schemaId = fake.anesya.schemas[0]?.id ?? fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
			return startAnesyaExtract(fake, invoiceText(n), `invoice-${n}.txt`, { schemaId });
		},
		finish: (id) => void fake.anesya.completeNow(id),
		idOf: (item) => String((item._meta as Record<string, unknown>).extractId),
	},
];

describe.each(vendors)('$nodeName in real n8n', (vendor) => {
	const polls = () => fake.log.filter((entry) => vendor.isListRequest(entry.route)).length;
	/** Resolves once `count` more polls have read the list (each poll reads it once when nothing is new). */
	const morePolls = async (count: number) => {
		const target = polls() + count;
		await fake.waitFor(() => polls() >= target, { timeoutMs: (count + 3) * POLL_SECONDS * 1000 + SLACK_MS });
	};
	const outputOf = (execution: Execution) =>
		(execution.data?.resultData.runData[vendor.nodeName]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json as Record<string, unknown>);

	it('emits nothing old, 30 documents finished between polls as 30 items of one poll, and nothing twice across polls and a restart', async () => {
		const parameters = { ...vendor.parameters(), pollTimes };
		const old = [1, 2, 3].map((n) => vendor.start(n));
		old.forEach(vendor.finish);
		const { workflow } = triggerWorkflow({ type: vendor.type, name: vendor.nodeName, credentials: [credentials[vendor.credential]], parameters });
		const created = await api.createWorkflow(workflow, [credentials[vendor.credential]]);
		const executions = async () => await api.listExecutions({ workflowId: created.id });

		await timings.measure(`${vendor.name}: activate → first polls`, async () => {
			await api.activate(created.id);
			await morePolls(3);
		});
		expect(await executions()).toEqual([]);

		const batch = Array.from({ length: 30 }, (_, i) => vendor.start(100 + i));
		await morePolls(1);
		// All 30 finish at once, between two polls (the loop never yields to the fake's HTTP server).
		batch.forEach(vendor.finish);
		const execution = await timings.measure(`${vendor.name}: 30 finished → execution`, () =>
			api.waitForExecution((e) => e.status === 'success', { workflowId: created.id, timeoutMs: 60_000 + SLACK_MS }),
		);
		const items = outputOf(execution);
		expect(items.map(vendor.idOf).sort()).toEqual([...batch].sort());
		expect(items[0]).toMatchObject({ invoice_number: expect.stringMatching(/^INV-11\d\d$/), _meta: { source: 'poll' } });

		// Idle polls cost one list request each, nothing else.
		const idleFrom = fake.log.length;
		await morePolls(3);
		expect(await executions()).toHaveLength(1);
		const idle = fake.log.slice(idleFrom).filter((entry) => entry.vendor === vendor.fakeVendor);
		expect(idle.filter((entry) => !vendor.isListRequest(entry.route))).toEqual([]);

		await timings.measure(`${vendor.name}: n8n restart`, async () => {
			const { stateDir } = n8n!;
			await n8n!.stop();
			n8n = await startN8n({ stateDir });
			api = await N8nApi.connect(n8n);
		});
		await morePolls(4);
		expect(await executions()).toHaveLength(1);

		const after = vendor.start(300);
		await morePolls(1);
		vendor.finish(after);
		const second = await api.waitForExecution((e) => e.status === 'success' && (!execution.id || String(e.id) !== String(execution.id)), {
			workflowId: created.id,
			timeoutMs: 60_000 + SLACK_MS,
		});
		expect(outputOf(second).map(vendor.idOf)).toEqual([after]);
		await morePolls(2);
		expect(await executions()).toHaveLength(2);
		await api.deactivate(created.id);
	}, 900_000);
});
