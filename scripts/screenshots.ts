// npm run screenshots: the README's pictures of the nodes in the real n8n editor, taken with headless
// Chromium (Debian's `chromium` package, driven over the DevTools protocol, see chromium.ts) against a fresh
// demo instance (its own temporary state folder and free ports, so a running `npm run demo` is not touched).
// Writes docs/*.png. The demo workflows are run from the editor by clicking "Execute workflow", as a user would.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AGENT_NODE, AGENT_TOOLS, agentPrompt, agentWorkflow, documentAgentScript } from '../test/e2e/support/agent';
import { startFakeModel } from '../test/e2e/support/fake-model';
import { freePort, isPortFree } from '../test/e2e/support/n8n-instance';
import { E2E_STATE_ROOT, REPO_ROOT } from '../test/e2e/support/paths';
import { sleep } from '../test/e2e/support/wait';
import { Browser, type Page } from './chromium';
import { startDemo, type Demo } from './demo';
import { SAMPLE_PURCHASE_ORDER_TEXT } from './samples';

const DOCS = join(REPO_ROOT, 'docs');
const VIEWPORT = { width: 1440, height: 900 };

/** CSS selector of a node on the canvas, by its name. */
const canvasNode = (name: string) => `[data-test-id="canvas-node"][data-node-name=${JSON.stringify(name)}]`;

async function logIn(page: Page, demo: Demo): Promise<void> {
	const run = demo.record.running!;
	await page.goto(`${run.editorUrl}/signin`);
	await page.type('input[name="emailOrLdapLoginId"]', run.owner.email);
	await page.type('input[name="password"]', run.owner.password);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitFor(`!location.pathname.startsWith('/signin')`, 'the editor after logging in');
}

async function openWorkflow(page: Page, demo: Demo, key: string): Promise<void> {
	const { id } = demo.record.workflows[key];
	await page.goto(`${demo.record.running!.editorUrl}/workflow/${id}`);
	await page.waitFor(`document.querySelectorAll('[data-test-id="canvas-node"]').length > 0`, `the canvas of ${key}`);
	await settle(page);
	await fitView(page);
}

/** Lets animations and lazy panels finish (n8n has no "idle" signal the page exposes). */
async function settle(page: Page, ms = 800): Promise<void> {
	await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
	await sleep(ms);
}

/** "Zoom to fit" so the whole workflow and its sticky note are in the picture. */
async function fitView(page: Page): Promise<void> {
	await page.click('[data-test-id="zoom-to-fit"]', { timeoutMs: 10_000 });
	await settle(page, 600);
}

/** Clicks "Execute workflow" and waits until every node of the chain shows its result. */
async function executeWorkflow(page: Page, expectNodes: string[]): Promise<void> {
	await page.click('[data-test-id="execute-workflow-button"]');
	const checks = expectNodes.map((n) => `document.querySelector(${JSON.stringify(`${canvasNode(n)} [data-test-id="canvas-node-status-success"]`)})`);
	await page.waitFor(checks.join(' && '), `a successful run of ${expectNodes.join(', ')}`, 60_000);
	await settle(page);
}

async function openNode(page: Page, name: string): Promise<void> {
	await page.click(canvasNode(name), { clickCount: 2 });
	await page.waitFor(`document.querySelector('[data-test-id="ndv"]')`, `the panel of ${name}`);
	await settle(page, 1200);
}

async function closeNode(page: Page): Promise<void> {
	await page.pressKey('Escape');
	await page.waitFor(`!document.querySelector('[data-test-id="ndv"]')`, 'the panel to close', 10_000).catch(() => undefined);
	await settle(page, 300);
}

/** Shows the output panel's items as JSON (the table view makes nested values very tall). */
async function outputAsJson(page: Page): Promise<void> {
	await page.click('[data-test-id="output-panel"] [data-test-id="radio-button-json"]');
	await settle(page, 500);
}

 /** Shows the input panel's items as a schema: the Binary view would show the file's folder on this machine. */
async function inputAsSchema(page: Page): Promise<void> {
	await page.click('[data-test-id="ndv-input-panel"] [data-test-id="radio-button-schema"]', { timeoutMs: 5_000 }).catch(async () => {
		await page.click('[data-test-id="input-panel"] [data-test-id="radio-button-schema"]', { timeoutMs: 5_000 });
	});
	await settle(page, 500);
}

/** Unfolds a trigger's "Webhook URLs" and shows the production URL (the one registered / pasted). */
async function showWebhookUrls(page: Page): Promise<void> {
	await page.clickText('[data-test-id="ndv"] *', 'Webhook URLs');
	await page.clickText('[data-test-id="ndv"] *', 'Production URL');
	await settle(page, 500);
}

/** The demo's usual port when it is free (the pictures then show what a user sees), else any free one. */
async function preferredPort(port: number): Promise<number> {
	return (await isPortFree(port)) ? port : await freePort();
}

async function shoot(page: Page, file: string, log: (s: string) => void): Promise<void> {
	// the "Workflow executed successfully" toasts would cover the output
	await page.evaluate(`document.querySelectorAll('.el-notification').forEach((n) => n.remove())`);
	const target = join(DOCS, file);
	writeFileSync(target, await page.screenshot());
	log(`wrote ${target}`);
}

interface Shot {
	/** demo workflow key */
	workflow: string;
	/** click "Execute workflow" first and wait for these nodes to succeed */
	run?: string[];
	/** then picture the canvas into this file */
	canvas?: string;
	/** the node whose panel is pictured into `file`: with its output items, or a trigger's webhook URLs */
	node: string;
	panel: 'output' | 'webhooks';
	file: string;
}

const SHOTS: Shot[] = [
	{
		workflow: 'anyformat-invoice-to-csv',
		run: ['Anyformat: extract invoice', 'Convert to CSV', 'Write CSV to disk'],
		canvas: 'demo-invoice-to-csv.png',
		node: 'Anyformat: extract invoice',
		panel: 'output',
		file: 'anyformat-extract-from-file.png',
	},
	{
		workflow: 'anyformat-review-routing',
		run: ['Anyformat: extract order', 'Needs review?', 'Send to review'],
		canvas: 'demo-review-routing.png',
		node: 'Anyformat: extract order',
		panel: 'output',
		file: 'anyformat-review-threshold.png',
	},
	{ workflow: 'anyformat-trigger-enrich', node: 'Anyformat Trigger', panel: 'webhooks', file: 'anyformat-trigger.png' },
	{
		workflow: 'anesya-extract-with-workflow',
		run: ['Anesya: extract receipt'],
		node: 'Anesya: extract receipt',
		panel: 'output',
		file: 'anesya-extract-with-workflow.png',
	},
	{ workflow: 'anesya-trigger', node: 'Anesya Trigger', panel: 'webhooks', file: 'anesya-trigger.png' },
];

/**
 * The AI Agent of test/e2e/support/agent.ts in the demo's n8n, run from the editor against the scripted model:
 * the canvas with every tool run, then the agent's answer.
 */
async function agentShots(page: Page, demo: Demo, log: (s: string) => void): Promise<void> {
	// the receipt the Anesya shot above extracted is the extract the agent reads
	const extract = demo.sandbox.anesya.extracts.find((e) => e.status === 'FINISHED');
	if (!extract) throw new Error('no finished Anesya extract in the sandbox to show the agent');
	const task = { workflowHint: 'purchase order', text: SAMPLE_PURCHASE_ORDER_TEXT, extractId: extract.id };
	const model = await startFakeModel(documentAgentScript(task));
	try {
		const openAi = await demo.api.createCredential('openAiApi', { apiKey: 'sk-not-a-real-key', url: model.url }, 'Local scripted model (no API key)');
		const workflow = agentWorkflow({
			start: { kind: 'manual', question: agentPrompt(task) },
			credentials: { ...demo.record.credentials, openAiApi: { id: openAi.id, name: openAi.name } },
			model: model.model,
			name: 'Sandbox – AI Agent with the Anyformat and Anesya tools',
		});
		const created = await demo.api.createWorkflow(workflow);
		await page.goto(`${demo.record.running!.editorUrl}/workflow/${created.id}`);
		await page.waitFor(`document.querySelectorAll('[data-test-id="canvas-node"]').length > 0`, 'the agent canvas');
		await settle(page);
		await fitView(page);
		await executeWorkflow(page, [AGENT_NODE]);
		await page.waitFor(
			Object.values(AGENT_TOOLS)
				.map((n) => `document.querySelector(${JSON.stringify(`${canvasNode(n)} [data-test-id="canvas-node-status-success"]`)})`)
				.join(' && '),
			'every tool to show its run',
			30_000,
		);
		await fitView(page);
		await shoot(page, 'ai-agent-tools.png', log);
		await openNode(page, AGENT_NODE);
		await outputAsJson(page);
		await shoot(page, 'ai-agent-answer.png', log);
		await closeNode(page);
		log(`agent: ${model.calls.length} model calls: ${model.calls.map((c) => ('call' in c.turn ? c.turn.call.name : 'answer')).join(' → ')}`);
	} finally {
		await model.close();
	}
}

async function main(): Promise<void> {
	const log = (s: string) => process.stdout.write(`${s}\n`);
	mkdirSync(DOCS, { recursive: true });
	mkdirSync(E2E_STATE_ROOT, { recursive: true });
	const stateDir = mkdtempSync(join(E2E_STATE_ROOT, 'screenshots-'));
	const demo = await startDemo({ stateDir, port: await preferredPort(5678), apiPort: await preferredPort(5790), log });
	let browser: Browser | undefined;
	try {
		browser = await Browser.launch(VIEWPORT);
		const page = await browser.newPage(VIEWPORT);
		await logIn(page, demo);

		for (const shot of SHOTS) {
			await openWorkflow(page, demo, shot.workflow);
			if (shot.run) {
				await executeWorkflow(page, shot.run);
				await fitView(page);
			}
			if (shot.canvas) await shoot(page, shot.canvas, log);
			await openNode(page, shot.node);
			if (shot.panel === 'output') {
				await outputAsJson(page);
				await inputAsSchema(page);
			} else {
				await showWebhookUrls(page);
			}
			await shoot(page, shot.file, log);
			await closeNode(page);
		}
		await agentShots(page, demo, log);
	} finally {
		await browser?.close();
		await demo.stop();
		rmSync(stateDir, { recursive: true, force: true });
	}
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`screenshots failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	});
}
