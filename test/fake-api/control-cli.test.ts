import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACME_INVOICE_TEXT, ACME_INVOICE_WORKFLOW } from '../fixtures/invoices';
import { main, parseArgs } from './cli';
import { buildTextPdf, startFakeApi, type FakeApi } from './index';
import { an, call, form, jsonBody, startReceiver, v2 } from './test-helpers';

describe('control HTTP API', () => {
	let fake: FakeApi;
	const control = (path: string, init: RequestInit = {}) => call(`${fake.url}/_fake${path}`, init);

	beforeAll(async () => {
		fake = await startFakeApi({ anyformat: { latencyMs: 5000, allowHttpWebhooks: true }, anesya: { latencyMs: 5000 } });
	});
	afterAll(() => fake.close());
	beforeEach(() => fake.reset());

	it('creates anyformat workflows, completes runs, shows state and the log (without control requests)', async () => {
		const created = await control('/anyformat/workflows', jsonBody(ACME_INVOICE_WORKFLOW));
		expect(created.status).toBe(201);
		expect((await control('/anyformat/workflows', jsonBody({ name: 'x' }))).status).toBe(400);
		const run = await v2(fake, `/v2/workflows/${created.json.id}/run/`, { method: 'POST', body: form([['text', ACME_INVOICE_TEXT]]) });
		const completed = await control(`/anyformat/collections/${run.json.id}/complete`, jsonBody({ outcome: 'error' }));
		expect(completed.json).toMatchObject({ id: run.json.id, status: 'error' });
		expect((await control('/anyformat/collections/nope/complete', jsonBody({}))).status).toBe(404);

		const state = await control('/state');
		expect(state.json.urls).toEqual(fake.urls);
		expect(state.json.anyformat.workflows).toHaveLength(1);
		expect(state.json.anyformat.collections[0]).toMatchObject({ id: run.json.id, status: 'error', v1JobId: expect.stringMatching(/^\d+$/) });
		expect(state.json.options.anyformat.apiKeys).toEqual(['af_t…ey']);
		expect(JSON.stringify(state.json)).not.toContain('af_test_key');

		const log = await control('/log');
		expect(log.json.map((e: { route: string }) => e.route)).toEqual(['POST /v2/workflows/{workflow_id}/run/']);
		expect((await control('/log?since=1')).json).toEqual([]);
	});

	it('configures options and faults over HTTP', async () => {
		const configured = await control('/configure', jsonBody({ anyformat: { rateLimits: { general: { limit: 1, windowMs: 60000 } } } }));
		expect(configured.json.anyformat.rateLimits.general).toEqual({ limit: 1, windowMs: 60000 });
		await v2(fake, '/v2/workflows/');
		expect((await v2(fake, '/v2/workflows/')).status).toBe(429);
		await control('/configure', jsonBody({ anyformat: { rateLimits: false } }));
		expect((await control('/configure', jsonBody({ clock: 1 }))).status).toBe(400);

		expect((await control('/faults', jsonBody({ kind: '503', pathRegex: '^/v2/workflows/$', times: null }))).status).toBe(201);
		expect((await v2(fake, '/v2/workflows/')).status).toBe(503);
		expect((await v2(fake, '/v2/workflows/')).status).toBe(503);
		expect((await control('/faults', jsonBody({ kind: 'boom' }))).status).toBe(400);
		expect((await control('/faults', { method: 'DELETE' })).status).toBe(204);
		expect((await v2(fake, '/v2/workflows/')).status).toBe(200);
	});

	it('drives Anesya: schemas, workflows, dashboard webhooks, completion and redelivery', async () => {
		const receiver = await startReceiver();
		try {
			const schema = await control('/anesya/schemas', jsonBody({ name: 'S', schema: { type: 'object', properties: { total: { type: 'number' } } } }));
			const workflow = await control('/anesya/workflows', jsonBody({ name: 'W', schemaId: schema.json.id }));
			expect(workflow.json).toMatchObject({ name: 'W', schemaId: schema.json.id, server: 'EU-1' });
			const hooks = await control('/anesya/webhooks', jsonBody([{ event: 'extract.completed', url: receiver.url }]));
			expect(hooks.json).toEqual([{ id: expect.any(String), event: 'extract.completed', url: receiver.url }]);
			expect((await control('/anesya/webhooks', jsonBody([{ event: 'nope', url: receiver.url }]))).status).toBe(400);

			const upload = await an(fake, `/workflow/${workflow.json.id}/extract/`, {
				method: 'POST',
				body: form([['extracts[0][document]', { data: buildTextPdf('Total: 12.50'), filename: 't.pdf', type: 'application/pdf' }]]),
			});
			const done = await control(`/anesya/extracts/${upload.json[0].id}/complete`, jsonBody({}));
			expect(done.json.body.extracted_data).toEqual({ total: 12.5 });
			await fake.waitFor(() => fake.anesya.deliveries[0]?.state === 'delivered');
			const redelivered = await control(`/anesya/deliveries/${fake.anesya.deliveries[0].id}/redeliver`, { method: 'POST' });
			expect(redelivered.status).toBe(202);
			await fake.waitFor(() => receiver.requests.length === 2);
			expect(receiver.requests[1].body).toBe(receiver.requests[0].body);

			await control('/anesya/credits', jsonBody({ token: 'anesya_test_token', credits: 0 }));
			expect((await an(fake, '/extract/', { method: 'POST', body: form([['document', { data: buildTextPdf('x'), filename: 'x.pdf' }], ['server', 'EU-1']]) })).status).toBe(403);
		} finally {
			await receiver.close();
		}
	});

	it('redelivers anyformat deliveries and resets everything', async () => {
		const receiver = await startReceiver();
		try {
			const wf = fake.anyformat.createWorkflow(ACME_INVOICE_WORKFLOW);
			fake.anyformat.createWebhook(receiver.url, ['extraction.completed']);
			const run = await v2(fake, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form([['text', 'x']]) });
			await control(`/anyformat/collections/${run.json.id}/complete`, { method: 'POST' });
			const delivery = await fake.waitFor(() => fake.anyformat.deliveries.find((d) => d.state === 'delivered'));
			expect((await control(`/anyformat/deliveries/${delivery.id}/redeliver`, { method: 'POST' })).json.messageId).toBe(delivery.messageId);
			await fake.waitFor(() => receiver.requests.length === 2);
			expect(receiver.requests[1].headers['webhook-id']).toBe(receiver.requests[0].headers['webhook-id']);
		} finally {
			await receiver.close();
		}
		expect((await control('/reset', { method: 'POST' })).status).toBe(200);
		const state = await control('/state');
		expect(state.json.anyformat.workflows).toEqual([]);
		expect(state.json.logSize).toBe(0);
		expect((await control('/nothing')).status).toBe(404);
	});
});

describe('cli', () => {
	it('parses arguments', () => {
		expect(parseArgs(['--port', '5790', '--config=cfg.json', '--host', '127.0.0.1'])).toEqual({ port: 5790, config: 'cfg.json', host: '127.0.0.1' });
		expect(() => parseArgs(['--verbose'])).toThrow(/unknown argument/);
		expect(() => parseArgs(['--port', 'x'])).toThrow(/--port/);
	});

	it('starts from a config file, prints one JSON line, serves, and stops', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'fake-api-cli-'));
		const config = join(dir, 'cfg.json');
		writeFileSync(config, JSON.stringify({ anyformat: { apiKeys: ['af_cli'] }, seed: { anyformat: { workflows: [{ id: 'wf-demo', ...ACME_INVOICE_WORKFLOW }] } } }));
		const lines: string[] = [];
		const { fake, stop } = await main(['--port', '0', '--config', config], { stdout: (line) => lines.push(line), handleSignals: false });
		try {
			expect(lines).toHaveLength(1);
			const printed = JSON.parse(lines[0]);
			expect(printed).toEqual({ url: fake.url, urls: { anyformat: fake.url, anesya: `${fake.url}/anesya`, storage: fake.urls.storage }, pid: process.pid });
			const res = await v2(fake, '/v2/workflows/wf-demo/', {}, 'af_cli');
			expect(res.json.name).toBe('Invoice Processing');
			fake.reset();
			expect(fake.anyformat.getWorkflow('wf-demo')).toBeDefined(); // seed data survives reset
		} finally {
			await stop();
		}
		await expect(fetch(`${JSON.parse(lines[0]).url}/health/`)).rejects.toThrow();
	});
});
