/** anyformat error bodies: the v2 envelope and the v1 variants (DRF detail for auth). */
import { jsonResponse, type FakeResponse } from './http';
import { randomHex } from './ids';

const TITLES: Record<string, string> = {
	AUTH_FAILED: 'Authentication failed',
	ACCESS_DENIED: 'Access denied',
	VALIDATION_ERROR: 'Validation failed',
	INVALID_JSON: 'Invalid JSON format',
	NOT_FOUND: 'Resource not found',
	METHOD_NOT_ALLOWED: 'Method not allowed',
	PRECONDITION_FAILED: 'Precondition failed',
	RATE_LIMITED: 'Rate limit exceeded',
	EXTRACTION_FAILED: 'Extraction failed',
	PAYLOAD_TOO_LARGE: 'Payload too large',
	INTERNAL_ERROR: 'Internal server error',
};

const RETRYABLE = new Set(['PRECONDITION_FAILED', 'RATE_LIMITED', 'INTERNAL_ERROR']);

/** v2 envelope: {error, detail, error_code, retryable, request_id}. */
export function v2Error(status: number, code: string, detail: string, headers: Record<string, string> = {}): FakeResponse {
	const requestId = randomHex(16);
	return jsonResponse(
		status,
		{ error: TITLES[code] ?? 'Error', detail, error_code: code, retryable: RETRYABLE.has(code), request_id: requestId },
		{ 'x-request-id': requestId, ...headers },
	);
}

/** v1 documents the older {error, detail, error_code} shape. */
export function v1Error(status: number, code: string, detail: string, headers: Record<string, string> = {}): FakeResponse {
	return jsonResponse(status, { error: TITLES[code] ?? 'Error', detail, error_code: code }, headers);
}

/** v1 auth failures are plain DRF: 403 {"detail": ...}. */
export function v1AuthError(detail: string): FakeResponse {
	return jsonResponse(403, { detail });
}

export const NOT_FOUND_DETAIL = 'The requested resource could not be found.';
