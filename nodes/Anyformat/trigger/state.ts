import type { IDataObject } from 'n8n-workflow';

/**
 * What the trigger keeps in its node static data (`getWorkflowStaticData('node')`):
 * - webhookId: anyformat's id of our subscription (`wh_…`);
 * - token: the random token in the query string of the URL we registered (checked on every delivery);
 * - secret: the `whsec_…` signing secret, which anyformat shows only once, when the subscription is created;
 * - seenDeliveries: delivery keys already turned into executions (see `rememberDelivery`).
 */
export interface SubscriptionState {
	webhookId?: string;
	token?: string;
	secret?: string;
}

const SUBSCRIPTION_KEYS = ['webhookId', 'token', 'secret'] as const;

export function subscriptionOf(store: IDataObject): SubscriptionState {
	const state: SubscriptionState = {};
	for (const key of SUBSCRIPTION_KEYS) {
		if (typeof store[key] === 'string' && store[key]) state[key] = store[key] as string;
	}
	return state;
}

export function saveSubscription(store: IDataObject, state: Required<SubscriptionState>): void {
	for (const key of SUBSCRIPTION_KEYS) store[key] = state[key];
}

/** Forgets the subscription; `everything` also drops the remembered deliveries. */
export function forgetSubscription(store: IDataObject, everything = false): void {
	for (const key of SUBSCRIPTION_KEYS) delete store[key];
	if (everything) delete store.seenDeliveries;
}

/** The query parameter carrying our token in the registered URL. */
export const TOKEN_PARAMETER = 'token';

/** The URL we register: n8n's webhook URL plus our token. */
export function subscriptionUrl(webhookUrl: string, token: string): string {
	const url = new URL(webhookUrl);
	url.searchParams.set(TOKEN_PARAMETER, token);
	return url.toString();
}

/** A URL without its query and fragment, for comparing endpoints. */
function endpointOf(url: string): string | undefined {
	try {
		const parsed = new URL(url);
		return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
	} catch {
		return undefined;
	}
}

/** Whether a subscription URL points at our webhook endpoint (whatever token it carries). */
export function isOurEndpoint(subscriptionUrlText: string, webhookUrl: string): boolean {
	const ours = endpointOf(webhookUrl);
	return ours !== undefined && endpointOf(subscriptionUrlText) === ours;
}

/** The token in a subscription URL, if any. */
export function tokenOf(subscriptionUrlText: string): string | undefined {
	try {
		return new URL(subscriptionUrlText).searchParams.get(TOKEN_PARAMETER) ?? undefined;
	} catch {
		return undefined;
	}
}
