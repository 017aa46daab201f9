// The Anyformat Polling Trigger against the fake anyformat API over real HTTP: poll() is called
// the way n8n calls it (an active workflow's poll context; Fetch Test Event's manual one) and the
// static data is carried from poll to poll — and through JSON, as n8n stores it across a restart.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AnyformatPollingTrigger } from '../../../nodes/Anyformat/AnyformatPollingTrigger.node';
import { DEFAULT_ANYFORMAT_KEY, documentFromText, startFakeApi, type FakeApi } from '../../fake-api';
import { invoiceText, invoiceWorkflow } from '../../fixtures/invoices';
import { byId } from '../../helpers/n8n-harness';
import { pollItems, triggerDouble } from '../../helpers/trigger-double';

/** Lets the API's millisecond clock move on, so two finish times differ. */
async function nextMillisecond(): Promise<void> {
	const start = Date.now();
	for (let i = 0; i < 1000 && Date.now() === start; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('Anyformat Polling Trigger', () => {
	let fake: FakeApi;
	const nodeType = new AnyformatPollingTrigger();

	beforeAll(async () => {
		// Runs stay in progress until a test ends them (completeNow).
		fake = await startFakeApi({ anyformat: { latencyMs: 600_000 } });
	});
	afterAll(async () => await fake.close());
	beforeEach(() => fake.reset());

	const trigger = (parameters: INodeParameters = {}, staticData: IDataObject = {}, mode: 'trigger' | 'manual' = 'trigger') =>
		triggerDouble({
			nodeType,
			parameters,
			credentials: { apiKey: DEFAULT_ANYFORMAT_KEY, baseUrl: fake.urls.anyformat },
			staticData,
			mode,
		});
	const poll = async (t: ReturnType<typeof trigger>) => await pollItems(nodeType, t);
	const workflow = () => fake.anyformat.createWorkflow(invoiceWorkflow).id;
	const run = (workflowId: string, n: number, options: { fail?: boolean } = {}) =>
		fake.anyformat.createCollection(workflowId, 'v2-run', [{ document: documentFromText(invoiceText(n, options), `invoice-${n}.txt`) }], { start: true }).id;
	const requestsDuring = async <T>(action: () => Promise<T>) => {
		const before = fake.log.length;
		const value = await action();
		return { value, requests: fake.log.slice(before).map((entry) => entry.route) };
	};

	it('emits nothing old on the first poll, then each finished run once with its data, across polls and a restart', async () => {
		const workflowId = workflow();
		for (let n = 0; n < 3; n++) fake.anyformat.completeNow(run(workflowId, n));
		const t = trigger({ workflowScope: 'one', workflow: byId(workflowId) });
		expect(await poll(t)).toEqual([]);

		const ids = Array.from({ length: 30 }, (_, i) => run(workflowId, 100 + i));
		expect(await poll(t)).toEqual([]);
		for (const id of ids) fake.anyformat.completeNow(id);
		const { value: items, requests } = await requestsDuring(() => poll(t));
		expect(items).toHaveLength(30);
		expect(items.map((i) => (i._meta as IDataObject).collectionId).sort()).toEqual([...ids].sort());
		const first = items.find((i) => (i._meta as IDataObject).collectionId === ids[0])!;
		expect(first).toMatchObject({ invoice_number: 'INV-1100', vendor_name: 'Vendor 100', total_amount: 2000 });
		expect(first._meta).toMatchObject({ event: 'extraction.completed', source: 'poll', collectionId: ids[0], workflowId });
		// Results are downloaded for the 30 new runs only, after one list request.
		expect(requests.filter((r) => r.endsWith('/results/'))).toHaveLength(30);
		expect(requests.filter((r) => r.endsWith('/runs/'))).toHaveLength(1);

		for (let i = 0; i < 3; i++) {
			const idle = await requestsDuring(() => poll(t));
			expect(idle.value).toEqual([]);
			expect(idle.requests).toHaveLength(1);
		}
		// A restart: n8n loads the static data it stored, as JSON.
		const restarted = trigger({ workflowScope: 'one', workflow: byId(workflowId) }, JSON.parse(JSON.stringify(t.staticData)) as IDataObject);
		expect(await poll(restarted)).toEqual([]);
		const later = run(workflowId, 200);
		fake.anyformat.completeNow(later);
		expect((await poll(restarted)).map((i) => (i._meta as IDataObject).collectionId)).toEqual([later]);
	});

	it('watches every workflow, counts a workflow created after it started as new, and emits only the chosen events', async () => {
		const a = workflow();
		fake.anyformat.completeNow(run(a, 1));
		const t = trigger({ workflowScope: 'all', events: ['extraction.failed'] });
		expect(await poll(t)).toEqual([]);

		const b = workflow();
		const failed = run(b, 2, { fail: true });
		const succeeded = run(b, 3);
		const cancelled = run(a, 4);
		fake.anyformat.completeNow(failed, 'error');
		fake.anyformat.completeNow(succeeded);
		fake.anyformat.completeNow(cancelled, 'cancelled');
		const items = await poll(t);
		expect(items.map((i) => (i._meta as IDataObject).collectionId).sort()).toEqual([failed, cancelled].sort());
		expect(items.every((i) => i.event === 'extraction.failed' && typeof i.reason === 'string')).toBe(true);
		expect(await poll(t)).toEqual([]);
	});

	it('reads an oldest-first list from its end and misses nothing', async () => {
		fake.configure({ anyformat: { listOrder: 'oldest-first' } });
		const workflowId = workflow();
		for (let n = 0; n < 120; n++) fake.anyformat.completeNow(run(workflowId, n));
		const t = trigger({ workflowScope: 'one', workflow: byId(workflowId), includeData: false });
		expect(await poll(t)).toEqual([]);
		const fresh = Array.from({ length: 90 }, (_, i) => run(workflowId, 500 + i));
		for (const id of fresh) fake.anyformat.completeNow(id);
		const items = await poll(t);
		expect(items.map((i) => (i.data as IDataObject).extraction_id).sort()).toEqual([...fresh].sort());
		expect(items[0]).toMatchObject({ event: 'extraction.completed', data: { status: 'processed', workflow_id: workflowId } });
		expect(await poll(t)).toEqual([]);
	});

	it('emits each run once when two ticks overlap (the second finds the first still running and does nothing)', async () => {
		const workflowId = workflow();
		const t = trigger({ workflowScope: 'one', workflow: byId(workflowId), includeData: false });
		expect(await poll(t)).toEqual([]);
		const ids = Array.from({ length: 5 }, (_, i) => run(workflowId, i));
		for (const id of ids) fake.anyformat.completeNow(id);
		const [first, second] = await Promise.all([poll(t), poll(t)]);
		expect([...first, ...second].map((i) => (i.data as IDataObject).extraction_id).sort()).toEqual([...ids].sort());
		expect(second).toEqual([]);
		expect(await poll(t)).toEqual([]);
	});

	it('Fetch Test Event returns the newest finished run and leaves the cursor alone', async () => {
		const workflowId = workflow();
		const older = run(workflowId, 1);
		const newer = run(workflowId, 2);
		run(workflowId, 3);
		fake.anyformat.completeNow(older);
		await nextMillisecond();
		fake.anyformat.completeNow(newer);
		const staticData: IDataObject = {};
		const items = await poll(trigger({ workflowScope: 'one', workflow: byId(workflowId) }, staticData, 'manual'));
		expect(items.map((i) => (i._meta as IDataObject).collectionId)).toEqual([newer]);
		expect(staticData).toEqual({});
	});

	it('Fetch Test Event says so when nothing has finished yet', async () => {
		const workflowId = workflow();
		run(workflowId, 1);
		await expect(poll(trigger({ workflowScope: 'one', workflow: byId(workflowId) }, {}, 'manual'))).rejects.toThrow(
			'No finished anyformat extraction to show yet',
		);
	});
});
