import { describeCommonFailure, networkCodeOf, networkProblem, type ApiFailure } from '../../../nodes/shared/failures';

const api = { name: 'acme', defaultBaseUrl: 'https://api.acme.test' };
const wording = { whereToCheck: 'the acme dashboard', rateLimitHelp: 'Slow down.' };
const failure = (details: Partial<ApiFailure>): ApiFailure => ({ method: 'POST', path: '/run/', ambiguous: false, attempts: 1, ...details });

describe('networkProblem', () => {
	it('words network codes without repeating them (n8n hides messages that contain one)', () => {
		expect(networkProblem('ECONNRESET')).toBe('closed the connection before answering');
		expect(networkProblem('ETIMEDOUT')).toBe('did not answer in time');
		expect(networkProblem('ECONNREFUSED')).toBe('refused the connection');
		expect(networkProblem(undefined)).toBe('could not be reached');
	});
});

describe('networkCodeOf', () => {
	it('reads the code from the error, its cause, or the axios message', () => {
		expect(networkCodeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
		expect(networkCodeOf({ cause: { code: 'EPIPE' } })).toBe('EPIPE');
		expect(networkCodeOf(new Error('timeout of 300ms exceeded'))).toBe('ETIMEDOUT');
		expect(networkCodeOf(new Error('socket hang up'))).toBe('ECONNRESET');
		expect(networkCodeOf(new Error('bad request'))).toBeUndefined();
	});
});

describe('describeCommonFailure', () => {
	it('says a submission that may have landed was not sent again, with the network code in the description', () => {
		const words = describeCommonFailure(api, failure({ networkCode: 'ECONNRESET', ambiguous: true }), wording);
		expect(words.message).toBe('acme closed the connection before answering (POST /run/)');
		expect(words.message).not.toContain('ECONNRESET');
		expect(words.description).toMatch(/not charged twice; check the acme dashboard .*\(network error ECONNRESET\)$/);
	});

	it('points a read that never got an answer at the Base URL and network', () => {
		expect(describeCommonFailure(api, failure({ method: 'GET', networkCode: 'ENOTFOUND' }), wording).description).toMatch(/Base URL/);
	});

	it('words unreadable answers, lasting 429s, redirects and server errors', () => {
		expect(describeCommonFailure(api, failure({ status: 200, malformed: true }), wording).message).toBe(
			'acme answered POST /run/ with a response that is not valid JSON',
		);
		const limited = describeCommonFailure(api, failure({ status: 429 }), wording, 'slow down');
		expect(limited).toEqual({ message: 'acme rate limit reached and still exceeded after waiting: slow down', description: 'Slow down.' });
		expect(describeCommonFailure(api, failure({ status: 301 }), wording).description).toContain('https://api.acme.test');
		const server = describeCommonFailure(api, failure({ status: 502, ambiguous: true }), wording);
		expect(server.message).toBe('acme failed with 502');
		expect(server.description).toMatch(/not charged twice/);
	});
});
