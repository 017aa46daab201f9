// A small stand-in for the IWebhookFunctions n8n passes to a trigger's webhook(): parameters with
// the node's defaults, one delivery (body, headers, query), node static data that persists across
// deliveries, and a response object that records what the node answered itself.
import { randomUUID } from 'node:crypto';
import type { IDataObject, INodeExecutionData, INodeType, IWebhookFunctions } from 'n8n-workflow';

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
	/** Builds the context for one delivery; `answer` records a response the node writes itself. */
	context(delivery: Delivery, answer: Answer): IWebhookFunctions;
}

export function webhookDouble(nodeType: INodeType, parameters: IDataObject = {}): WebhookDouble {
	const staticData: IDataObject = {};
	// Each double is its own workflow: remembered deliveries never leak between tests.
	const workflowId = `anesya-trigger-test-${randomUUID()}`;
	const node = { id: 'anesya-trigger', name: 'Anesya Trigger', type: 'test.anesyaTrigger', typeVersion: 1, position: [0, 0], parameters };
	const parameter = (name: string, fallback?: unknown) => {
		if (name in parameters) return parameters[name];
		const declared = nodeType.description.properties.find((p) => p.name === name);
		return declared ? declared.default : fallback;
	};
	return {
		staticData,
		context: (delivery, answer) => {
			const response = {
				status(code: number) {
					answer.status = code;
					return response;
				},
				json(body: unknown) {
					answer.body = body;
					return response;
				},
			};
			const headers = Object.fromEntries(Object.entries(delivery.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
			return {
				getNode: () => node,
				getWorkflow: () => ({ id: workflowId, name: 'trigger test', active: true }),
				getNodeParameter: parameter,
				getBodyData: () => delivery.body,
				getHeaderData: () => headers,
				getQueryData: () => delivery.query ?? {},
				getResponseObject: () => response,
				getWorkflowStaticData: (type: string) => {
					if (type !== 'node') throw new Error(`unexpected static data type ${type}`);
					return staticData;
				},
				helpers: {
					returnJsonArray: (json: IDataObject | IDataObject[]): INodeExecutionData[] =>
						(Array.isArray(json) ? json : [json]).map((entry) => ({ json: entry })),
				},
			} as unknown as IWebhookFunctions;
		},
	};
}
