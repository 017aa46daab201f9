import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	hasStandardWebhookHeaders,
	safeEqual,
	verifyStandardWebhook,
	type SignatureCheck,
} from '../../shared/signature';
import { firstString, isObject } from '../../shared/values';
import { acknowledge, deliveryScope, jsonBodyOf, rawBodyOf, refuse, rememberDelivery } from '../../shared/webhook';
import { eventItems } from './items';
import { readTriggerSettings, type TriggerSettings } from './properties';
import { subscriptionOf, TOKEN_PARAMETER } from './state';

/** Standard-Webhooks replay window: a signed timestamp further than this from now is refused. */
const REPLAY_WINDOW_SECONDS = 300;
/**
 * The whole results download (retries included) must fit in this, because n8n answers the delivery
 * only when the trigger returns; a slow answer makes anyformat send the event again.
 */
export const RESULTS_BUDGET_MS = 5000;

type SignatureFailure = Extract<SignatureCheck, { ok: false }>['reason'];

const SIGNATURE_PROBLEMS: Record<SignatureFailure, string> = {
	'missing-headers': 'Incomplete signature headers (webhook-id, webhook-timestamp and webhook-signature are all needed)',
	malformed: 'Malformed webhook-timestamp header',
	stale: `Signature timestamp is more than ${REPLAY_WINDOW_SECONDS / 60} minutes away from now (delayed or replayed delivery)`,
	mismatch: 'Invalid signature',
	'no-secret': 'No signing secret is stored for this subscription; deactivate and activate the workflow again',
};

/** One anyformat event as delivered. */
interface Delivery {
	event: string;
	timestamp: string | null;
	data: IDataObject;
	/** The `webhook-id` header, else event + extraction + timestamp: the same for every retry. */
	deliveryId: string;
	collectionId?: string;
	workflowId?: string;
}

/**
 * Who sent this? The token in our URL is checked always; a Standard-Webhooks signature is checked
 * whenever its headers are present. Returns what failed, or undefined when the delivery is genuine.
 */
async function authenticationProblem(ctx: IWebhookFunctions, store: IDataObject): Promise<string | undefined> {
	const { token, secret } = subscriptionOf(store);
	if (!token) return 'This trigger has no active anyformat subscription';
	const given = firstString((ctx.getQueryData() as IDataObject)[TOKEN_PARAMETER]);
	if (!given) return 'Missing token';
	if (!safeEqual(given, token)) return 'Invalid token';

	const headers = ctx.getHeaderData() as IDataObject;
	if (!hasStandardWebhookHeaders(headers)) return undefined;
	const rawBody = await rawBodyOf(ctx);
	if (!rawBody) return 'The request body could not be read to check its signature';
	const check = verifyStandardWebhook({ secret, headers, rawBody, toleranceSeconds: REPLAY_WINDOW_SECONDS });
	return check.ok ? undefined : SIGNATURE_PROBLEMS[check.reason];
}

function parseDelivery(payload: IDataObject, headers: IDataObject): Delivery | undefined {
	if (typeof payload.event !== 'string' || !isObject(payload.data)) return undefined;
	const data = payload.data;
	const timestamp = typeof payload.timestamp === 'string' ? payload.timestamp : null;
	const collectionId = typeof data.extraction_id === 'string' && data.extraction_id ? data.extraction_id : undefined;
	const workflowId = typeof data.workflow_id === 'string' && data.workflow_id ? data.workflow_id : undefined;
	const deliveryId =
		firstString(headers['webhook-id']) ?? `${payload.event}:${collectionId ?? ''}:${timestamp ?? ''}`;
	return { event: payload.event, timestamp, data, deliveryId, collectionId, workflowId };
}

/** The output items for one delivery. */
async function itemsFor(ctx: IWebhookFunctions, delivery: Delivery, settings: TriggerSettings): Promise<IDataObject[]> {
	const { event, timestamp, data, deliveryId, collectionId, workflowId } = delivery;
	return await eventItems(
		ctx,
		{ event, timestamp, data, collectionId, workflowId, meta: { event, deliveryId, timestamp } },
		settings,
		RESULTS_BUDGET_MS,
	);
}

/**
 * webhook(): authenticates a delivery (401, no execution, when it fails), acknowledges events this
 * trigger does not want and repeated deliveries without starting anything, and otherwise emits the
 * event — with its extracted data when Include Extracted Data is on.
 */
export async function receiveDelivery(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const store = ctx.getWorkflowStaticData('node');
	const problem = await authenticationProblem(ctx, store);
	if (problem) return refuse(ctx, 401, problem);

	const payload = await jsonBodyOf(ctx);
	const delivery = payload && parseDelivery(payload, ctx.getHeaderData() as IDataObject);
	if (!delivery) return refuse(ctx, 400, 'Not an anyformat event: expected JSON with "event" and "data"');

	const settings = readTriggerSettings(ctx);
	if (!(settings.events as string[]).includes(delivery.event)) {
		return acknowledge({ ignored: `event "${delivery.event}" is not selected in this trigger` });
	}
	if (settings.workflowId !== undefined && delivery.workflowId !== settings.workflowId) {
		return acknowledge({ ignored: 'the event belongs to another anyformat workflow' });
	}
	if (!rememberDelivery(store, delivery.deliveryId, { scope: deliveryScope(ctx) })) {
		return acknowledge({ duplicate: true });
	}

	const items = await itemsFor(ctx, delivery, settings);
	return { workflowData: [ctx.helpers.returnJsonArray(items)] };
}
