import type { IHttpRequestMethods } from 'n8n-workflow';

/** What went wrong with one request, as the vendor's error mapper sees it. */
export interface ApiFailure {
	method: IHttpRequestMethods;
	path: string;
	/** HTTP status, when the API answered. */
	status?: number;
	/** Parsed (or text) error body, secrets already redacted. */
	body?: unknown;
	/** Network error code when nothing came back (ECONNRESET, ETIMEDOUT, …). */
	networkCode?: string;
	/** The request was a non-repeatable submission that may have reached the API. */
	ambiguous: boolean;
	/** The API answered 2xx but not with the JSON we asked for. */
	malformed?: boolean;
	attempts: number;
}

/** A failure in words: what happened (message), how to fix it (description), the API's own code. */
export interface FailureWords {
	message: string;
	description?: string;
	apiCode?: string;
}

/** The parts of a failure's wording that differ between vendors. */
export interface FailureWording {
	/** Where to look whether a submission that may have landed did, e.g. "the workflow runs in anyformat". */
	whereToCheck: string;
	/** How to avoid a 429 that outlasted every retry. */
	rateLimitHelp: string;
}

/**
 * A network failure in words. Messages must not contain the raw code (ECONNRESET, …): n8n replaces
 * such messages with a generic text, so callers put the code in the description instead.
 */
export function networkProblem(code: string | undefined): string {
	switch (code) {
		case 'ECONNRESET':
		case 'EPIPE':
			return 'closed the connection before answering';
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
			return 'did not answer in time';
		case 'ECONNREFUSED':
			return 'refused the connection';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'could not be found (DNS lookup failed)';
		default:
			return 'could not be reached';
	}
}

/** The network code (ECONNRESET, …) of a failed request, from the error or its message. */
export function networkCodeOf(error: unknown): string | undefined {
	const e = error as { code?: unknown; cause?: { code?: unknown }; httpCode?: unknown };
	for (const candidate of [e?.cause?.code, e?.code, e?.httpCode]) {
		if (typeof candidate === 'string' && /^E[A-Z_]+$/.test(candidate)) return candidate;
	}
	const message = error instanceof Error ? error.message : '';
	if (/timeout of \d+ms exceeded/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return undefined;
}

/**
 * Words for the failures every API has alike: an unreadable answer, no answer, a lasting 429, a
 * redirect, a server error or any status the vendor does not word itself. `said` is what the
 * API's error body says, if anything.
 */
export function describeCommonFailure(
	api: { name: string; defaultBaseUrl: string },
	failure: ApiFailure,
	wording: FailureWording,
	said?: string,
): { message: string; description: string } {
	const { name } = api;
	const { status, networkCode, ambiguous, method, path } = failure;
	const mayHaveLanded = `The document may have been accepted by ${name} before the failure. It was not sent again, so you are not charged twice; check ${wording.whereToCheck} before running this item again.`;
	const saying = said ? `: ${said}` : '';
	if (failure.malformed) {
		return {
			message: `${name} answered ${method} ${path} with a response that is not valid JSON`,
			description: ambiguous ? mayHaveLanded : `Try again later; if it persists, ${name} may be having trouble.`,
		};
	}
	if (status === undefined) {
		// The raw code goes in the description: n8n replaces messages that contain one.
		const fix = ambiguous ? mayHaveLanded : `Check the Base URL in the ${name} credential and the network connection of this n8n instance.`;
		return { message: `${name} ${networkProblem(networkCode)} (${method} ${path})`, description: `${fix} (network error ${networkCode})` };
	}
	if (status === 429) {
		return { message: `${name} rate limit reached and still exceeded after waiting${saying}`, description: wording.rateLimitHelp };
	}
	if (status >= 300 && status < 400) {
		return {
			message: `${name} redirected ${method} ${path} (${status})`,
			description: `Check the Base URL in the ${name} credential (use ${api.defaultBaseUrl}, no path).`,
		};
	}
	return {
		message: `${name} failed with ${status}${saying}`,
		description: ambiguous ? mayHaveLanded : `${name} had a temporary problem. Try again later.`,
	};
}
