/**
 * Production webhook calls with files (multipart/form-data), as a mail gateway or an upload form would send them.
 * In queue mode they go to the webhook processor, which stores each file in n8n's binary store before the worker
 * ever sees the execution.
 */
import { responseBody } from '../support/n8n-api';
import { waitUntil } from '../support/wait';

export interface UploadFile {
	/** form field name; n8n's Webhook node turns it into the binary property name */
	field: string;
	fileName: string;
	mimeType: string;
	bytes: Buffer;
}

export interface UploadResponse<T> {
	status: number;
	body: T;
}

export async function postFiles<T = unknown>(url: string, files: UploadFile[], timeoutMs: number): Promise<UploadResponse<T>> {
	const form = new FormData();
	for (const f of files) form.append(f.field, new Blob([f.bytes], { type: f.mimeType }), f.fileName);
	const res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
	return { status: res.status, body: (await responseBody(res)) as T };
}

/**
 * Whether n8n routes `url` for `method` right now, asked with a CORS preflight (OPTIONS + Origin): n8n answers 204
 * with the webhook's methods in Access-Control-Allow-Methods when the path is registered, 404 when not. Nothing
 * executes.
 */
export async function routesWebhook(url: string, method = 'POST'): Promise<boolean> {
	const res = await fetch(url, {
		method: 'OPTIONS',
		headers: { origin: 'http://e2e.invalid', 'access-control-request-method': method },
		signal: AbortSignal.timeout(5_000),
	});
	await res.arrayBuffer();
	return res.status === 204 && (res.headers.get('access-control-allow-methods') ?? '').split(/,\s*/).includes(method);
}

/**
 * Waits (bounded) until n8n routes `url` — activation is asynchronous: the publication outbox on main, then the
 * webhook processor finds the webhook in the database — or, with `routed: false`, until it stops routing it.
 */
export async function waitForWebhookRoute(url: string, opts: { routed?: boolean; timeoutMs?: number } = {}): Promise<number> {
	const want = opts.routed ?? true;
	const started = Date.now();
	await waitUntil(async () => (await routesWebhook(url)) === want, {
		timeoutMs: opts.timeoutMs ?? 20_000,
		intervalMs: 100,
		description: `${url} to be ${want ? '' : 'no longer '}routed`,
	});
	return Date.now() - started;
}
