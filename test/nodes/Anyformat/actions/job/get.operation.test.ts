import { documentFromText } from '../../../../fake-api';
import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';
import { INVOICE_TEXT } from '../../../../fake-api/test-helpers';
import { ACME_INVOICE_SIMPLIFIED } from '../../../../fixtures/invoices';

describe('Anyformat → Job (Legacy) → Get', () => {
	let env: AnyformatTestEnv;
	beforeAll(async () => (env = await startAnyformatEnv()));
	afterAll(async () => await env.close());
	beforeEach(() => env.fake.reset());

	/** A legacy v1 run of `text`; processed at once unless `finish` is false. */
	const job = (text = INVOICE_TEXT, finish: 'processed' | 'error' | false = 'processed') => {
		const workflowId = env.createWorkflow();
		// an unfinished job is never started, so it cannot finish before the node looks, however slow the machine
		const record = env.fake.anyformat.createCollection(workflowId, 'v1-run', [{ document: documentFromText(text, 'invoice.txt') }], { start: finish !== false });
		if (finish) env.fake.anyformat.completeNow(record.id, finish);
		return { workflowId, jobId: record.v1JobId, collectionId: record.id };
	};
	const get = (jobId: string | number, extra: Record<string, unknown> = {}) => ({ resource: 'job', operation: 'get', jobId, ...extra });

	it('outputs the results of a processed job, simplified and typed as the workflow declares, with the job in _meta', async () => {
		const { jobId, workflowId } = job();
		const { items, error } = await env.run(get(jobId));
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		// the legacy API sends numbers as text ("1250.00"); Simplified types them like the v2 results
		expect(items[0].json).toEqual({
			...ACME_INVOICE_SIMPLIFIED,
			_meta: { jobId, workflowId, processedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
		});
		// the field types come from the workflow: one lookup
		expect(env.fake.log.map((e) => [e.route, e.auth.valid])).toEqual([
			['GET /jobs/{id}/', true],
			['GET /v2/workflows/{workflow_id}/', true],
		]);
		expect(env.fake.log[0].auth.scheme).toBe('x-api-key');
	});

	it('Detailed output carries confidence, evidence and unit; the review threshold flags weak fields', async () => {
		const { jobId } = job();
		const { items } = await env.run(get(jobId, { output: 'detailed', resultOptions: { reviewThreshold: 80 } }));
		expect(items[0].json.total_amount).toEqual({
			value: 1250,
			rawValue: '1250.00',
			confidence: expect.any(Number),
			verificationStatus: 'not_verified',
			evidence: [{ text: 'Total: $1,250.00', page_number: 1 }],
			unit: 'USD',
		});
		const weak = Object.entries(items[0].json)
			.filter(([, f]) => typeof (f as { confidence?: number }).confidence === 'number' && (f as { confidence: number }).confidence < 80)
			.map(([name]) => name);
		expect(items[0].json.needsReview).toBe(true);
		expect(items[0].json.reviewFields).toEqual(expect.arrayContaining(weak));
	});

	it('splits line items into one item per row carrying the document fields', async () => {
		const { jobId } = job();
		const { items } = await env.run(get(jobId, { resultOptions: { splitField: 'line_items' } }));
		expect(items.map((i) => [i.json.description, i.json.invoice_number, (i.json._meta as { rowIndex: number }).rowIndex])).toEqual([
			['Consulting Services', 'INV-2024-0847', 0],
			['Travel', 'INV-2024-0847', 1],
		]);
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('looks the workflow up once for many jobs of it', async () => {
		const first = job();
		const second = env.fake.anyformat.createCollection(first.workflowId, 'v1-run', [{ document: documentFromText(INVOICE_TEXT, 'b.txt') }], { start: true });
		env.fake.anyformat.completeNow(second.id, 'processed');
		const { items } = await env.run(
			{ resource: 'job', operation: 'get', jobId: '={{ $json.job }}' },
			{ items: [{ json: { job: first.jobId } }, { json: { job: second.v1JobId } }] },
		);
		expect(items.map((i) => i.json.total_amount)).toEqual([1250, 1250]);
		expect(env.fake.log.filter((e) => e.route === 'GET /v2/workflows/{workflow_id}/')).toHaveLength(1);
	});

	it('Raw output makes no workflow lookup', async () => {
		const { jobId } = job();
		await env.run(get(jobId, { output: 'raw' }));
		expect(env.fake.log.map((e) => e.route)).toEqual(['GET /jobs/{id}/']);
	});

	it('Raw output is the API body', async () => {
		const { jobId, workflowId } = job();
		const { items } = await env.run(get(jobId, { output: 'raw' }));
		expect(items[0].json).toMatchObject({ id: jobId, status: 'processed', workflow_id: workflowId, results: { invoice_number: { value: 'INV-2024-0847' } } });
	});

	it('outputs ready: false for a job still processing', async () => {
		// Long enough that a loaded machine cannot finish it before the node asks.
		env.fake.configure({ anyformat: { latencyMs: 60_000 } });
		const { jobId } = job(INVOICE_TEXT, false);
		env.fake.configure({ anyformat: { latencyMs: 50 } });
		const { items, error } = await env.run(get(jobId));
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ id: jobId, status: expect.stringMatching(/^(pending|in_progress)$/), ready: false });
	});

	it('fails for a job that ended in error, so a workflow does not wait for it', async () => {
		const { jobId } = job(INVOICE_TEXT, 'error');
		const { error } = await env.run(get(jobId));
		expect(error?.message).toBe(`anyformat could not extract job ${jobId}`);
	});

	it('accepts a numeric Job ID from an expression', async () => {
		const { jobId } = job();
		const { items } = await env.run(get(Number(jobId)));
		expect((items[0].json._meta as { jobId: string }).jobId).toBe(jobId);
	});

	it('refuses a Job ID that is not a number before calling the API', async () => {
		const { error } = await env.run(get('069dcc2c-e14c-7606-8000-2ee4fb17b4e1'), { items: [{ json: {} }] });
		expect(error?.message).toBe('Job ID: "069dcc2c-e14c-7606-8000-2ee4fb17b4e1" is not a legacy job ID (a number) [item 0]');
		expect(error?.description).toMatch(/Extraction → Get Result/);
		expect(env.fake.log).toHaveLength(0);
	});

	it('reports an unknown job, and with Continue On Fail goes on with the next item', async () => {
		const { jobId } = job();
		const { items } = await env.run(
			{ resource: 'job', operation: 'get', jobId: '={{ $json.job }}' },
			{ items: [{ json: { job: '999999999' } }, { json: { job: jobId } }], continueOnFail: true },
		);
		expect(items[0].json.error).toBe('anyformat has no such resource: GET /jobs/999999999/ (Job "999999999" not found.)');
		expect(items[1].json.invoice_number).toBe('INV-2024-0847');
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
