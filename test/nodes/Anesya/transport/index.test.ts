import type { ApiFailure } from '../../../../nodes/shared/failures';
import { anesyaApi, renderDrfErrors } from '../../../../nodes/Anesya/transport';

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
