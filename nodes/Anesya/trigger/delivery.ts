import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { readShapeOptions } from '../../shared/descriptions';
import { checkToken } from '../../shared/signature';
import { firstString, isObject } from '../../shared/values';
import { accept, acknowledge, deliveryScope, jsonBodyOf, refuse, rememberDelivery, triggerParameters } from '../../shared/webhook';
import { shapeExtract } from '../helpers/results';

/** The events Anesya 0.8 can send, as its dashboard names them. */
export const ANESYA_EVENTS = ['extract.completed', 'extract.failed', 'workflow.completed', 'workflow.failed'];

/** Where a delivery may carry the trigger's secret: `?token=` on the pasted URL, or this header. */
export const TOKEN_QUERY_PARAMETER = 'token';
export const TOKEN_HEADER = 'x-webhook-token';

/**
 * The trigger's optional shared secret, sent as `?token=` or the X-Webhook-Token header. No secret
 * set: nothing to check ('none'); set: the delivery must carry it ('token') or is refused.
 */
export function checkUrlToken(ctx: IWebhookFunctions, expected: string): { ok: true; authenticatedBy: 'token' | 'none' } | { ok: false; message: string } {
	if (!expected) return { ok: true, authenticatedBy: 'none' };
	const query = ctx.getQueryData() as IDataObject;
	const given = firstString(query[TOKEN_QUERY_PARAMETER]) ?? firstString(ctx.getHeaderData()[TOKEN_HEADER]);
	switch (checkToken(given, expected)) {
		case 'ok':
			return { ok: true, authenticatedBy: 'token' };
		case 'missing':
			return { ok: false, message: `Unauthorized: add ?${TOKEN_QUERY_PARAMETER}=<secret> to the webhook URL configured in Anesya` };
		default:
			return { ok: false, message: 'Unauthorized: the token does not match the secret set in the Anesya Trigger' };
	}
}

/**
 * Identifies a delivery for de-duplication. Anesya sends no delivery ID (the payload's `id` is the
 * dashboard webhook's), so a delivery is its event, the extract (or workflow session) it is about
 * and its timestamp. Undefined when the payload names neither, so nothing is dropped by guesswork.
 */
export function deliveryKey(payload: IDataObject): string | undefined {
	const data = isObject(payload.data) ? payload.data : {};
	const subject = data.id ?? data.workflow_session_id;
	if (subject === undefined || subject === null || subject === '') return undefined;
	return `${String(payload.event)}|${String(subject)}|${String(payload.timestamp ?? '')}`;
}

/** The Extracts a delivery is about: `data`, or for workflow events each of `data.extracts`. */
export function extractsOf(payload: IDataObject): IDataObject[] {
	const data = payload.data as IDataObject;
	if (String(payload.event).startsWith('workflow.') && Array.isArray(data.extracts)) {
		const extracts = data.extracts.filter(isObject);
		if (extracts.length > 0) return extracts;
	}
	return [data];
}

/**
 * Handles one delivery from Anesya: checks the optional secret, drops unselected events and
 * repeated deliveries with a 200 (so Anesya does not log them as failures), and answers at once,
 * starting the execution with the Extract(s) in the same shapes as the Anesya node (the delivery
 * carries them: nothing is fetched).
 */
export async function handleDelivery(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const token = checkUrlToken(ctx, String(ctx.getNodeParameter('secret', '') ?? ''));
	if (!token.ok) return refuse(ctx, 401, token.message);

	const payload = (await jsonBodyOf(ctx)) ?? {};
	if (typeof payload.event !== 'string' || !isObject(payload.data)) {
		return refuse(ctx, 400, 'Not an Anesya webhook delivery: expected a JSON body with "event" and "data"');
	}
	const selected = ctx.getNodeParameter('events', ANESYA_EVENTS) as string[];
	if (!selected.includes(payload.event)) {
		return acknowledge({ ignored: `event "${payload.event}" is not selected in this trigger` });
	}
	const key = deliveryKey(payload);
	if (key !== undefined && !rememberDelivery(ctx.getWorkflowStaticData('node'), key, { scope: deliveryScope(ctx) })) {
		return acknowledge({ duplicate: true });
	}

	const shape = readShapeOptions(triggerParameters(ctx), 0);
	if (shape.output === 'raw') return accept(ctx, [{ ...payload, _meta: { authenticatedBy: token.authenticatedBy } }]);
	const deliveryMeta: IDataObject = {
		event: payload.event,
		webhookId: (payload.id as string | undefined) ?? null,
		timestamp: (payload.timestamp as string | undefined) ?? null,
		authenticatedBy: token.authenticatedBy,
	};
	const items = extractsOf(payload).flatMap((extract) => shapeExtract(extract, shape, deliveryMeta));
	return accept(ctx, items);
}
