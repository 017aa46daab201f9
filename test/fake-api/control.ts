/**
 * Control API under /_fake (no auth, never logged, never faulted), so tests in another process (real n8n e2e,
 * the benchmark, the demo sandbox) can drive the fake. JSON in, JSON out; errors are {"error": message}.
 */
import { WorkflowValidationError } from './anyformat-fields';
import { UnknownResourceError } from './errors';
import { emptyResponse, jsonResponse, parseJsonBody, Router, type FakeResponse, type RequestInfo } from './http';
import { maskSecret } from './ids';
import type { FakeApiServer } from './server';
import { FAULT_KINDS, type AnesyaOutcome, type AnyformatOutcome, type FakeApiOptions, type FaultKind, type FaultRule } from './types';

type Handler = (api: FakeApiServer, body: unknown, params: Record<string, string>, req: RequestInfo) => FakeResponse;

class ControlError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const router = new Router<Handler, null>()
	.add('GET', '/_fake/state', (api) => jsonResponse(200, stateOf(api)), null)
	.add('GET', '/_fake/log', (api, _b, _p, req) => {
		const since = Number(req.query.get('since') ?? 0);
		return jsonResponse(200, api.log.filter((e) => e.seq > since));
	}, null)
	.add('POST', '/_fake/reset', (api) => {
		api.reset();
		return jsonResponse(200, { ok: true });
	}, null)
	.add('POST', '/_fake/configure', (api, body) => {
		api.configure(parseOptions(body));
		return jsonResponse(200, serialisableOptions(api));
	}, null)
	.add('POST', '/_fake/faults', (api, body) => {
		api.injectFault(parseRule(body));
		return jsonResponse(201, api.faultState);
	}, null)
	.add('DELETE', '/_fake/faults', (api) => {
		api.clearFaults();
		return emptyResponse(204);
	}, null)
	.add('POST', '/_fake/tick', (api) => {
		api.tick();
		return jsonResponse(200, { ok: true });
	}, null)
	.add('POST', '/_fake/anyformat/workflows', (api, body) => {
		try {
			return jsonResponse(201, api.anyformat.createWorkflow(object(body) as never));
		} catch (error) {
			if (error instanceof WorkflowValidationError) throw new ControlError(400, error.detail);
			throw error;
		}
	}, null)
	.add('POST', '/_fake/anyformat/collections/{id}/complete', (api, body, p) => {
		const outcome = optionalString(body, 'outcome') as AnyformatOutcome | undefined;
		if (outcome && !['processed', 'error', 'cancelled'].includes(outcome)) throw new ControlError(400, 'outcome must be processed, error or cancelled');
		return jsonResponse(200, api.anyformat.completeNow(p.id, outcome));
	}, null)
	.add('POST', '/_fake/anyformat/collections/{id}/override', (api, body, p) => {
		const field = optionalString(body, 'field');
		if (!field) throw new ControlError(400, 'field is required');
		api.anyformat.setValueOverride(p.id, field, (object(body) as Record<string, unknown>).value);
		return jsonResponse(200, { ok: true });
	}, null)
	.add('POST', '/_fake/anyformat/deliveries/{id}/redeliver', (api, _b, p) => jsonResponse(202, api.anyformat.redeliver(p.id)), null)
	.add('POST', '/_fake/anesya/workflows', (api, body) => jsonResponse(201, api.anesya.createWorkflow(object(body) as never)), null)
	.add('POST', '/_fake/anesya/schemas', (api, body) => jsonResponse(201, api.anesya.createSchema(object(body) as never)), null)
	.add('POST', '/_fake/anesya/webhooks', (api, body) => {
		const list = Array.isArray(body) ? body : (object(body) as { webhooks?: unknown }).webhooks;
		if (!Array.isArray(list)) throw new ControlError(400, 'expected [{event, url}] or {"webhooks": [{event, url}]}');
		return jsonResponse(200, api.anesya.setDashboardWebhooks(list as never));
	}, null)
	.add('POST', '/_fake/anesya/extracts/{id}/complete', (api, body, p) => {
		const outcome = optionalString(body, 'outcome') as AnesyaOutcome | undefined;
		if (outcome && !['FINISHED', 'ERROR'].includes(outcome)) throw new ControlError(400, 'outcome must be FINISHED or ERROR');
		return jsonResponse(200, api.anesya.completeNow(p.id, outcome));
	}, null)
	.add('POST', '/_fake/anesya/credits', (api, body) => {
		const { token, credits } = object(body) as { token?: unknown; credits?: unknown };
		if (typeof token !== 'string' || typeof credits !== 'number') throw new ControlError(400, 'expected {"token": string, "credits": number}');
		api.anesya.setCredits(token, credits);
		return jsonResponse(200, { ok: true });
	}, null)
	.add('POST', '/_fake/anesya/deliveries/{id}/redeliver', (api, _b, p) => jsonResponse(202, api.anesya.redeliver(p.id)), null)
	.add('POST', '/_fake/anesya/v0/webhooks', (api, body) => {
		const list = Array.isArray(body) ? body : (object(body) as { webhooks?: unknown }).webhooks;
		if (!Array.isArray(list)) throw new ControlError(400, 'expected [{event, url}] or {"webhooks": [{event, url}]}');
		return jsonResponse(200, api.anesyaV0.setWebhooks(list as never));
	}, null)
	.add('POST', '/_fake/anesya/v0/urls', (api, body) => {
		const { url, text, base64, fileName, contentType } = object(body) as Record<string, unknown>;
		if (typeof url !== 'string' || typeof fileName !== 'string' || (typeof text !== 'string' && typeof base64 !== 'string')) {
			throw new ControlError(400, 'expected {"url", "fileName", "text" or "base64", "contentType"?}');
		}
		const data = typeof base64 === 'string' ? Buffer.from(base64, 'base64') : (text as string);
		api.anesyaV0.serveUrl(url, { data, fileName, contentType: typeof contentType === 'string' ? contentType : undefined });
		return jsonResponse(200, { ok: true });
	}, null)
	.add('POST', '/_fake/anesya/v0/jobs/{id}/complete', (api, body, p) => {
		const outcome = optionalString(body, 'outcome');
		if (outcome && !['FINISHED', 'PARTIAL_FINISHED', 'ERROR'].includes(outcome)) throw new ControlError(400, 'outcome must be FINISHED, PARTIAL_FINISHED or ERROR');
		return jsonResponse(200, api.anesyaV0.completeNow(p.id, outcome as never));
	}, null)
	.add('POST', '/_fake/anesya/v0/deliveries/{id}/redeliver', (api, _b, p) => jsonResponse(202, api.anesyaV0.redeliver(p.id)), null);

export function handleControl(api: FakeApiServer, req: RequestInfo): FakeResponse {
	const path = req.path.endsWith('/') ? req.path.slice(0, -1) : req.path;
	const match = router.match(req.method, path);
	if (match.kind === 'none') return jsonResponse(404, { error: `no control route ${req.method} ${req.path}` });
	if (match.kind === 'method-not-allowed') return jsonResponse(405, { error: `use ${match.allowed.join(' or ')} for ${req.path}` });
	let body: unknown;
	try {
		body = parseJsonBody(req.body);
	} catch {
		return jsonResponse(400, { error: 'body is not valid JSON' });
	}
	try {
		return match.route.handler(api, body, match.params, req);
	} catch (error) {
		if (error instanceof ControlError) return jsonResponse(error.status, { error: error.message });
		const message = error instanceof Error ? error.message : String(error);
		return jsonResponse(error instanceof UnknownResourceError ? 404 : 400, { error: message });
	}
}

function object(body: unknown): object {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ControlError(400, 'expected a JSON object body');
	return body;
}

function optionalString(body: unknown, key: string): string | undefined {
	if (body === undefined) return undefined;
	const value = (object(body) as Record<string, unknown>)[key];
	return typeof value === 'string' ? value : undefined;
}

function parseOptions(body: unknown): Partial<FakeApiOptions> {
	const options = object(body) as Partial<FakeApiOptions>;
	for (const key of ['extractor', 'clock'] as const) {
		if (key in options) throw new ControlError(400, `${key} cannot be set over HTTP (functions are not serialisable)`);
	}
	if (options.faults?.kinds) validateKinds(options.faults.kinds);
	return options;
}

/** JSON rule; a regular expression path is given as {"pathRegex": "..."}; "times": null means until cleared. */
function parseRule(body: unknown): FaultRule {
	const raw = object(body) as Record<string, unknown>;
	if (typeof raw.kind !== 'string') throw new ControlError(400, 'kind is required');
	validateKinds([raw.kind]);
	const rule: FaultRule = { kind: raw.kind as FaultKind };
	if (typeof raw.method === 'string') rule.method = raw.method;
	if (typeof raw.path === 'string') rule.path = raw.path;
	if (typeof raw.pathRegex === 'string') rule.path = new RegExp(raw.pathRegex);
	if (raw.times === null) rule.times = Infinity;
	else if (typeof raw.times === 'number') rule.times = raw.times;
	if (typeof raw.retryAfterSeconds === 'number') rule.retryAfterSeconds = raw.retryAfterSeconds;
	if (typeof raw.slowMs === 'number') rule.slowMs = raw.slowMs;
	return rule;
}

function validateKinds(kinds: unknown[]): void {
	for (const kind of kinds) {
		if (!FAULT_KINDS.includes(kind as FaultKind)) throw new ControlError(400, `unknown fault kind "${String(kind)}" (known: ${FAULT_KINDS.join(', ')})`);
	}
}

/** Options without functions or raw keys. */
function serialisableOptions(api: FakeApiServer): Record<string, unknown> {
	const o = api.options;
	return {
		anyformat: { ...o.anyformat, apiKeys: o.anyformat.apiKeys.map(maskSecret), latencyMs: typeof o.anyformat.latencyMs === 'function' ? 'function' : o.anyformat.latencyMs },
		anesya: {
			...o.anesya,
			tokens: o.anesya.tokens.map(maskSecret),
			apiKeys: o.anesya.apiKeys.map(maskSecret),
			expiredTokens: o.anesya.expiredTokens.map(maskSecret),
			latencyMs: typeof o.anesya.latencyMs === 'function' ? 'function' : o.anesya.latencyMs,
		},
		faults: api.faultState.options,
		extractor: o.extractor ? 'custom' : 'built-in',
		sidecarText: Object.keys(o.sidecarText).length,
	};
}

function stateOf(api: FakeApiServer): Record<string, unknown> {
	return {
		url: api.url,
		urls: api.urls,
		options: serialisableOptions(api),
		faults: api.faultState,
		anyformat: {
			workflows: api.anyformat.workflows,
			collections: api.anyformat.collections,
			// Webhook secrets are test data that out-of-process tests need to verify signatures.
			webhooks: api.anyformat.webhooks,
			deliveries: api.anyformat.deliveries,
		},
		anesya: {
			schemas: api.anesya.schemas,
			workflows: api.anesya.workflows,
			extracts: api.anesya.extracts,
			webhooks: api.anesya.webhooks,
			deliveries: api.anesya.deliveries,
			credits: api.anesya.creditBalances(maskSecret),
			v0: {
				documents: api.anesyaV0.documents.map(({ bytes, ...document }) => ({ ...document, bytes: bytes.length })),
				parsings: api.anesyaV0.parsings,
				extracts: api.anesyaV0.extracts,
				// Webhook secrets are test data that out-of-process tests need to verify signatures.
				webhooks: api.anesyaV0.webhooks,
				deliveries: api.anesyaV0.deliveries,
			},
		},
		logSize: api.log.length,
	};
}
