/**
 * Runs the fake standalone: `node .tools/test/fake-api/cli.js --port 5790 --config cfg.json`.
 * Prints one JSON line {"url", "urls", "pid"} once listening; exits cleanly on SIGTERM/SIGINT.
 * The config file holds FakeApiOptions as JSON (no functions).
 */
import { readFileSync } from 'node:fs';
import { startFakeApi, type FakeApi } from './index';
import type { FakeApiOptions } from './types';

export interface CliIo {
	stdout: (line: string) => void;
	/** Installs SIGTERM/SIGINT handlers that close the fake and exit (off in tests). */
	handleSignals: boolean;
}

export interface CliArgs {
	port?: number;
	host?: string;
	config?: string;
}

export function parseArgs(argv: string[]): CliArgs {
	const args: CliArgs = {};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = () => inline ?? argv[++i];
		if (flag === '--port') {
			const port = Number(value());
			if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port expects 0..65535`);
			args.port = port;
		} else if (flag === '--host') args.host = value();
		else if (flag === '--config') args.config = value();
		else throw new Error(`unknown argument "${argv[i]}" (usage: cli.js [--port N] [--host H] [--config file.json])`);
	}
	return args;
}

export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<{ fake: FakeApi; stop: () => Promise<void> }> {
	const write = io.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
	const args = parseArgs(argv);
	const options: FakeApiOptions = args.config ? (JSON.parse(readFileSync(args.config, 'utf8')) as FakeApiOptions) : {};
	if (args.port !== undefined) options.port = args.port;
	if (args.host !== undefined) options.host = args.host;
	const fake = await startFakeApi(options);

	let closing: Promise<void> | undefined;
	const closeOnce = () => (closing ??= fake.close());
	// Handlers stay attached while closing, so a second signal cannot kill the process half-way.
	const onSignal = () => {
		void closeOnce().then(() => process.exit(0));
	};
	const stop = async () => {
		process.off('SIGTERM', onSignal);
		process.off('SIGINT', onSignal);
		await closeOnce();
	};
	if (io.handleSignals ?? true) {
		process.on('SIGTERM', onSignal);
		process.on('SIGINT', onSignal);
	}
	write(JSON.stringify({ url: fake.url, urls: fake.urls, pid: process.pid }));
	return { fake, stop };
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((error: unknown) => {
		process.stderr.write(`fake-api: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	});
}
