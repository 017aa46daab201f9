/**
 * An n8n AI Agent that uses this package's nodes as tools, and a scripted model for it (see fake-model.ts).
 *
 * The workflow: a start (Webhook, or Manual Trigger → "Question" for runs from the editor) → AI Agent, with n8n's
 * OpenAI Chat Model (pointed at the fake model) and four tools: Anyformat · Workflow → Get Many, Extraction →
 * Extract From Text (not waiting) and Extraction → Get Result, and Anesya · Extract → Get. Tool arguments come from
 * the model through `$fromAI()`.
 *
 * The script behaves as a model would with these tools: it picks each tool by its *description* (what n8n sends
 * the model: the operation's action text), never by the node name, fills the arguments the tool's schema
 * advertises, reads the tool results, and answers with the values it got back.
 */
import type { WorkflowJson, WorkflowNode } from './n8n-api';
import { textOf, type ChatMessage, type ModelScript, type OfferedTool } from './fake-model';
import { nodeType } from './workflows';

export const AGENT_NODE = 'AI Agent';
export const CHAT_MODEL_NODE = 'OpenAI Chat Model';
/** Node names of the tools; n8n names each tool after its node (spaces → underscores). */
export const AGENT_TOOLS = {
	listWorkflows: 'List anyformat workflows',
	extractText: 'Extract from text',
	getResult: 'Get extraction result',
	anesyaExtract: 'Get Anesya extract',
} as const;

/** The user's request: which anyformat workflow to look for, the email to extract, the Anesya extract to read. */
export interface AgentTask {
	/** a word in the name of the anyformat workflow to use, e.g. "purchase order" */
	workflowHint: string;
	/** the text to extract fields from (an email body) */
	text: string;
	/** the ID of an Anesya extract to read */
	extractId: string;
}

export function agentPrompt(task: AgentTask): string {
	return [
		`Extract the order in the email below with my anyformat workflow for ${task.workflowHint}s, then fetch the extracted fields.`,
		`Also read the Anesya extract ${task.extractId} (a till receipt). Tell me the order number, buyer and total, and the receipt's merchant and total.`,
		'',
		'EMAIL:',
		task.text,
	].join('\n');
}

const fromAI = (key: string, description: string) => `={{ $fromAI('${key}', '${description}', 'string') }}`;
const WORKFLOW_ID = fromAI('workflow_id', 'ID of the anyformat workflow (the extraction template) to use');

function tool(name: string, type: string, position: [number, number], parameters: Record<string, unknown>, credentials: WorkflowNode['credentials']): WorkflowNode {
	return { id: `${name.replace(/\W+/g, '-').toLowerCase()}-0000-4000-8000-000000000000`.slice(0, 36), name, type: nodeType(type), typeVersion: 1, position, parameters: { descriptionType: 'auto', ...parameters }, credentials };
}

/**
 * The agent workflow. `start: 'webhook'` answers the POST with the agent's output (body `{ chatInput }`);
 * `start: 'manual'` asks `question` from the editor's "Execute workflow".
 */
export function agentWorkflow(o: {
	start: { kind: 'webhook'; path: string } | { kind: 'manual'; question: string };
	credentials: { anyformatApi: { id: string; name: string }; anesyaApi: { id: string; name: string }; openAiApi: { id: string; name: string } };
	model: string;
	name?: string;
}): WorkflowJson {
	const nodes: WorkflowNode[] = [];
	const connections: Record<string, unknown> = {};
	let promptFrom: string;
	let entry: string;
	if (o.start.kind === 'webhook') {
		entry = 'Webhook';
		nodes.push({
			id: 'a9e17000-0000-4000-8000-000000000001',
			name: entry,
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'a9e17000-0000-4000-8000-0000000000aa',
			parameters: { httpMethod: 'POST', path: o.start.path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
		});
		promptFrom = '={{ $json.body.chatInput }}';
	} else {
		entry = 'When clicking ‘Execute workflow’';
		nodes.push(
			{ id: 'a9e17000-0000-4000-8000-000000000001', name: entry, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'a9e17000-0000-4000-8000-000000000002',
				name: 'Question',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: {
					assignments: { assignments: [{ id: 'a9e17000-0000-4000-8000-000000000003', name: 'chatInput', value: o.start.question, type: 'string' }] },
					options: {},
				},
			},
		);
		connections[entry] = { main: [[{ node: 'Question', type: 'main', index: 0 }]] };
		entry = 'Question';
		promptFrom = '={{ $json.chatInput }}';
	}
	const x = o.start.kind === 'webhook' ? 260 : 480;
	nodes.push({
		id: 'a9e17000-0000-4000-8000-000000000010',
		name: AGENT_NODE,
		type: '@n8n/n8n-nodes-langchain.agent',
		typeVersion: 3,
		position: [x, 0],
		parameters: {
			promptType: 'define',
			text: promptFrom,
			options: { systemMessage: 'You help with documents. Use the tools to extract and look up data; answer with the values the tools returned.' },
		},
	});
	connections[entry] = { main: [[{ node: AGENT_NODE, type: 'main', index: 0 }]] };
	nodes.push({
		id: 'a9e17000-0000-4000-8000-000000000011',
		name: CHAT_MODEL_NODE,
		type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
		typeVersion: 1.2,
		position: [x - 160, 240],
		parameters: { model: { __rl: true, mode: 'id', value: o.model }, options: {} },
		credentials: { openAiApi: o.credentials.openAiApi },
	});
	connections[CHAT_MODEL_NODE] = { ai_languageModel: [[{ node: AGENT_NODE, type: 'ai_languageModel', index: 0 }]] };
	const anyformat = { anyformatApi: o.credentials.anyformatApi };
	const tools = [
		tool(AGENT_TOOLS.listWorkflows, 'anyformatTool', [x, 240], { resource: 'workflow', operation: 'getAll', returnAll: true }, anyformat),
		tool(
			AGENT_TOOLS.extractText,
			'anyformatTool',
			[x + 160, 240],
			{
				resource: 'extraction',
				operation: 'extractFromText',
				workflow: { __rl: true, mode: 'id', value: WORKFLOW_ID },
				text: fromAI('text', 'The full text of the document to extract fields from'),
				waitForCompletion: false,
			},
			anyformat,
		),
		tool(
			AGENT_TOOLS.getResult,
			'anyformatTool',
			[x + 320, 240],
			{
				resource: 'extraction',
				operation: 'getResult',
				workflow: { __rl: true, mode: 'id', value: WORKFLOW_ID },
				collectionId: fromAI('collection_id', 'The collection ID anyformat returned when the document was submitted'),
			},
			anyformat,
		),
		tool(
			AGENT_TOOLS.anesyaExtract,
			'anesyaTool',
			[x + 480, 240],
			{ resource: 'extract', operation: 'get', extractId: fromAI('extract_id', 'ID of the Anesya extract to read') },
			{ anesyaApi: o.credentials.anesyaApi },
		),
	];
	nodes.push(...tools);
	for (const t of tools) connections[t.name] = { ai_tool: [[{ node: AGENT_NODE, type: 'ai_tool', index: 0 }]] };
	return { name: o.name ?? 'AI Agent with the document-extraction tools', nodes, connections, settings: { executionOrder: 'v1' } };
}

// ---- the scripted model ------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** A tool result as the agent hands it back: JSON text of the node's output items. */
function parsed(message: ChatMessage): unknown {
	const text = textOf(message);
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

const items = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : value && typeof value === 'object' ? [value as Json] : []);

/** The offered tool whose description matches; the model knows nothing else about it. */
function toolFor(tools: OfferedTool[], description: RegExp): OfferedTool {
	const found = tools.filter((t) => description.test(t.description));
	if (found.length !== 1) {
		throw new Error(`expected one tool described as ${description}, found ${found.length}: ${tools.map((t) => `${t.name} = "${t.description}"`).join('; ')}`);
	}
	return found[0];
}

/** The argument of a tool whose schema description matches (what a model reads to fill it). */
function argumentFor(tool: OfferedTool, description: RegExp): string {
	const entry = Object.entries(tool.parameters.properties ?? {}).find(([, p]) => description.test(p.description ?? ''));
	if (!entry) throw new Error(`tool ${tool.name} has no argument described as ${description}: ${JSON.stringify(tool.parameters)}`);
	return entry[0];
}

/** What the scripted model does for `task` (see the file comment); one call per step, then the answer. */
export function documentAgentScript(task: AgentTask): ModelScript {
	return ({ messages, tools }) => {
		const results = messages.filter((m) => m.role === 'tool').map(parsed);
		const prompt = textOf([...messages].reverse().find((m) => m.role === 'user') ?? { role: 'user', content: '' });
		const email = prompt.split('EMAIL:\n')[1] ?? prompt;
		switch (results.length) {
			case 0:
				return { call: { name: toolFor(tools, /^get many workflows/i).name, arguments: {} } };
			case 1: {
				const workflow = items(results[0]).find((w) => new RegExp(task.workflowHint, 'i').test(String(w.name)));
				if (!workflow) throw new Error(`no workflow for "${task.workflowHint}" in ${JSON.stringify(results[0])}`);
				const extract = toolFor(tools, /^extract fields from text/i);
				return {
					call: {
						name: extract.name,
						arguments: { [argumentFor(extract, /anyformat workflow/i)]: workflow.id, [argumentFor(extract, /text of the document/i)]: email },
					},
				};
			}
			case 2: {
				const [receipt] = items(results[1]);
				const getResult = toolFor(tools, /^get the extracted fields/i);
				return {
					call: {
						name: getResult.name,
						arguments: { [argumentFor(getResult, /anyformat workflow/i)]: receipt.workflow_id, [argumentFor(getResult, /collection id/i)]: receipt.id },
					},
				};
			}
			case 3: {
				const anesya = toolFor(tools, /^get an extract/i);
				return { call: { name: anesya.name, arguments: { [argumentFor(anesya, /anesya extract/i)]: task.extractId } } };
			}
			default: {
				const [order] = items(results[2]);
				const [receipt] = items(results[3]);
				return {
					answer:
						`Order ${String(order.po_number)} from ${String(order.buyer_company)}: total ${String(order.order_total)} ${String(order.currency)}. ` +
						`Receipt from ${String(receipt.merchant_name)}: total ${String(receipt.total)} ${String(receipt.currency)}.`,
				};
			}
		}
	};
}
