import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	bodyHmacScheme,
	checkDeliverySignature,
	STANDARD_WEBHOOKS,
	type AuthenticatedBy,
	type DeliveryAuthentication,
	type SignatureCheckMode,
} from '../../../shared/signature';
import { firstString, isObject } from '../../../shared/values';
import { accept, acknowledge, deliveryScope, jsonBodyOf, rawBodyOf, refuse, rememberDelivery } from '../../../shared/webhook';
import { checkUrlToken, deliveryKey } from '../../trigger/delivery';
import { V0_EVENTS } from './properties';

/**
 * Anesya v0's signature scheme is not documented: the two common ones are recognised. Anything else
 * is refused while a secret is set, and the refusal lists the headers that came, so the first real
 * delivery shows the scheme.
 */
export const V0_SIGNATURE_SCHEMES = [STANDARD_WEBHOOKS, bodyHmacScheme(['X-Anesya-Signature', 'X-Signature', 'X-Webhook-Signature'])];

const MISSING_SECRET =
	'Signature Check is Required but no Webhook Secret is set: copy the secret Anesya shows for this webhook (Settings → Webhooks) into Webhook Secret';

/** The Webhook Secret parameter: one or several secrets (one per dashboard webhook), comma-separated. */
export function webhookSecretsOf(value: unknown): string[] {
	return String(value ?? '')
		.split(/[\s,]+/)
		.filter((secret) => secret !== '');
}

/** Checks, at activation, what can be checked without a delivery. */
export function v0ActivationProblem(parameters: { signatureCheck: string; webhookSecret: unknown }): string | undefined {
	return parameters.signatureCheck === 'required' && webhookSecretsOf(parameters.webhookSecret).length === 0 ? MISSING_SECRET : undefined;
}

/**
 * Who sent this? The URL Token first (when set); then signatures: with a Webhook Secret (or under
 * Required) a delivery must carry a valid one. Auto without a secret rests on the token alone.
 */
async function authenticate(ctx: IWebhookFunctions): Promise<DeliveryAuthentication | { ok: true; authenticatedBy: 'none' }> {
	const token = checkUrlToken(ctx, String(ctx.getNodeParameter('urlToken', '') ?? ''));
	if (!token.ok) return token;
	const secrets = webhookSecretsOf(ctx.getNodeParameter('webhookSecret', ''));
	const mode = ctx.getNodeParameter('signatureCheck', 'auto') as SignatureCheckMode;
	if (mode === 'auto' && secrets.length === 0) return token;
	return await checkDeliverySignature({
		requireSignature: true,
		secrets,
		headers: ctx.getHeaderData() as IDataObject,
		rawBody: async () => await rawBodyOf(ctx),
		schemes: V0_SIGNATURE_SCHEMES,
		missingSecret: MISSING_SECRET,
	});
}

/**
 * webhook() of the Anesya Trigger for API v0: authenticates the delivery (401, no execution, when it
 * fails), acknowledges unselected events and repeats without starting anything, and otherwise answers
 * Anesya at once and starts the execution with the event; execute() (trigger/results.ts) turns it
 * into the parsing or extract, read back through the v0 API when Fetch Result is on.
 */
export async function receiveV0Delivery(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const auth = await authenticate(ctx);
	if (!auth.ok) {
		ctx.logger.warn(`Anesya Trigger refused a delivery (401): ${auth.message}`);
		return refuse(ctx, 401, auth.message);
	}

	const payload = await jsonBodyOf(ctx);
	if (!payload || typeof payload.event !== 'string' || !isObject(payload.data)) {
		return refuse(ctx, 400, 'Not an Anesya webhook delivery: expected a JSON body with "event" and "data"');
	}
	const selected = ctx.getNodeParameter('events', [...V0_EVENTS]) as string[];
	if (!selected.includes(payload.event)) {
		return acknowledge({ ignored: `event "${payload.event}" is not selected in this trigger` });
	}
	const key = firstString(ctx.getHeaderData()['webhook-id']) ?? deliveryKey(payload);
	if (key !== undefined && !rememberDelivery(ctx.getWorkflowStaticData('node'), key, { scope: deliveryScope(ctx) })) {
		return acknowledge({ duplicate: true });
	}

	const authenticatedBy: AuthenticatedBy = auth.authenticatedBy;
	const timestamp = firstString(payload.timestamp) ?? null;
	return accept(ctx, [
		{
			event: payload.event,
			timestamp,
			data: payload.data,
			_meta: { event: payload.event, webhookId: firstString(payload.id) ?? null, timestamp, authenticatedBy },
		},
	]);
}
