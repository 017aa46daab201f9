import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { messageOf } from '../../shared/errors';
import type { FinalOutcome } from '../../shared/poll';
import {
	checkDeliverySignature,
	checkToken,
	STANDARD_WEBHOOKS,
	type AuthenticatedBy,
	type DeliveryAuthentication,
	type SignatureCheckMode,
} from '../../shared/signature';
import { firstString, isObject } from '../../shared/values';
import { acknowledge, deliveryScope, jsonBodyOf, rawBodyOf, refuse, rememberDelivery } from '../../shared/webhook';
import { fetchCollectionResults, shapeCollection, type CollectionJob } from '../helpers/checker';
import { readTriggerSettings, type TriggerSettings } from './properties';
import { subscriptionOf, TOKEN_PARAMETER } from './state';

/** Standard-Webhooks replay window: a signed timestamp further than this from now is refused. */
const REPLAY_WINDOW_SECONDS = 300;
/**
 * The whole results download (retries included) must fit in this, because n8n answers the delivery
 * only when the trigger returns; a slow answer makes anyformat send the event again.
 */
export const RESULTS_BUDGET_MS = 5000;

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

type ResultsFetch = { ok: true; outcome: FinalOutcome<IDataObject> | undefined } | { ok: false; message: string };

/** One bounded look at the results (the shared request layer retries within the budget). */
async function fetchResults(ctx: IWebhookFunctions, job: CollectionJob): Promise<ResultsFetch> {
	const signal = AbortSignal.timeout(RESULTS_BUDGET_MS);
	return await fetchCollectionResults(ctx, job, signal).then(
		(outcome): ResultsFetch => ({ ok: true, outcome }),
		(error: unknown): ResultsFetch => ({
			ok: false,
			message: signal.aborted
				? `anyformat did not return the results within ${RESULTS_BUDGET_MS / 1000} s`
				: messageOf(error),
		}),
	);
}

/** anyformat's own words for a failed run: the `detail` of its 422 answer. */
function failureReason(error: Error): { reason: string; errorCode: string | null } {
	const response = (error as { errorResponse?: unknown }).errorResponse;
	const detail = isObject(response) && typeof response.detail === 'string' ? response.detail : undefined;
	const code = (error as { apiCode?: unknown }).apiCode;
	return { reason: detail ?? error.message, errorCode: typeof code === 'string' ? code : null };
}

/** The output items for one delivery. */
async function itemsFor(
	ctx: IWebhookFunctions,
	delivery: Delivery,
	settings: TriggerSettings,
	authenticatedBy: AuthenticatedBy,
): Promise<IDataObject[]> {
	const { event, timestamp, data, deliveryId, collectionId, workflowId } = delivery;
	const meta: IDataObject = { event, deliveryId, timestamp, collectionId: collectionId ?? null, workflowId: workflowId ?? null, authenticatedBy };
	const eventItem = (extra: IDataObject = {}, resultsError?: string): IDataObject => ({
		event,
		timestamp,
		data,
		...extra,
		_meta: resultsError === undefined ? meta : { ...meta, resultsError },
	});

	if (!settings.includeData) return [eventItem()];
	if (!collectionId || !workflowId) return [eventItem({}, 'The event carries no extraction ID or workflow ID')];

	const job: CollectionJob = { workflowId, collectionId, itemIndex: 0 };
	const fetched = await fetchResults(ctx, job);

	if (event === 'extraction.failed') {
		if (!fetched.ok) return [eventItem({ reason: null, errorCode: null }, fetched.message)];
		const failure = fetched.outcome && !fetched.outcome.done ? failureReason(fetched.outcome.error) : undefined;
		return [eventItem({ reason: failure?.reason ?? null, errorCode: failure?.errorCode ?? null })];
	}

	if (!fetched.ok) return [eventItem({}, fetched.message)];
	const { outcome } = fetched;
	if (!outcome) return [eventItem({}, 'anyformat reports the results as not ready yet (412)')];
	if (!outcome.done) return [eventItem({}, outcome.error.message)];
	let shaped: IDataObject[];
	try {
		shaped = shapeCollection(outcome.value, job, settings.shape!);
	} catch (error) {
		// E.g. "Split Into Items" names a field this document lacks: keep the event, say why.
		return [eventItem({}, messageOf(error))];
	}
	return shaped.map((item) => ({ ...item, _meta: { ...meta, ...(isObject(item._meta) ? item._meta : {}) } }));
}

/**
 * webhook(): authenticates a delivery (401, no execution, when it fails), acknowledges events this
 * trigger does not want and repeated deliveries without starting anything, and otherwise emits the
 * event — with its extracted data when Include Extracted Data is on.
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

	const items = await itemsFor(ctx, delivery, settings, auth.authenticatedBy);
	return { workflowData: [ctx.helpers.returnJsonArray(items)] };
}
