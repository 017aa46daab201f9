import type { INodeParameters } from 'n8n-workflow';

import type { ApiFailure } from '../../../../nodes/shared/failures';
import { AnesyaV2 } from '../../../../nodes/Anesya/v2/AnesyaV2.node';
import { runNode } from '../../../helpers/n8n-harness';
import { json, startScriptedServer, type Handler } from '../../../helpers/scripted-server';
import { anesyaApi, anesyaV0Api, generationOf, renderDrfErrors } from '../../../../nodes/Anesya/transport';

const failure = (details: Partial<ApiFailure>): ApiFailure => ({ method: 'POST', path: '/extract/', ambiguous: false, attempts: 1, ...details });
const describe_ = (details: Partial<ApiFailure>) => anesyaApi.describeFailure(failure(details));

describe('renderDrfErrors', () => {
	it('renders DRF field errors, nested list errors and non-field errors readably', () => {
		expect(
			renderDrfErrors({
				server: ['"US-1" is not a valid choice.'],
				extracts: [{}, { document: ['File extension “docx” is not allowed.'] }],
				non_field_errors: ['Invalid data.'],
				pdf_page_end: ['Must be greater than or equal to pdf_page_start.'],
			}),
		).toEqual([
			'server: "US-1" is not a valid choice.',
			'extracts[1].document: File extension “docx” is not allowed.',
			'Invalid data.',
			'pdf_page_end: Must be greater than or equal to pdf_page_start.',
		]);
		expect(renderDrfErrors({ detail: 'JSON parse error' })).toEqual(['JSON parse error']);
		expect(renderDrfErrors(null)).toEqual([]);
	});
});

describe('Anesya failure messages', () => {
	it('401: why the token was refused, lifetimes, and where to create a new one', () => {
		const words = describe_({
			status: 401,
			body: { detail: 'Given token not valid for any token type', code: 'token_not_valid', messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is expired' }] },
		});
		expect(words.message).toBe('Anesya rejected the API token (401): Given token not valid for any token type: Token is expired');
		expect(words.description).toMatch(/invalid, has expired or was deleted/);
		expect(words.description).toMatch(/\(1, 3 or 6 months, or unlimited\)/);
		expect(words.description).toMatch(/My Account → API/);
		expect(words.apiCode).toBe('token_not_valid');
	});

	it('403 is insufficient credits, not retried', () => {
		const words = describe_({ status: 403, body: { detail: 'Insufficient credits.' } });
		expect(words.message).toBe('Anesya refused the request: insufficient credits (403): Insufficient credits.');
		expect(words.description).toMatch(/not retried/);
	});

	it('404 carries the API detail; 400 the field errors; a binary request’s error bytes are decoded', () => {
		expect(describe_({ method: 'GET', path: '/extract/x/', status: 404, body: { detail: 'No Extract matches the given query.' } }).message).toBe(
			'Anesya has no such resource: GET /extract/x/ (No Extract matches the given query.)',
		);
		expect(describe_({ status: 400, body: { document: ['This field is required.'], server: ['This field is required.'] } }).message).toBe(
			'Anesya refused the request: document: This field is required.; server: This field is required.',
		);
		expect(describe_({ status: 400, body: Buffer.from('{"detail":"The extraction failed; there is nothing to download."}') }).message).toBe(
			'Anesya refused the request: The extraction failed; there is nothing to download.',
		);
	});

	it('an upload that may have landed says it was not resent; a read that failed says to check the connection', () => {
		const landed = describe_({ networkCode: 'ECONNRESET', ambiguous: true });
		expect(landed.message).toBe('Anesya closed the connection before answering (POST /extract/)');
		expect(landed.description).toMatch(/not sent again, so you are not charged twice.*\(network error ECONNRESET\)$/);
		const timeout = describe_({ method: 'GET', networkCode: 'ETIMEDOUT' });
		expect(timeout.message).toBe('Anesya did not answer in time (GET /extract/)');
		expect(timeout.description).toMatch(/Base URL/);
		expect(describe_({ status: 502, body: '<html>Bad Gateway</html>', ambiguous: true }).description).toMatch(/not charged twice/);
		expect(describe_({ status: 200, malformed: true, ambiguous: true }).message).toMatch(/not valid JSON/);
	});

	it('429 and redirects', () => {
		expect(describe_({ status: 429, body: { detail: 'Request was throttled. Expected available in 3 seconds.' } }).message).toBe(
			'Anesya rate limit reached and still exceeded after waiting: Request was throttled. Expected available in 3 seconds.',
		);
		expect(describe_({ status: 301 }).description).toMatch(/Base URL/);
	});
});

describe('API generations', () => {
	it('a credential without API Generation is 0.8.1; each generation refuses the other\'s credential', () => {
		expect(generationOf({ apiToken: 't' })).toBe('legacy');
		expect(generationOf({ apiToken: 't', apiGeneration: 'v0' })).toBe('v0');
		expect(anesyaApi.refuseCredentials!({ apiToken: 't' })).toBeUndefined();
		expect(anesyaApi.refuseCredentials!({ apiToken: 't', apiGeneration: 'v0' })?.apiCode).toBe('WRONG_API_GENERATION');
		expect(anesyaV0Api.refuseCredentials!({ apiToken: 't', apiGeneration: 'v0' })).toBeUndefined();
		expect(anesyaV0Api.refuseCredentials!({ apiToken: 't' })?.message).toBe('The Anesya credential is set to API Generation 0.8.1, but this node uses the v0 API');
		expect(anesyaApi.trailingSlash).toBeUndefined(); // 0.8.1: slashes added
		expect(anesyaV0Api.trailingSlash).toBe(false);
	});
});

describe('Anesya v0 failure messages', () => {
	const v0 = (details: Partial<ApiFailure>) => anesyaV0Api.describeFailure(failure({ method: 'GET', path: '/v0/documents', ...details }));

	it('401: the key, the header, the generation — not 0.8.1 token lifetimes', () => {
		const words = v0({ status: 401, body: { detail: 'Invalid API key' } });
		expect(words.message).toBe('Anesya rejected the API key (401): Invalid API key');
		expect(words.description).toMatch(/X-API-Key/);
		expect(words.description).not.toMatch(/months/);
	});

	it('404 on an inferred path names the path as inferred, and says whether Anesya answered as for a missing resource or a missing URL', () => {
		const missing = v0({ path: '/v0/extract/9f0c', status: 404, body: { detail: 'Extract not found.' } });
		expect(missing.message).toBe('Anesya answered 404 for GET /v0/extract/9f0c: Extract not found.');
		expect(missing.description).toMatch(/GET \/v0\/extract\/\{id\}, which is inferred: the docs show a "Poll extract" step but not its URL/);
		const noRoute = v0({ path: '/v0/documents/9f0c', status: 404, body: '<!doctype html><h1>Not Found</h1>' });
		expect(noRoute.message).toBe('Anesya answered 404 for GET /v0/documents/9f0c (no JSON answer, as for a URL that does not exist)');
		expect(noRoute.description).toMatch(/GET \/v0\/documents\/\{id\}, which is inferred/);
		// A documented path gets no such note.
		expect(v0({ path: '/v0/documents/9f0c/download', status: 404, body: { detail: 'Document not found.' } }).description).not.toMatch(/inferred/);
	});

	it('405 on an inferred path, 400 on the inferred extract fields, credits', () => {
		expect(v0({ path: '/v0/parsing/1', status: 405, body: { detail: 'Method "GET" not allowed.' } }).description).toMatch(/GET \/v0\/parsing\/\{id\}, which is inferred/);
		const fields = v0({ method: 'POST', path: '/v0/extract', status: 400, body: { parsing: ['Unknown field.'] } });
		expect(fields.message).toBe('Anesya refused the request: parsing: Unknown field.');
		expect(fields.description).toMatch(/"document" \| "parsing"\}, which is inferred/);
		expect(v0({ method: 'POST', path: '/v0/parsing', status: 402, body: { detail: 'Not enough credits' } }).message).toBe('Anesya refused the request: insufficient credits (402): Not enough credits');
		expect(v0({ method: 'POST', path: '/v0/parsing', status: 403, body: { detail: 'Forbidden' } }).message).toBe('Anesya refused POST /v0/parsing (403): Forbidden');
	});

	it('a create that may have landed says it was not sent again', () => {
		const words = v0({ method: 'POST', path: '/v0/parsing', networkCode: 'ECONNRESET', ambiguous: true });
		expect(words.message).toBe('Anesya closed the connection before answering (POST /v0/parsing)');
		expect(words.description).toMatch(/not charged twice; check the Anesya dashboard/);
	});
});

describe('v0 answers that differ from what the docs suggest (a scripted server stands in for Anesya)', () => {
	let server: Awaited<ReturnType<typeof startScriptedServer>>;
	let script: Handler = (_req, res) => json(res, 200, {});
	beforeAll(async () => {
		server = await startScriptedServer((req, res, socket) => script(req, res, socket));
	});
	afterAll(async () => await server.close());
	beforeEach(() => server.requests.splice(0));

	const runV2 = (parameters: INodeParameters, items = [{ json: {} }]) =>
		runNode({
			nodeType: new AnesyaV2(),
			parameters,
			credentials: { anesyaApi: { apiGeneration: 'v0', apiToken: 'k-1234567890', baseUrl: server.url } },
			items,
		});

	it('a list in neither known shape fails saying what was expected and what came back', async () => {
		script = (_req, res) => json(res, 200, { documents: [] });
		const { error } = await runV2({ resource: 'document', operation: 'getAll', returnAll: true });
		expect(error?.message).toBe('Anesya answered GET /v0/documents with an object with the keys documents; expected a list, or a page {count, next, results}');
		expect(error?.description).toMatch(/partly inferred/);
	});

	it('a create whose answer names no ID fails without sending it again', async () => {
		script = (_req, res) => json(res, 201, { status: 'IN_QUEUE' });
		const { error } = await runV2({ resource: 'parsing', operation: 'create', input: 'url', url: 'https://files.example/a.pdf' });
		expect(error?.message).toBe('Anesya accepted "https://files.example/a.pdf" but its answer names no parsing ID (expected an "id" in the created parsing or in each entry of the list)');
		expect(server.requests).toHaveLength(1);
	});

	it('a status this node does not know keeps it waiting; the timeout says which status it saw', async () => {
		script = (req, res) => json(res, req.method === 'POST' ? 201 : 200, { id: '6f1c0c8e-3c55-4c3e-9a55-1f8f5b1e0a11', status: 'QUEUED_FOR_OCR' });
		const { error } = await runV2({ resource: 'parsing', operation: 'create', input: 'url', url: 'https://files.example/a.pdf', timeout: 1.5 });
		expect(error?.message).toBe('"https://files.example/a.pdf" is still processing after 2 s (parsing 6f1c0c8e-3c55-4c3e-9a55-1f8f5b1e0a11, status QUEUED_FOR_OCR)');
		expect(server.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(0);
	});
});
