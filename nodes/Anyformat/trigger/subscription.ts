import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { messageOf } from '../../shared/errors';
import { randomToken } from '../../shared/signature';
import { isObject } from '../../shared/values';
import { anyformatBody, anyformatRequest, listWebhooks } from '../transport';
import { readTriggerSettings } from './properties';
import {
	forgetSubscription,
	isOurEndpoint,
	saveSubscription,
	subscriptionOf,
	subscriptionUrl,
	tokenOf,
} from './state';

const WEBHOOKS_PATH = '/v2/webhooks/';

function idOf(subscription: IDataObject): string {
	const id = subscription.id;
	return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
}

/** The URL n8n serves this trigger on (the test URL while "Listen for test event" runs). */
function webhookUrlOf(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n gave this trigger no webhook URL');
	return url;
}

/** anyformat delivers only to HTTPS URLs (and rejects others); say so before asking it. */
function assertDeliverable(ctx: IHookFunctions, webhookUrl: string, allowHttp: boolean): void {
	const { protocol } = new URL(webhookUrl);
	if (protocol === 'https:' || (protocol === 'http:' && allowHttp)) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`anyformat only sends webhooks to HTTPS URLs, but this trigger's URL is ${webhookUrl}`,
		{
			description:
				'Set the N8N_WEBHOOK_URL environment variable of n8n (WEBHOOK_URL before n8n 2.20) to the public https:// address of this instance (for example behind a reverse proxy or a tunnel), then activate the workflow again. Only for a local sandbox that accepts HTTP: turn on Options → Allow HTTP Webhook URL (Testing Only).',
		},
	);
}

function sameEvents(listed: unknown, wanted: readonly string[]): boolean {
	if (!Array.isArray(listed)) return false;
	const have = new Set(listed.map(String));
	return have.size === wanted.length && wanted.every((event) => have.has(event));
}

/** Deletes one subscription; one that is already gone counts as deleted. Returns the failure, if any. */
async function removeSubscription(ctx: IHookFunctions, webhookId: string): Promise<Error | undefined> {
	return await anyformatRequest(ctx, {
		method: 'DELETE',
		path: `${WEBHOOKS_PATH}${encodeURIComponent(webhookId)}/`,
		acceptStatus: [404],
	}).then(
		() => undefined,
		(error: unknown) => (error instanceof Error ? error : new Error(messageOf(error))),
	);
}

/**
 * checkExists: looks for our subscription among anyformat's by URL, so saving, re-activating or
 * listening for a test event never piles up duplicates. A subscription at our URL with our stored
 * token (and the events we want) is ours: adopt it. Others at our URL are orphans whose token or
 * secret is lost (or whose events are outdated): delete them so `create` makes a fresh one. Our
 * stored subscription pointing elsewhere (n8n's public URL changed) goes too.
 */
export async function subscriptionExists(ctx: IHookFunctions): Promise<boolean> {
	const store = ctx.getWorkflowStaticData('node');
	const stored = subscriptionOf(store);
	const webhookUrl = webhookUrlOf(ctx);
	const { events } = readTriggerSettings(ctx);

	let adopted: IDataObject | undefined;
	const stale: string[] = [];
	for (const subscription of await listWebhooks(ctx)) {
		const id = idOf(subscription);
		const url = typeof subscription.url === 'string' ? subscription.url : '';
		if (!id) continue;
		if (!isOurEndpoint(url, webhookUrl)) {
			if (id === stored.webhookId) stale.push(id);
			continue;
		}
		const ours =
			adopted === undefined &&
			stored.token !== undefined &&
			stored.secret !== undefined &&
			tokenOf(url) === stored.token &&
			subscription.is_active !== false &&
			sameEvents(subscription.events, events);
		if (ours) adopted = subscription;
		else stale.push(id);
	}

	for (const id of stale) {
		const failure = await removeSubscription(ctx, id);
		// Not fatal: the new subscription works regardless; the orphan only gets 401 answers.
		if (failure) ctx.logger.warn(`Anyformat Trigger: could not delete the outdated webhook ${id}: ${failure.message}`);
	}
	if (adopted) {
		store.webhookId = idOf(adopted);
		return true;
	}
	forgetSubscription(store);
	return false;
}

/** create: subscribes our URL (with a fresh random token) and keeps the id, token and secret. */
export async function createSubscription(ctx: IHookFunctions): Promise<boolean> {
	const webhookUrl = webhookUrlOf(ctx);
	const settings = readTriggerSettings(ctx);
	assertDeliverable(ctx, webhookUrl, settings.allowHttp);

	const token = randomToken();
	const created = await anyformatBody<unknown>(ctx, {
		method: 'POST',
		path: WEBHOOKS_PATH,
		body: { url: subscriptionUrl(webhookUrl, token), events: [...settings.events] },
	});
	const webhookId = isObject(created) ? idOf(created) : '';
	const secret = isObject(created) && typeof created.secret === 'string' ? created.secret : '';
	if (!webhookId || !secret) {
		// Without its secret the subscription cannot be verified; do not leave it behind.
		if (webhookId) await removeSubscription(ctx, webhookId);
		throw new NodeOperationError(ctx.getNode(), 'anyformat created the webhook but did not return its ID and signing secret', {
			description: 'Activate the workflow again. If this keeps happening, the anyformat API may have changed.',
		});
	}
	saveSubscription(ctx.getWorkflowStaticData('node'), { webhookId, token, secret });
	return true;
}

/** delete: unsubscribes (already gone is fine) and forgets everything stored. */
export async function deleteSubscription(ctx: IHookFunctions): Promise<boolean> {
	const store = ctx.getWorkflowStaticData('node');
	const { webhookId } = subscriptionOf(store);
	if (webhookId) {
		const failure = await removeSubscription(ctx, webhookId);
		if (failure) {
			// Keep what is stored: the next activation finds this subscription by URL and adopts or removes it.
			ctx.logger.warn(`Anyformat Trigger: could not delete webhook ${webhookId}: ${failure.message}`);
			return false;
		}
	}
	forgetSubscription(store, true);
	return true;
}
