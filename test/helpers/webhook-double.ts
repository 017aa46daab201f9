// One Anesya delivery given as plain values (body, headers, query) instead of an HTTP request. The
// IWebhookFunctions come from the shared trigger double, so these unit tests and the tests that send
// real HTTP deliveries (WebhookReceiver) run webhook() against the same stand-in for n8n.
import type { ServerResponse } from 'node:http';

import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters, INodeType, IWebhookFunctions } from 'n8n-workflow';

import { triggerDouble, type ReceivedRequest } from './trigger-double';

export interface Delivery {
	body: unknown;
	headers?: Record<string, string>;
	query?: Record<string, string | string[]>;
}

export interface Answer {
	/** Set when the node answered the request itself (then n8n sends nothing more). */
	status?: number;
	body?: unknown;
}

export interface WebhookDouble {
	staticData: IDataObject;
	warnings: string[];
	/** Builds the context for one delivery; `answer` records a response the node writes itself. */
	context(delivery: Delivery, answer: Answer): IWebhookFunctions;
}

// webhook() never reads it; the trigger double only needs a value for getNodeWebhookUrl().
const WEBHOOK_URL = 'http://127.0.0.1/webhook';

export function webhookDouble(
	nodeType: INodeType,
	parameters: INodeParameters = {},
	options: { typeVersion?: number; credentials?: ICredentialDataDecryptedObject } = {},
): WebhookDouble {
	// One trigger double per webhookDouble: static data persists across its deliveries, never between doubles.
	const double = triggerDouble({ nodeType, parameters, webhookUrl: WEBHOOK_URL, ...options });
	return {
		staticData: double.staticData,
		warnings: double.warnings,
		context: (delivery, answer) => {
			const url = new URL(WEBHOOK_URL);
			for (const [key, value] of Object.entries(delivery.query ?? {})) {
				for (const v of ([] as string[]).concat(value)) url.searchParams.append(key, v);
			}
			// Like Node's HTTP server, header names arrive lower-cased; the body is JSON, as Anesya sends it.
			const headers: Record<string, string> = { 'content-type': 'application/json' };
			for (const [name, value] of Object.entries(delivery.headers ?? {})) headers[name.toLowerCase()] = value;
			const request: ReceivedRequest = {
				url,
				headers,
				rawBody: delivery.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(delivery.body)),
				lazyRawBody: false,
			};
			return double.webhookContext(request, recordingResponse(answer));
		},
	};
}

/** The few ServerResponse members the trigger double writes to, recorded into `answer`. */
function recordingResponse(answer: Answer): ServerResponse {
	return {
		get statusCode() {
			return answer.status;
		},
		set statusCode(code: number | undefined) {
			answer.status = code;
		},
		setHeader: () => undefined,
		end: (chunk?: string | Buffer) => {
			const text = chunk === undefined ? '' : chunk.toString();
			try {
				answer.body = text ? JSON.parse(text) : undefined;
			} catch {
				// Not JSON (res.send of plain text): keep it as written.
				answer.body = text;
			}
		},
	} as unknown as ServerResponse;
}
