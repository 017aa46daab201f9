/**
 * Workflow JSON builders for the e2e suites. Credentials are referenced by type with a placeholder id;
 * N8nApi.createWorkflow(workflow, [credentialRef]) patches in the real ids.
 */
import { randomUUID } from 'node:crypto';

import type { CredentialRef, WorkflowJson, WorkflowNode } from './n8n-api';
import { PACKAGE_NAME } from './paths';

/** `anyformat` -> `n8n-nodes-document-extraction.anyformat` (already-qualified names pass through). */
export function nodeType(name: string): string {
	return name.includes('.') ? name : `${PACKAGE_NAME}.${name}`;
}

export type CredentialsArg = Array<CredentialRef | { type: string; id?: string; name?: string }>;

function credentialsOf(credentials: CredentialsArg = []): WorkflowNode['credentials'] | undefined {
	if (credentials.length === 0) return undefined;
	return Object.fromEntries(
		credentials.map((c) => [c.type, { id: c.id ?? 'PLACEHOLDER', name: c.name ?? `${c.type} (e2e)` }]),
	);
}

export interface NodeSpec {
	/** node type, short (`anyformat`) or qualified (`n8n-nodes-base.set`) */
	type: string;
	parameters?: Record<string, unknown>;
	credentials?: CredentialsArg;
	typeVersion?: number;
	name?: string;
	/** extra node fields (e.g. continueOnFail, retryOnFail) */
	extra?: Record<string, unknown>;
}

function node(spec: NodeSpec, position: [number, number], fallbackName: string): WorkflowNode {
	const n: WorkflowNode = {
		id: randomUUID(),
		name: spec.name ?? fallbackName,
		type: nodeType(spec.type),
		typeVersion: spec.typeVersion ?? 1,
		position,
		parameters: spec.parameters ?? {},
		...(spec.extra ?? {}),
	};
	const creds = credentialsOf(spec.credentials);
	if (creds) n.credentials = creds;
	return n;
}

function chain(nodes: WorkflowNode[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return connections;
}

/** `first`, then `specs` in a row to its right, each connected to the next: a complete workflow. */
function workflowFrom(name: string, first: WorkflowNode, specs: NodeSpec[]): WorkflowJson {
	const nodes = [first, ...specs.map((s, i) => node(s, [220 * (i + 1), 0], `Node ${i + 1}`))];
	return { name, nodes, connections: chain(nodes), settings: { executionOrder: 'v1' } };
}

export interface WebhookWorkflowOptions {
	/** webhook path (default: a random one, so workflows never collide) */
	path?: string;
	httpMethod?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	name?: string;
	/** Webhook node response: 'allEntries' (default) returns every item of the last node as a JSON array. */
	responseData?: 'allEntries' | 'firstEntryJson' | 'firstEntryBinary' | 'noData';
}

/**
 * Webhook (responseMode lastNode) -> node(s). Activate it, then POST to `/webhook/<path>`: the HTTP response is
 * the last node's output items, so an action node runs synchronously over HTTP (~60-80 ms per call).
 * Parameters may use expressions on the request, e.g. `'={{ $json.body.workflowId }}'`.
 */
export function webhookToNodes(
	specs: NodeSpec[],
	opts: WebhookWorkflowOptions = {},
): { workflow: WorkflowJson; path: string } {
	const path = opts.path ?? `e2e-${randomUUID()}`;
	const webhook: WorkflowNode = {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: {
			httpMethod: opts.httpMethod ?? 'POST',
			path,
			responseMode: 'lastNode',
			responseData: opts.responseData ?? 'allEntries',
			options: {},
		},
	};
	return { path, workflow: workflowFrom(opts.name ?? `e2e webhook ${path}`, webhook, specs) };
}

/** Webhook -> one node of this package (see webhookToNodes). */
export function webhookToNode(
	type: string,
	parameters: Record<string, unknown>,
	credentials: CredentialsArg = [],
	opts: WebhookWorkflowOptions & { typeVersion?: number; nodeName?: string } = {},
): { workflow: WorkflowJson; path: string } {
	return webhookToNodes([{ type, parameters, credentials, typeVersion: opts.typeVersion, name: opts.nodeName ?? 'Node' }], opts);
}

/** Manual Trigger -> node(s): for `n8n execute --id <id>` (needs a manual trigger). */
export function manualToNodes(specs: NodeSpec[], opts: { name?: string } = {}): WorkflowJson {
	const trigger: WorkflowNode = {
		id: randomUUID(),
		name: 'Manual Trigger',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return workflowFrom(opts.name ?? 'e2e manual', trigger, specs);
}

/**
 * A workflow whose first node is a trigger of this package (e.g. a webhook-based trigger), optionally followed by
 * more nodes. `webhookId` is fixed so the production URL is predictable: /webhook/<webhookId>/<path>.
 */
export function triggerWorkflow(
	trigger: NodeSpec & { webhookId?: string },
	then: NodeSpec[] = [],
	opts: { name?: string } = {},
): { workflow: WorkflowJson; webhookId: string } {
	const webhookId = trigger.webhookId ?? randomUUID();
	const first = { ...node(trigger, [0, 0], 'Trigger'), webhookId };
	return { webhookId, workflow: workflowFrom(opts.name ?? 'e2e trigger', first, then) };
}
