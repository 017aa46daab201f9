import { ACME_INVOICE_WORKFLOW } from '../fixtures/invoices';
import { startFakeApi, type FakeApi, type FaultKind } from './index';
import { AF_KEY, an, ANESYA_TOKEN, call, form, v2 } from './test-helpers';

describe('faults, rate limits and the request log', () => {
	let fake: FakeApi;
	let now = 1_700_000_000_000;

	beforeAll(async () => {
		fake = await startFakeApi({ clock: () => now, anyformat: { latencyMs: 0 } });
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.reset();
		fake.clearFaults();
	});

	const runUrl = () => {
		const wf = fake.anyformat.createWorkflow(ACME_INVOICE_WORKFLOW);
		return `/v2/workflows/${wf.id}/run/`;
	};
	const submit = (path: string) => v2(fake, path, { method: 'POST', body: form([['text', 'Invoice #1']]) });

	describe('targeted faults', () => {
		it.each([
			['429', 429],
			['500', 500],
			['503', 503],
		] as Array<[FaultKind, number]>)('%s answers with the JSON envelope before processing (no job)', async (kind, status) => {
			const path = runUrl();
			fake.injectFault({ path: '/v2/workflows/{workflow_id}/run/', kind, retryAfterSeconds: 2 });
			const res = await submit(path);
			expect(res.status).toBe(status);
			expect(res.json).toMatchObject({ retryable: true });
			if (status !== 500) expect(res.headers.get('retry-after')).toBe('2');
			expect(res.headers.get('x-api-version')).toBe('2.0.0');
			expect(fake.anyformat.collections).toHaveLength(0);
			expect(fake.log.at(-1)).toMatchObject({ fault: kind, status, submission: true, route: 'POST /v2/workflows/{workflow_id}/run/' });
			expect(fake.log.at(-1)?.jobIds).toBeUndefined();
			expect((await submit(path)).status).toBe(202); // times defaults to 1
		});

		it.each(['502', '504'] as FaultKind[])('%s answers with a gateway HTML page', async (kind) => {
			const path = runUrl();
			fake.injectFault({ method: 'POST', path: /\/run\/$/, kind });
			const res = await submit(path);
			expect(res.status).toBe(Number(kind));
			expect(res.headers.get('content-type')).toBe('text/html');
			expect(res.text).toContain('<html>');
			expect(fake.anyformat.collections).toHaveLength(0);
		});

		it('reset destroys the socket without an answer and creates nothing', async () => {
			const path = runUrl();
			fake.injectFault({ path, kind: 'reset' });
			await expect(submit(path)).rejects.toThrow();
			expect(fake.anyformat.collections).toHaveLength(0);
			expect(fake.log.at(-1)).toMatchObject({ fault: 'reset', status: 0 });
		});

		it('hang never answers (the client times out) and creates nothing', async () => {
			const path = runUrl();
			fake.injectFault({ path, kind: 'hang' });
			await expect(v2(fake, path, { method: 'POST', body: form([['text', 'x']]), signal: AbortSignal.timeout(150) })).rejects.toThrow();
			expect(fake.anyformat.collections).toHaveLength(0);
			expect(fake.log.at(-1)).toMatchObject({ fault: 'hang', status: 0 });
			expect(fake.log.at(-1)?.endAt).toBeUndefined();
		});

		it('slow processes normally and answers late', async () => {
			const path = runUrl();
			fake.injectFault({ path, kind: 'slow', slowMs: 120 });
			const started = Date.now();
			const res = await submit(path);
			expect(Date.now() - started).toBeGreaterThanOrEqual(110);
			expect(res.status).toBe(202);
			expect(fake.anyformat.collections).toHaveLength(1);
			expect(fake.log.at(-1)).toMatchObject({ fault: 'slow', status: 202 });
		});

		it('malformed processes normally and answers 200 with truncated JSON', async () => {
			const path = runUrl();
			fake.injectFault({ path, kind: 'malformed' });
			const res = await submit(path);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('application/json');
			expect(res.json).toBeUndefined();
			expect(() => JSON.parse(res.text)).toThrow();
			expect(fake.anyformat.collections).toHaveLength(1);
		});

		it.each(['acted-reset', 'acted-truncated'] as FaultKind[])('%s stores and starts the submission, then the answer is lost in transit', async (kind) => {
			const path = runUrl();
			fake.injectFault({ path, kind });
			await expect(submit(path)).rejects.toThrow();
			expect(fake.anyformat.collections).toHaveLength(1);
			expect(fake.anyformat.collections[0].submittedAt).not.toBeNull();
			expect(fake.log.at(-1)).toMatchObject({ fault: kind, actedStatus: 202, submission: true });
			expect(fake.log.at(-1)?.jobIds).toEqual([fake.anyformat.collections[0].id, expect.any(String)]);
		});

		it.each(['acted-502', 'acted-504'] as FaultKind[])('%s stores the submission, then a gateway answers instead', async (kind) => {
			const path = runUrl();
			fake.injectFault({ path, kind });
			const res = await submit(path);
			expect(res.status).toBe(Number(kind.slice(-3)));
			expect(res.text).toContain('<html>');
			expect(fake.anyformat.collections).toHaveLength(1);
			expect(fake.log.at(-1)).toMatchObject({ fault: kind, actedStatus: 202, status: Number(kind.slice(-3)) });
		});

		it('lists runs and files oldest first when told to (anyformat documents no order)', async () => {
			const path = runUrl();
			const first = (await submit(path)).json.id as string;
			now += 1000;
			const second = (await submit(path)).json.id as string;
			const runs = path.replace(/run\/$/, 'runs/');
			expect(((await v2(fake, runs)).json.results as Array<{ id: string }>).map((r) => r.id)).toEqual([second, first]);
			fake.configure({ anyformat: { listOrder: 'oldest-first' } });
			expect(((await v2(fake, runs)).json.results as Array<{ id: string }>).map((r) => r.id)).toEqual([first, second]);
			expect(((await v2(fake, path.replace(/run\/$/, 'files/'))).json.results as Array<{ id: string }>).map((r) => r.id)).toEqual([first, second]);
			fake.configure({ anyformat: { listOrder: 'newest-first' } });
		});

		it('matches Anesya paths and repeats a rule `times` times', async () => {
			fake.injectFault({ path: '/anesya/schema/', kind: '503', times: 2 });
			expect((await an(fake, '/schema/')).json).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
			expect((await an(fake, '/schema/')).status).toBe(503);
			expect((await an(fake, '/schema/')).status).toBe(200);
			fake.injectFault({ path: '/anesya/schema/', kind: '429', retryAfterSeconds: 3 });
			const throttled = await an(fake, '/schema/');
			expect(throttled.json.detail).toMatch(/throttled/);
			expect(throttled.headers.get('retry-after')).toBe('3');
		});

		it('never applies to control routes', async () => {
			fake.configure({ faults: { rate: 1, kinds: ['500'] } });
			expect((await call(`${fake.url}/_fake/state`)).status).toBe(200);
			expect((await v2(fake, '/v2/workflows/')).status).toBe(500);
		});
	});

	describe('seeded random faults', () => {
		const sequence = async (seed: number) => {
			const other = await startFakeApi({ faults: { rate: 0.5, kinds: ['500', '503', 'malformed'], seed } });
			try {
				const out: string[] = [];
				for (let i = 0; i < 24; i++) {
					const res = await v2(other, '/v2/workflows/');
					out.push(`${res.status}:${other.log.at(-1)?.fault ?? '-'}`);
				}
				return out;
			} finally {
				await other.close();
			}
		};

		it('gives the same faults for the same seed and request order', async () => {
			const a = await sequence(42);
			expect(await sequence(42)).toEqual(a);
			expect(a.filter((s) => s !== '200:-').length).toBeGreaterThan(3);
			expect(a.filter((s) => s === '200:-').length).toBeGreaterThan(3);
			expect(await sequence(7)).not.toEqual(a);
		});

		it('restricts random faults with a match function', async () => {
			fake.configure({ faults: { rate: 1, kinds: ['503'], match: (req) => req.vendor === 'anesya' } });
			expect((await v2(fake, '/v2/workflows/')).status).toBe(200);
			expect((await an(fake, '/schema/')).status).toBe(503);
		});
	});

	describe('anyformat rate limits', () => {
		it('applies the submission tier per key and answers 429 RATE_LIMITED with Retry-After until the window resets', async () => {
			fake.configure({ anyformat: { rateLimits: { submission: { limit: 2, windowMs: 350 } } } });
			const path = runUrl();
			const first = await submit(path);
			expect(first.headers.get('x-ratelimit-limit')).toBe('2');
			expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
			expect(first.headers.get('x-ratelimit-reset')).toBe('0.35');
			await submit(path);
			now += 100;
			const limited = await submit(path);
			expect(limited.status).toBe(429);
			expect(limited.json).toMatchObject({ error_code: 'RATE_LIMITED', retryable: true });
			expect(limited.headers.get('retry-after')).toBe('0.25');
			expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
			expect(fake.anyformat.collections).toHaveLength(2);
			// The general tier is counted separately.
			const general = await v2(fake, '/v2/workflows/');
			expect(general.status).toBe(200);
			expect(general.headers.get('x-ratelimit-limit')).toBe('600');
			now += 250;
			expect((await submit(path)).status).toBe(202);
			fake.configure({ anyformat: { rateLimits: { submission: { limit: 60, windowMs: 60_000 } } } });
		});

		it('can be switched off', async () => {
			fake.configure({ anyformat: { rateLimits: false } });
			const res = await v2(fake, '/v2/workflows/');
			expect(res.headers.get('x-ratelimit-limit')).toBeNull();
			fake.configure({ anyformat: { rateLimits: {} } });
			expect((await v2(fake, '/v2/workflows/')).headers.get('x-ratelimit-limit')).toBe('600');
		});

		it('limits Anesya only when configured', async () => {
			fake.configure({ anesya: { rateLimits: { general: { limit: 1, windowMs: 1000 } } } });
			expect((await an(fake, '/schema/')).status).toBe(200);
			const limited = await an(fake, '/schema/');
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('1');
			fake.configure({ anesya: { rateLimits: false } });
		});
	});

	describe('request log', () => {
		it('records every request in order with route, auth scheme, submission flag and job ids, never the key', async () => {
			const path = runUrl();
			const run = await submit(path);
			await v2(fake, `${path.replace('run/', 'files/')}${run.json.id}/results/`);
			await v2(fake, '/v2/workflows/', {}, 'wrong-key');
			await call(`${fake.url}/health/`, { headers: { 'user-agent': 'n8n-test' } });
			await an(fake, '/schema/');
			await call(`${fake.url}/_fake/state`);
			expect(fake.log.map((e) => [e.seq, e.vendor, e.route, e.status, e.submission])).toEqual([
				[1, 'anyformat-v2', 'POST /v2/workflows/{workflow_id}/run/', 202, true],
				[2, 'anyformat-v2', 'GET /v2/workflows/{workflow_id}/files/{collection_id}/results/', 200, false],
				[3, 'anyformat-v2', 'GET /v2/workflows/', 401, false],
				[4, 'public', 'GET /health/', 200, false],
				[5, 'anesya', 'GET /anesya/schema/', 200, false],
			]);
			const [runEntry, resultsEntry, badEntry, healthEntry] = fake.log;
			expect(runEntry.jobIds?.[0]).toBe(run.json.id);
			expect(runEntry.bodyBytes).toBeGreaterThan(0);
			expect(runEntry.endAt).toBeGreaterThanOrEqual(runEntry.at);
			expect(resultsEntry.jobIds).toEqual([run.json.id]);
			expect(badEntry.auth).toEqual({ scheme: 'bearer', valid: false });
			expect(healthEntry).toMatchObject({ auth: { scheme: 'none', valid: false }, userAgent: 'n8n-test' });
			const serialised = JSON.stringify(fake.log);
			expect(serialised).not.toContain(AF_KEY);
			expect(serialised).not.toContain('wrong-key');
			expect(serialised).not.toContain(ANESYA_TOKEN);
		});

		it('emits request events and supports waitFor with a clear timeout message', async () => {
			const seen: number[] = [];
			fake.on('request', (e: { status: number }) => seen.push(e.status));
			await v2(fake, '/v2/workflows/');
			fake.removeAllListeners('request');
			expect(seen).toEqual([200]);
			await expect(fake.waitFor(() => fake.log.length > 5, { timeoutMs: 50 })).rejects.toThrow(/waitFor timed out after 50 ms.*fake\.log\.length > 5/);
			fake.clearLog();
			expect(fake.log).toHaveLength(0);
		});
	});
});
