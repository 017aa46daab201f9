import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	IPollFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { ParameterContext } from './descriptions';
import { shareCredentials } from './connection';
import { isObject } from './values';

/** Answers the sender here (400 / 401 with a JSON reason) and starts no execution. */
export function refuse(ctx: IWebhookFunctions, status: 400 | 401, message: string): IWebhookResponseData {
	ctx.getResponseObject()
		.status(status)
		.json({ error: status === 401 ? 'Unauthorized' : 'Bad Request', message });
	return { noWebhookResponse: true };
}

/**
 * Accepted: answers the sender now with an empty 200, then hands n8n the items to start the
 * execution with. Answering here rather than through the webhook's responseMode saves the sender
 * the time n8n takes to set the execution up first (docs/PERFORMANCE.md, P5).
 */
export function accept(ctx: IWebhookFunctions, items: IDataObject[]): IWebhookResponseData {
	ctx.getResponseObject().status(200).end();
	return { noWebhookResponse: true, workflowData: [ctx.helpers.returnJsonArray(items)] };
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
export function triggerParameters(ctx: IHookFunctions | IWebhookFunctions | IPollFunctions): ParameterContext {
	return {
		getNode: () => ctx.getNode(),
		getNodeParameter: (name, _itemIndex, fallback, options) => ctx.getNodeParameter(name, fallback, options),
	};
}

/** What a trigger's remembered deliveries belong to: this node in this workflow. */
export function deliveryScope(ctx: IWebhookFunctions): string {
	return `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
}

// Trigger static data is the durable memory of seen deliveries, but n8n 2.41.1 loses a trigger's
// static-data change when the same request starts an execution: the execution wraps the same object
// in a new Workflow, which clears its change flag, so the save after the webhook answers is skipped.
// This per-process memory catches repeats that reach the same n8n process either way (the main
// process in regular mode, a webhook processor in queue mode). Bounded, and it forgets after the TTL.
// It can go once the oldest supported n8n saves that change: the queue-mode suite's redelivery test
// (test/e2e/queue/scale-out.queue.test.ts) then passes with the process memory switched off, because
// a webhook processor and the main process share nothing but the database.
const processMemory = new Map<string, Map<string, number>>();
const MAX_SCOPES = 1000;

/**
 * Remembers delivery keys so a redelivered event runs the workflow once: in the trigger's static
 * data and in this process's memory, per `scope` (workflow + node). Returns false when the key was
 * seen before. Keeps the newest `max` keys for `ttlMs`.
 */
export function rememberDelivery(
	store: IDataObject,
	key: string,
	options: { scope?: string; now?: number; max?: number; ttlMs?: number } = {},
): boolean {
	const now = options.now ?? Date.now();
	const ttl = options.ttlMs ?? 24 * 60 * 60 * 1000;
	const max = options.max ?? 500;
	const seen = (store.seenDeliveries ?? {}) as Record<string, number>;
	const fresh = Object.entries(seen).filter(([, at]) => now - at < ttl);

	let memory: Map<string, number> | undefined;
	if (options.scope !== undefined) {
		memory = processMemory.get(options.scope);
		if (!memory) {
			if (processMemory.size >= MAX_SCOPES) processMemory.delete(processMemory.keys().next().value!);
			memory = new Map();
			processMemory.set(options.scope, memory);
		}
		for (const [k, at] of memory) if (now - at >= ttl) memory.delete(k);
	}
	if (fresh.some(([k]) => k === key) || memory?.has(key)) return false;

	fresh.push([key, now]);
	fresh.sort((a, b) => a[1] - b[1]);
	store.seenDeliveries = Object.fromEntries(fresh.slice(-max));
	if (memory) {
		memory.set(key, now);
		if (memory.size > max) memory.delete(memory.keys().next().value!);
	}
	return true;
}

/** Whether an input item is an event as a trigger's webhook() emitted it (pinned or hand-made items are not). */
export function isEventItem(json: IDataObject): boolean {
	return typeof json.event === 'string' && isObject(json.data) && isObject(json._meta);
}

/**
 * execute() of a trigger that answers first: n8n runs it with the items webhook() returned, after the
 * sender has its answer. Each event item becomes the items `complete` makes of it (paired with it);
 * other items (pinned data, hand-made) pass through. Requests use the process credential cache.
 */
export async function completeEventItems(
	ctx: IExecuteFunctions,
	complete: (event: IDataObject, itemIndex: number) => Promise<IDataObject[]>,
): Promise<INodeExecutionData[][]> {
	shareCredentials(ctx);
	const output: INodeExecutionData[] = [];
	for (const [index, item] of ctx.getInputData().entries()) {
		if (!isEventItem(item.json)) {
			output.push(item);
			continue;
		}
		const completed = await complete(item.json, index);
		output.push(...completed.map((json) => ({ json, pairedItem: { item: index } })));
	}
	return [output];
}
