// The Anesya Polling Trigger against the fake Anesya 0.8.1 API over real HTTP: poll() as n8n calls
// it, static data carried from poll to poll and through JSON (a restart).
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AnesyaPollingTrigger } from '../../../nodes/Anesya/AnesyaPollingTrigger.node';
import { DEFAULT_ANESYA_TOKEN, startFakeApi, type FakeApi } from '../../fake-api';
import { startAnesyaExtract } from '../../fake-api/test-helpers';
import { INVOICE_SCHEMA, invoiceText } from '../../fixtures/invoices';
import { byId } from '../../helpers/n8n-harness';
import { pollItems, triggerDouble } from '../../helpers/trigger-double';

describe('Anesya Polling Trigger', () => {
	let fake: FakeApi;
	const nodeType = new AnesyaPollingTrigger();

	beforeAll(async () => {
		// Extracts stay in progress until a test ends them (completeNow).
		fake = await startFakeApi({ anesya: { latencyMs: 600_000 } });
	});
	afterAll(async () => await fake.close());
	beforeEach(() => fake.reset());

	const trigger = (parameters: INodeParameters = {}, staticData: IDataObject = {}, mode: 'trigger' | 'manual' = 'trigger') =>
		triggerDouble({
			nodeType,
			parameters,
			credentials: { apiToken: DEFAULT_ANESYA_TOKEN, baseUrl: fake.urls.anesya },
			staticData,
			mode,
		});
	const poll = async (t: ReturnType<typeof trigger>) => await pollItems(nodeType, t);
	const schema = (name = 'Invoices') => fake.anesya.createSchema({ name, description: name, schema: INVOICE_SCHEMA }).id;
	const extract = (n: number, options: { schemaId?: string; workflowId?: string; fail?: boolean } = {}) =>
		startAnesyaExtract(fake, invoiceText(n, { fail: options.fail }), `invoice-${n}.txt`, options);
	const extractIds = (items: IDataObject[]) => items.map((i) => (i._meta as IDataObject).extractId as string);
	const requestsDuring = async <T>(action: () => Promise<T>) => {
		const before = fake.log.length;
		const value = await action();
		const entries = fake.log.slice(before);
		return { value, requests: entries.map((entry) => `${entry.method} ${entry.path}`), queries: entries.map((entry) => entry.query) };
	};

	it('emits nothing old on the first poll, then each finished extract once with its data, across polls and a restart', async () => {
		const schemaId = schema();
		for (let n = 0; n < 3; n++) fake.anesya.completeNow(extract(n, { schemaId }));
		const t = trigger();
		expect(await poll(t)).toEqual([]);

		const ids = Array.from({ length: 30 }, (_, i) => extract(100 + i, { schemaId }));
		expect(await poll(t)).toEqual([]);
		for (const id of ids) fake.anesya.completeNow(id);
		const { value: items, requests } = await requestsDuring(() => poll(t));
		expect(extractIds(items).sort()).toEqual([...ids].sort());
		const first = items.find((i) => (i._meta as IDataObject).extractId === ids[0])!;
		expect(first).toMatchObject({ invoice_number: 'INV-1100', _meta: { event: 'extract.completed', source: 'poll', status: 'FINISHED' } });
		// One list request, then the details of the 30 new extracts only.
		expect(requests.filter((r) => /^GET \/anesya\/extract\/$/.test(r.split('?')[0]))).toHaveLength(1);
		expect(requests.filter((r) => /^GET \/anesya\/extract\/[0-9a-f-]+\/$/.test(r))).toHaveLength(30);

		for (let i = 0; i < 3; i++) {
			const idle = await requestsDuring(() => poll(t));
			expect(idle.value).toEqual([]);
			expect(idle.requests).toHaveLength(1);
		}
		const restarted = trigger({}, JSON.parse(JSON.stringify(t.staticData)) as IDataObject);
		expect(await poll(restarted)).toEqual([]);
		const failed = extract(200, { schemaId, fail: true });
		fake.anesya.completeNow(failed);
		const [failure] = await poll(restarted);
		expect(failure._meta).toMatchObject({ extractId: failed, event: 'extract.failed', status: 'ERROR' });
	});

	it('keeps to the workflow and schema filters and the chosen events', async () => {
		const invoices = schema('Invoices');
		const receipts = schema('Receipts');
		const workflowId = fake.anesya.createWorkflow({ name: 'Inbox', schemaId: invoices }).id;
		const t = trigger({ events: ['extract.completed'], filters: { workflowId, schema: byId(invoices) } });
		expect(await poll(t)).toEqual([]);

		const wanted = extract(1, { schemaId: invoices, workflowId });
		const otherSchema = extract(2, { schemaId: receipts, workflowId });
		const otherWorkflow = extract(3, { schemaId: invoices });
		const failed = extract(4, { schemaId: invoices, workflowId, fail: true });
		for (const id of [wanted, otherSchema, otherWorkflow, failed]) fake.anesya.completeNow(id);
		const { value: items, requests, queries } = await requestsDuring(() => poll(t));
		expect(extractIds(items)).toEqual([wanted]);
		expect(queries[0]).toMatchObject({ workflow_id: workflowId });
		// Details are fetched only for what the list shows is wanted.
		expect(requests.filter((r) => r.includes(otherSchema) || r.includes(failed))).toEqual([]);
	});

	it("leaves documents it had no time for to the next poll (n8n's poll budget)", async () => {
		const t = trigger({ output: 'raw' });
		expect(await poll(t)).toEqual([]);
		const ids = [1, 2, 3].map((n) => extract(n));
		for (const id of ids) fake.anesya.completeNow(id);
		const outOfTime = { ...t.pollContext(), getPollBudgetMs: () => 1 };
		expect(await nodeType.poll.call(outOfTime)).toBeNull();
		expect((await poll(t)).map((i) => i.id).sort()).toEqual([...ids].sort());
		expect(await poll(t)).toEqual([]);
	});

	it('refuses a filter that is not an Anesya ID, naming the parameter', async () => {
		await expect(poll(trigger({ filters: { workflowId: 'inbox' } }))).rejects.toThrow('Filters → Workflow ID: "inbox" is not a valid ID');
	});

	it('Fetch Test Event returns the newest finished extract and leaves the cursor alone', async () => {
		const older = extract(1);
		const newer = extract(2);
		extract(3);
		fake.anesya.completeNow(older);
		fake.anesya.completeNow(newer);
		const staticData: IDataObject = {};
		const items = await poll(trigger({ output: 'raw' }, staticData, 'manual'));
		expect(items.map((i) => i.id)).toEqual([newer]);
		expect(items[0]).toMatchObject({ status: 'FINISHED', document_name: 'invoice-2.txt' });
		expect(staticData).toEqual({});
	});
});
