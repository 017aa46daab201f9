import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	checkDeliverySignature,
	checkToken,
	STANDARD_WEBHOOKS,
	type AuthenticatedBy,
	type DeliveryAuthentication,
	type SignatureCheckMode,
} from '../../shared/signature';
import { firstString, isObject } from '../../shared/values';
import { accept, acknowledge, deliveryScope, jsonBodyOf, rawBodyOf, refuse, rememberDelivery } from '../../shared/webhook';
import { readTriggerSettings } from './properties';
import { subscriptionOf, TOKEN_PARAMETER } from './state';

/** Standard-Webhooks replay window: a signed timestamp further than this from now is refused. */
const REPLAY_WINDOW_SECONDS = 300;

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
 * Who sent this? The token in our URL is checked always; then the Signature Check: a Standard-Webhooks
 * signature is verified whenever its headers are present, and required when the user chose Required.
 */
async function authenticate(ctx: IWebhookFunctions, store: IDataObject): Promise<DeliveryAuthentication> {
	const { token, secret } = subscriptionOf(store);
	if (!token) return { ok: false, message: 'This trigger has no active anyformat subscription' };
	const tokenCheck = checkToken(firstString((ctx.getQueryData() as IDataObject)[TOKEN_PARAMETER]), token);
	if (tokenCheck !== 'ok') return { ok: false, message: tokenCheck === 'missing' ? 'Missing token' : 'Invalid token' };

	const mode = ctx.getNodeParameter('signatureCheck', 'auto') as SignatureCheckMode;
	return await checkDeliverySignature({
		requireSignature: mode === 'required',
		secrets: secret ? [secret] : [],
		headers: ctx.getHeaderData() as IDataObject,
		rawBody: async () => await rawBodyOf(ctx),
		schemes: [STANDARD_WEBHOOKS],
		missingSecret: 'No signing secret is stored for this subscription; deactivate and activate the workflow again',
		toleranceSeconds: REPLAY_WINDOW_SECONDS,
	});
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

/** The item a delivery starts its execution with; with Include Extracted Data, execute() completes it. */
function eventItem(delivery: Delivery, authenticatedBy: AuthenticatedBy): IDataObject {
	const { event, timestamp, data, deliveryId, collectionId, workflowId } = delivery;
	return {
		event,
		timestamp,
		data,
		_meta: { event, deliveryId, timestamp, collectionId: collectionId ?? null, workflowId: workflowId ?? null, authenticatedBy },
	};
}

/**
 * webhook(): authenticates a delivery (401, no execution, when it fails), acknowledges events this
 * trigger does not want and repeated deliveries without starting anything, and otherwise answers
 * anyformat at once and starts the execution with the event. The results are fetched there
 * (execute(), trigger/results.ts), never while anyformat waits for its answer.
 */
export async function receiveDelivery(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const store = ctx.getWorkflowStaticData('node');
	const auth = await authenticate(ctx, store);
	if (!auth.ok) {
		ctx.logger.warn(`Anyformat Trigger refused a delivery (401): ${auth.message}`);
		return refuse(ctx, 401, auth.message);
	}

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
	return accept(ctx, [eventItem(delivery, auth.authenticatedBy)]);
}
