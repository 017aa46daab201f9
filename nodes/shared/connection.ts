import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { RateGate } from './rateGate';
import type { ApiContext, VendorApi } from './request';

/** What requests of one node run share for one credential type. */
export interface Connection {
	baseUrl: string;
	secrets: string[];
	gates: Map<string, RateGate>;
	/** Kept for VendorApi.refuseCredentials and authHeaders; never logged or output. */
	credentials: ICredentialDataDecryptedObject;
	/** Loaded through the process-wide cache: send with authHeaders instead of n8n's authentication. */
	shared: boolean;
}

// One connection per execution context and credential type: credentials are read (and decrypted)
// once, and all requests of one node run share the rate-limit view of the API.
const connections = new WeakMap<object, Map<string, Promise<Connection>>>();

// Loading a credential costs n8n's single event loop a database read and a decryption. Under a burst
// of trigger deliveries (one execution each) that cost, paid per delivery, delayed every answer by
// seconds (docs/PERFORMANCE.md, P5). Contexts that opt in (shareCredentials) reuse what this process
// loaded for the same credential ID within CREDENTIAL_TTL_MS, so a changed key is used within seconds.
// The entries live in memory only, like n8n's own decrypted copies during an execution.
export const CREDENTIAL_TTL_MS = 5000;
const MAX_SHARED_CREDENTIALS = 100;
const sharedCredentials = new Map<string, { loadedAt: number; credentials: Promise<ICredentialDataDecryptedObject> }>();
const sharingContexts = new WeakSet<object>();

/** Lets requests made in this context use (and fill) the process-wide credential cache. */
export function shareCredentials(ctx: ApiContext): void {
	sharingContexts.add(ctx);
}

/** The node's credential: from the process cache when the context shares and the credential has an ID. */
async function loadCredentials(ctx: ApiContext, api: VendorApi): Promise<{ credentials: ICredentialDataDecryptedObject; shared: boolean }> {
	const id = ctx.getNode().credentials?.[api.credentialType]?.id;
	if (!sharingContexts.has(ctx) || !id) return { credentials: await ctx.getCredentials(api.credentialType), shared: false };
	const key = `${api.credentialType}:${id}`;
	const now = Date.now();
	for (const [k, entry] of sharedCredentials) if (now - entry.loadedAt >= CREDENTIAL_TTL_MS) sharedCredentials.delete(k);
	let entry = sharedCredentials.get(key);
	if (!entry) {
		if (sharedCredentials.size >= MAX_SHARED_CREDENTIALS) sharedCredentials.delete(sharedCredentials.keys().next().value!);
		const credentials = ctx.getCredentials(api.credentialType);
		entry = { loadedAt: now, credentials };
		sharedCredentials.set(key, entry);
		// A failed load is not remembered: the next delivery tries again.
		credentials.catch(() => {
			if (sharedCredentials.get(key) === entry) sharedCredentials.delete(key);
		});
	}
	return { credentials: await entry.credentials, shared: true };
}

export async function connectionFor(ctx: ApiContext, api: VendorApi): Promise<Connection> {
	let byType = connections.get(ctx);
	if (!byType) {
		byType = new Map();
		connections.set(ctx, byType);
	}
	let connection = byType.get(api.credentialType);
	if (!connection) {
		connection = (async () => {
			const { credentials, shared } = await loadCredentials(ctx, api);
			const baseUrl = String(credentials.baseUrl || api.defaultBaseUrl).trim().replace(/\/+$/, '');
			const secrets = api.secretFields.map((f) => String(credentials[f] ?? '')).filter(Boolean);
			return { baseUrl, secrets, gates: new Map(), credentials, shared };
		})();
		byType.set(api.credentialType, connection);
		connection.catch(() => byType!.delete(api.credentialType));
	}
	return await connection;
}

/** Secrets of the vendor credential, for redacting text this node surfaces. */
export async function credentialSecrets(ctx: ApiContext, api: VendorApi): Promise<string[]> {
	return (await connectionFor(ctx, api)).secrets;
}

/** Base URL of the vendor credential (no trailing slash), e.g. to resolve relative links. */
export async function credentialBaseUrl(ctx: ApiContext, api: VendorApi): Promise<string> {
	return (await connectionFor(ctx, api)).baseUrl;
}
