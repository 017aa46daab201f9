import type { IDataObject, IHookFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { ParameterContext } from './descriptions';
import { isObject } from './values';

/** Answers the sender here (400 / 401 with a JSON reason) and starts no execution. */
export function refuse(ctx: IWebhookFunctions, status: 400 | 401, message: string): IWebhookResponseData {
	ctx.getResponseObject()
		.status(status)
		.json({ error: status === 401 ? 'Unauthorized' : 'Bad Request', message });
	return { noWebhookResponse: true };
}

/** Accepted but starts nothing: a small JSON answer, so the sender neither retries nor logs a failure. */
export function acknowledge(note: IDataObject): IWebhookResponseData {
	return { webhookResponse: { received: true, ...note } };
}

interface RawBodyRequest {
	rawBody?: Buffer | string;
	readRawBody?: () => Promise<void>;
}

/** The exact bytes received — what a signature covers (never a re-serialised body). */
export async function rawBodyOf(ctx: IWebhookFunctions): Promise<Buffer | undefined> {
	const req = ctx.getRequestObject() as unknown as RawBodyRequest;
	// n8n pre-reads the body only for some content types; it reads the rest on request.
	if (req.rawBody === undefined && req.readRawBody) await req.readRawBody();
	if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
	return typeof req.rawBody === 'string' ? Buffer.from(req.rawBody, 'utf8') : undefined;
}

/** The JSON object delivered, parsed from the raw bytes when n8n did not parse it. */
export async function jsonBodyOf(ctx: IWebhookFunctions): Promise<IDataObject | undefined> {
	const body = ctx.getBodyData() as unknown;
	if (isObject(body) && Object.keys(body).length > 0) return body;
	const raw = await rawBodyOf(ctx);
	if (!raw?.length) return undefined;
	try {
		const parsed = JSON.parse(raw.toString('utf8')) as unknown;
		return isObject(parsed) ? parsed : undefined;
	} catch {
		// Not JSON: the caller answers 400.
		return undefined;
	}
}

/** A trigger reads parameters without an item index; this lets the shared readers serve it too. */
export function triggerParameters(ctx: IHookFunctions | IWebhookFunctions): ParameterContext {
	return {
		getNode: () => ctx.getNode(),
		getNodeParameter: (name, _itemIndex, fallback, options) => ctx.getNodeParameter(name, fallback, options),
	};
}

/** What a trigger's remembered deliveries belong to: this node in this workflow. */
export function deliveryScope(ctx: IWebhookFunctions): string {
	return `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
}
