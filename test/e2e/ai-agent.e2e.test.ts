/**
 * The nodes as AI-agent tools in a real n8n 2.41.1: n8n's AI Agent with its OpenAI Chat Model node, pointed at a
 * local OpenAI-compatible fake model (support/fake-model.ts) that answers with scripted tool calls, uses
 *   Anyformat · Workflow → Get Many, Extraction → Extract From Text, Extraction → Get Result and Anesya · Extract → Get
 * (support/agent.ts), and its final answer carries the values the tools extracted. The model picks each tool by
 * the description n8n gives it, so the operations' action texts are what is tested there.
 * No setting or env variable beyond the suites' usual community-package ones is set: none is needed in 2.41.
 */
import { randomUUID } from 'node:crypto';

import { buildTextPdf, DEFAULT_ANESYA_TOKEN, DEFAULT_ANYFORMAT_KEY, startFakeApi, type FakeApi } from '../fake-api';
import { an, form } from '../fake-api/test-helpers';
import { SAMPLE_INVOICE_FIELDS, SAMPLE_PURCHASE_ORDER_FIELDS, SAMPLE_PURCHASE_ORDER_TEXT, SAMPLE_RECEIPT_SCHEMA, SAMPLE_RECEIPT_TEXT } from '../../scripts/samples';
import { AGENT_NODE, AGENT_TOOLS, agentPrompt, agentWorkflow, documentAgentScript, type AgentTask } from './support/agent';
import { startFakeModel, textOf, type FakeModel } from './support/fake-model';
import { N8nApi, type CredentialRef, type Execution } from './support/n8n-api';
import { startN8n, type N8nInstance } from './support/n8n-instance';
import { Timings } from './support/timings';
import { waitUntil } from './support/wait';

const timings = new Timings();
let fake: FakeApi;
let model: FakeModel | undefined;
let n8n: N8nInstance | undefined;
let api: N8nApi;
let credentials: Record<'anyformatApi' | 'anesyaApi' | 'openAiApi', CredentialRef>;
let task: AgentTask;
let purchaseOrdersId: string;

beforeAll(async () => {
	fake = await startFakeApi({ anyformat: { apiKeys: [DEFAULT_ANYFORMAT_KEY], latencyMs: 300 }, anesya: { tokens: [DEFAULT_ANESYA_TOKEN], latencyMs: 200 } });
	fake.anyformat.createWorkflow({ name: 'Invoices', fields: SAMPLE_INVOICE_FIELDS });
	purchaseOrdersId = fake.anyformat.createWorkflow({ name: 'Purchase orders', fields: SAMPLE_PURCHASE_ORDER_FIELDS }).id;
	// a receipt already extracted in Anesya, for the agent to look up
	const schemaId = fake.anesya.createSchema({ name: 'Receipts', description: 'Till receipts', schema: SAMPLE_RECEIPT_SCHEMA }).id;
	const submitted = await an(fake, '/extract/', {
		method: 'POST',
		body: form([
			['document', { data: buildTextPdf(SAMPLE_RECEIPT_TEXT), filename: 'receipt.pdf', type: 'application/pdf' }],
			['server', 'EU-1'],
			['schema', schemaId],
		]),
	});
	const extractId = (submitted.json as { id: string }).id;
	await fake.waitFor(() => fake.anesya.extracts.find((e) => e.id === extractId && e.status === 'FINISHED'), { timeoutMs: 10_000 });
	task = { workflowHint: 'purchase order', text: SAMPLE_PURCHASE_ORDER_TEXT, extractId };

	model = await startFakeModel(documentAgentScript(task));
	n8n = await timings.measure('n8n start', () => startN8n({ label: 'ai-agent' }));
	api = await N8nApi.connect(n8n);
	credentials = {
		anyformatApi: await api.createCredential('anyformatApi', { apiKey: DEFAULT_ANYFORMAT_KEY, baseUrl: fake.urls.anyformat }),
		anesyaApi: await api.createCredential('anesyaApi', { apiToken: DEFAULT_ANESYA_TOKEN, baseUrl: fake.urls.anesya }),
		openAiApi: await api.createCredential('openAiApi', { apiKey: 'sk-fake-e2e', url: model.url }, 'Fake model (e2e)'),
	};
}, 180_000);

afterAll(async () => {
	await n8n?.stop();
	await model?.close();
	await fake?.close();
	process.stdout.write(`\n${timings.summary('AI agent e2e timings')}\n\n`);
}, 60_000);

/** What a tool node output in each of its runs (n8n records a tool's items on its ai_tool output). */
function toolRuns(execution: Execution, node: string): Array<Array<Record<string, unknown>>> {
	const runs = execution.data?.resultData.runData[node] ?? [];
	return runs.map((run) => ((run.data as Record<string, Array<Array<{ json: Record<string, unknown> }>>> | undefined)?.ai_tool?.[0] ?? []).map((i) => i.json));
}

describe('AI Agent with the Anyformat and Anesya tools in real n8n', () => {
	it('n8n offers both nodes as tools (no extra setting) with their operations', async () => {
		const types = await api.nodeTypes();
		const tools = types.filter((t) => t.name === 'n8n-nodes-document-extraction.anyformatTool' || t.name === 'n8n-nodes-document-extraction.anesyaTool');
		// n8n lists a versioned node once per version: Anesya 1 (API 0.8.1) and 2 (API v0) are both tools
		expect(tools.map((t) => [t.name, t.displayName, t.outputs, t.version]).sort()).toEqual([
			['n8n-nodes-document-extraction.anesyaTool', 'Anesya Tool', ['ai_tool'], 1],
			['n8n-nodes-document-extraction.anesyaTool', 'Anesya Tool', ['ai_tool'], 2],
			['n8n-nodes-document-extraction.anyformatTool', 'Anyformat Tool', ['ai_tool'], 1],
		]);
	});

	it('the agent lists workflows, extracts the email, fetches the result, reads the Anesya extract, and answers with the values', async () => {
		const path = `agent-${randomUUID()}`;
		const created = await api.createWorkflow(agentWorkflow({ start: { kind: 'webhook', path }, credentials, model: model!.model }));
		await api.activate(created.id);
		const response = await timings.measure('question → agent answer (5 model calls, 4 tool runs)', () =>
			api.waitForWebhook<{ output: string }>(path, { chatInput: agentPrompt(task) }, { timeoutMs: 90_000 }),
		);
		expect(response.status).toBe(200);

		// the model's calls: what it was offered and what it did
		const calls = model!.calls;
		const offered = calls[0].tools.map((t) => [t.name, t.description]).sort();
		expect(offered).toEqual(
			[
				['Extract_from_text', 'Extract fields from text in Anyformat'],
				['Get_Anesya_extract', 'Get an extract with its fields in Anesya'],
				['Get_extraction_result', 'Get the extracted fields of a document in Anyformat'],
				['List_anyformat_workflows', 'Get many workflows in Anyformat'],
			].sort(),
		);
		expect(calls[0].tools.find((t) => t.name === 'Extract_from_text')?.parameters.required?.sort()).toEqual(['text', 'workflow_id']);
		expect(calls.map((c) => ('call' in c.turn ? c.turn.call.name : 'answer'))).toEqual([
			'List_anyformat_workflows',
			'Extract_from_text',
			'Get_extraction_result',
			'Get_Anesya_extract',
			'answer',
		]);
		expect(calls[1].turn).toMatchObject({ call: { arguments: { workflow_id: purchaseOrdersId, text: SAMPLE_PURCHASE_ORDER_TEXT } } });

		// the tools really ran in n8n, against the APIs
		const execution = await api.waitForExecution((e) => e.workflowId === created.id && e.status === 'success', { workflowId: created.id, timeoutMs: 20_000 });
		for (const tool of Object.values(AGENT_TOOLS)) expect(toolRuns(execution, tool)).toHaveLength(1);
		const [extracted] = toolRuns(execution, AGENT_TOOLS.getResult);
		expect(extracted[0]).toMatchObject({ po_number: 'PO-7731', buyer_company: 'Northwind Traders Ltd', order_total: 2111.4 });
		// one anyformat submission (the receipt was submitted to Anesya before the agent ran)
		expect(fake.log.filter((e) => e.submission && e.route.startsWith('POST /v2/')).map((e) => e.route)).toEqual(['POST /v2/workflows/{workflow_id}/run/']);
		const [[receipt]] = toolRuns(execution, AGENT_TOOLS.anesyaExtract);
		expect(receipt).toMatchObject({ merchant_name: 'Blue Bean Coffee', total: 14.4, _meta: { extractId: task.extractId } });
		// the model saw exactly those results
		const fed = calls[4].messages.filter((m) => m.role === 'tool').map(textOf);
		expect(JSON.parse(fed[2])).toEqual(extracted);

		// and the final answer carries them
		expect(response.body.output).toBe('Order PO-7731 from Northwind Traders Ltd: total 2111.4 EUR. Receipt from Blue Bean Coffee: total 14.4 EUR.');
		expect(execution.data?.resultData.runData[AGENT_NODE]?.[0]?.data?.main?.[0]?.[0]?.json).toEqual({ output: response.body.output });

		process.stdout.write(
			`\nmodel calls (${calls.length}):\n${calls
				.map((c, i) => `  ${i + 1}. ${'call' in c.turn ? `tool call ${c.turn.call.name}(${JSON.stringify(c.turn.call.arguments).slice(0, 140)})` : `answer: ${c.turn.answer}`}`)
				.join('\n')}\ntool results seen by the model:\n${fed.map((f, i) => `  ${i + 1}. ${f.slice(0, 220)}${f.length > 220 ? '…' : ''}`).join('\n')}\nagent output: ${response.body.output}\n`,
		);
		await api.deactivate(created.id);
		await waitUntil(async () => (await api.callWebhook(path, {})).status === 404, { timeoutMs: 10_000, description: 'the webhook to be gone' });
	}, 120_000);
});
