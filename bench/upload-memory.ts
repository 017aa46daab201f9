// P4, in its own process so nothing else shares the heap: 8 uploads of a 20 MB file in flight at
// once through the built Anyformat node; the fake API runs in ANOTHER process (it stores uploads)
// and holds every upload's response for a while, so all 8 bodies are in flight together.
// argv[2] = 'filesystem' (n8n 2.x default: files in the binary store) or 'memory' (base64 in the item).
import './env';

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { INodeExecutionData, INodeType } from 'n8n-workflow';

import { DEFAULT_ANYFORMAT_KEY } from '../test/fake-api/options';
import { fileItem, runNode, storedFileItem } from '../test/helpers/n8n-harness';
import { builtNode } from './common';

const UPLOADS = 8;
const FILE_BYTES = 20 * 1024 * 1024 - 1024;

async function startFakeProcess() {
	const dir = mkdtempSync(join(tmpdir(), 'bench-fake-'));
	const config = join(dir, 'fake.json');
	writeFileSync(
		config,
		JSON.stringify({ anyformat: { rateLimits: false, latencyMs: 60_000 }, faults: { rate: 1, kinds: ['slow'], slowMs: 2500, seed: 1 } }),
	);
	const child = spawn(process.execPath, [join(__dirname, '..', 'test', 'fake-api', 'cli.js'), '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
	const line = await new Promise<string>((resolve, reject) => {
		createInterface({ input: child.stdout! }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`fake API exited ${code}`)));
	});
	return { child, urls: (JSON.parse(line) as { urls: { anyformat: string } }).urls };
}

async function main() {
	const fake = await startFakeProcess();
	try {
		const workflow = await fetch(`${fake.urls.anyformat}/_fake/anyformat/workflows`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'Memory', fields: [{ name: 'title', description: 'Title', data_type: 'string' }] }),
		}).then(async (r) => (await r.json()) as { id: string });

		const mode = process.argv[2] === 'memory' ? 'memory' : 'filesystem';
		const file = Buffer.alloc(FILE_BYTES, 7);
		// The file as n8n holds it in the chosen binary-data mode: base64 in the item, or in the filesystem store.
		const itemOf = async (content: Buffer, name: string) =>
			mode === 'memory' ? fileItem(content, name, 'application/pdf') : await storedFileItem(content, name, 'application/pdf');
		const items: INodeExecutionData[] = [];
		for (let i = 0; i < UPLOADS; i++) items.push(await itemOf(file, `large-${i}.pdf`));
		const Anyformat = builtNode<INodeType>('nodes/Anyformat/Anyformat.node.js', 'Anyformat');
		const upload = async (batch: typeof items) =>
			await runNode({
				nodeType: new Anyformat(),
				parameters: {
					resource: 'extraction',
					operation: 'extractFromFile',
					workflow: { __rl: true, mode: 'id', value: workflow.id },
					waitForCompletion: false,
					batchOptions: { maxInFlight: UPLOADS },
				},
				credentials: { anyformatApi: { apiKey: DEFAULT_ANYFORMAT_KEY, baseUrl: fake.urls.anyformat } },
				items: batch,
			});
		// One small upload first, so the figure is the cost of uploads in flight, not of loading the
		// code paths the first time (a running n8n has them loaded already).
		await upload([await itemOf(Buffer.alloc(1024, 7), 'warm-up.pdf')]);
		global.gc?.();
		global.gc?.();
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage().rss);
		}, 5);

		const result = await upload(items);
		clearInterval(sampler);
		peak = Math.max(peak, process.memoryUsage().rss);
		if (result.error || result.items.length !== UPLOADS) throw new Error(`uploads failed: ${result.error?.message}`);

		const growth = peak - baseline;
		const ratio = growth / (UPLOADS * FILE_BYTES);
		console.log(
			JSON.stringify({
				rssGrowthPerUploadRatio: +ratio.toFixed(3),
				mode,
				detail: `P4 (${mode} binary data): ${UPLOADS} uploads × ${(FILE_BYTES / 1048576).toFixed(1)} MB in flight: baseline RSS ${(baseline / 1048576).toFixed(0)} MB, peak ${(peak / 1048576).toFixed(0)} MB, growth ${(growth / 1048576).toFixed(0)} MB`,
			}),
		);
	} finally {
		fake.child.kill('SIGTERM');
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
