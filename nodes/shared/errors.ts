import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** Replaces every occurrence of a secret (API key, token, webhook secret) with "***". */
export function redact(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 4) out = out.split(secret).join('***');
	}
	return out;
}

/** Deep copy of a JSON-like value with secrets redacted from every string. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
	if (typeof value === 'string') return redact(value, secrets) as T;
	if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
	if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, secrets);
		return out as T;
	}
	return value;
}

/**
 * A request the API refused or that did not complete. Carries what retry and reconciliation logic
 * needs (`status`, `ambiguous`) next to the user-facing message and description.
 */
export class ApiRequestError extends NodeApiError {
	/** HTTP status, when the API answered. */
	readonly status?: number;

	/** Machine-readable code from the API's error body (e.g. EXTRACTION_FAILED), when present. */
	readonly apiCode?: string;

	/** Network error code (ECONNRESET, …), when no answer arrived. */
	readonly networkCode?: string;

	/** True when a non-repeatable request (a submission) may have reached the API despite failing. */
	readonly ambiguous: boolean;

	constructor(
		node: INode,
		details: {
			message: string;
			description?: string;
			status?: number;
			apiCode?: string;
			networkCode?: string;
			ambiguous?: boolean;
			itemIndex?: number;
			response?: IDataObject | JsonObject;
		},
	) {
		super(node, (details.response ?? { message: details.message }) as JsonObject, {
			message: details.message,
			description: details.description,
			// Only HTTP statuses: n8n swaps any message for a generic one when httpCode is a network code.
			httpCode: details.status !== undefined ? String(details.status) : undefined,
			itemIndex: details.itemIndex,
		});
		this.status = details.status;
		this.apiCode = details.apiCode;
		this.networkCode = details.networkCode;
		this.ambiguous = details.ambiguous ?? false;
	}
}

/**
 * A parameter value that cannot work. Names the parameter and the item, says how to fix it, and is
 * raised before any API call is made.
 */
export function invalidInput(
	node: INode,
	itemIndex: number,
	parameter: string,
	problem: string,
	fix: string,
): NodeOperationError {
	return new NodeOperationError(node, `${parameter}: ${problem} [item ${itemIndex}]`, {
		itemIndex,
		description: fix,
	});
}

/** Best-effort readable text for any thrown value. */
export function messageOf(error: unknown): string {
	if (error instanceof Error) return error.message;
	if (typeof error === 'string') return error;
	return 'Unknown error';
}
