/**
 * Run n8n CLI commands (import:*, export:*, execute, publish:workflow …) against an instance's state folder.
 * Each CLI process starts its own task broker (gotcha G3), so it gets its own free broker port.
 */
import { spawn } from 'node:child_process';

import { freePort, type N8nInstance } from './n8n-instance';
import { descendants, isAlive, procRef, signalAll, type ProcRef } from './proc';

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	/** stdout + stderr interleaved as n8n printed them (n8n logs everything to stdout) */
	output: string;
	ms: number;
}

export async function runN8nCli(
	instance: Pick<N8nInstance, 'runtime' | 'env' | 'stateDir'>,
	args: string[],
	opts: { timeoutMs?: number; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
	const env: NodeJS.ProcessEnv = { ...instance.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
	for (const [k, v] of Object.entries(opts.env ?? {})) {
		if (v === undefined) delete env[k];
		else env[k] = v;
	}
	const timeoutMs = opts.timeoutMs ?? 120_000;
	const started = Date.now();
	return await new Promise<CliResult>((resolve, reject) => {
		const child = spawn(instance.runtime.node, [instance.runtime.n8nBin, ...args], {
			cwd: instance.stateDir,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		const self = child.pid ? procRef(child.pid) : undefined;
		let tree: ProcRef[] = [];
		// the CLI starts a task runner of its own: remember it while the CLI runs, kill what outlives the CLI
		const watch = setInterval(() => {
			if (self && isAlive(self)) tree = [...new Map([...tree, ...descendants(self.pid)].map((r) => [`${r.pid}:${r.startTime}`, r])).values()];
		}, 500);
		const kill = (signal: NodeJS.Signals) => {
			signalAll([...(self ? [self] : []), ...(self && isAlive(self) ? descendants(self.pid) : []), ...tree], signal);
		};
		const onExit = () => kill('SIGKILL');
		process.once('exit', onExit);
		const timer = setTimeout(() => {
			clearInterval(watch);
			kill('SIGKILL');
			reject(new Error(`n8n ${args.join(' ')} did not finish within ${timeoutMs} ms\n${output.slice(-4000)}`));
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			clearInterval(watch);
			process.removeListener('exit', onExit);
			reject(e);
		});
		child.on('exit', () => {
			clearInterval(watch);
			kill('SIGKILL'); // the CLI's task runner, if it outlived the CLI (it would also hold our stdout pipe open)
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			process.removeListener('exit', onExit);
			resolve({ code, signal, output, ms: Date.now() - started });
		});
	});
}

/**
 * `n8n execute --id X --rawOutput` prints the execution JSON through the logger, mixed with log lines (gotcha G6):
 * take the block from a line that is exactly `{` to the next line that is exactly `}`.
 */
export function extractExecutionJson(output: string): Record<string, unknown> {
	const lines = output.split('\n');
	const start = lines.findIndex((l) => l.trimEnd() === '{');
	if (start < 0) throw new Error(`no JSON block in n8n output:\n${output.slice(-2000)}`);
	const end = lines.findIndex((l, i) => i > start && l.trimEnd() === '}');
	if (end < 0) throw new Error('unterminated JSON block in n8n output');
	return JSON.parse(lines.slice(start, end + 1).join('\n')) as Record<string, unknown>;
}
