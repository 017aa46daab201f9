/** Shared helpers for the fake-api tests: authenticated fetch wrappers, forms, and a local webhook receiver. */
import type { IncomingHttpHeaders } from 'node:http';
import { startScriptedServer } from '../helpers/scripted-server';
import { documentFromText } from './documents';
import type { FakeApi } from './index';
import { DEFAULT_ANESYA_TOKEN, DEFAULT_ANESYA_V0_KEY, DEFAULT_ANYFORMAT_KEY } from './options';

export const AF_KEY = DEFAULT_ANYFORMAT_KEY;
export const ANESYA_TOKEN = DEFAULT_ANESYA_TOKEN;
export const ANESYA_V0_KEY = DEFAULT_ANESYA_V0_KEY;

export interface Fetched {
	status: number;
	headers: Headers;
	text: string;
	/** Parsed JSON body, or undefined when the body is not JSON. */
	json: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<Fetched> {
	const response = await fetch(url, { redirect: 'manual', ...init });
	const text = await response.text();
	let json: unknown;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

/** anyformat v2 with the Bearer key. */
export function v2(fake: FakeApi, path: string, init: RequestInit = {}, key = AF_KEY): Promise<Fetched> {
	return call(`${fake.urls.anyformat}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) } });
}

/** anyformat v1 with x-api-key. */
export function v1(fake: FakeApi, path: string, init: RequestInit = {}, key = AF_KEY): Promise<Fetched> {
	return call(`${fake.urls.anyformat}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers as Record<string, string>) } });
}

/** Anesya with the raw token. */
export function an(fake: FakeApi, path: string, init: RequestInit = {}, token = ANESYA_TOKEN): Promise<Fetched> {
	return call(`${fake.urls.anesya}${path}`, { ...init, headers: { authorization: token, ...(init.headers as Record<string, string>) } });
}

/** Anesya v0 with X-API-Key (`path` below /v0, e.g. '/documents'). */
export function an0(fake: FakeApi, path: string, init: RequestInit = {}, key = ANESYA_V0_KEY): Promise<Fetched> {
	return call(`${fake.urls.anesya}/v0${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers as Record<string, string>) } });
}

export function jsonBody(value: unknown): RequestInit {
	return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

export type FormValue = string | { data: Buffer | string; filename: string; type?: string };

export function form(fields: Array<[string, FormValue]>): FormData {
	const fd = new FormData();
	for (const [name, value] of fields) {
		if (typeof value === 'string') fd.append(name, value);
		else fd.append(name, new Blob([typeof value.data === 'string' ? Buffer.from(value.data) : value.data], { type: value.type ?? 'application/octet-stream' }), value.filename);
	}
	return fd;
}

// The ACME invoice data moved to test/fixtures/invoices.ts; these names stay for importers outside test/fake-api.
export { ACME_INVOICE_TEXT as INVOICE_TEXT, ACME_INVOICE_WORKFLOW as INVOICE_WORKFLOW } from '../fixtures/invoices';

// ---------------------------------------------------------------- webhook receiver

export interface ReceivedRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
}

export interface Receiver {
	url: string;
	requests: ReceivedRequest[];
	/** Statuses to answer with, in order; 200 once the list is used up. */
	statuses: number[];
	close(): Promise<void>;
}

/** A webhook endpoint (`url` ends in /hook) on the scripted server: answers from `statuses`, records bodies as text. */
export async function startReceiver(statuses: number[] = []): Promise<Receiver> {
	const receiver: Receiver = { url: '', requests: [], statuses: [...statuses], close: async () => undefined };
	const server = await startScriptedServer((seen, res) => {
		receiver.requests.push({ method: seen.method, path: seen.url, headers: seen.headers, body: seen.body.toString('utf8') });
		// Read through the object: tests replace `statuses` between deliveries.
		const status = receiver.statuses.shift() ?? 200;
		res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
		res.end(status < 300 ? 'ok' : 'nope');
	});
	receiver.url = `${server.url}/hook`;
	receiver.close = server.close;
	return receiver;
}

/**
 * Starts an Anesya 0.8.1 extract of a text document directly in the fake (no request logged), charged to
 * the default token; it ends with the fake's latency, or at once with `fake.anesya.completeNow(id)`.
 */
export function startAnesyaExtract(
	fake: FakeApi,
	text: string,
	fileName: string,
	options: { schemaId?: string | null; workflowId?: string | null } = {},
): string {
	return fake.anesya.createExtract({
		document: documentFromText(text, fileName),
		server: 'FR-1',
		schemaId: options.schemaId ?? null,
		classifierId: null,
		workflowId: options.workflowId ?? null,
		sessionId: null,
		metadata: null,
		pages: 1,
		creditCost: 3,
		payer: DEFAULT_ANESYA_TOKEN,
	}).id;
}
