/**
 * The package as npm publishes it: `npm pack` into a temp folder, then checks of the tarball itself:
 *  - it holds dist/, README.md, LICENSE and package.json, plus index.js (package.json "main": npm always packs it;
 *    the classic starter's empty main), and nothing from test/, scripts/, bench/ or the tool configs;
 *  - every path of package.json's "n8n" block is in it, with each node's codex JSON and icons;
 *  - the compiled JavaScript and package.json pass the lint n8n's scanner runs on published tarballs
 *    (@n8n/community-nodes recommended + no-console, eslint-plugin-n8n-nodes-base's community rules on package.json).
 * The size is printed. dist/ is built first when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { report } from './helpers/verbose';

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	main: string;
	n8n: { nodes: string[]; credentials: string[] };
};

interface PackResult {
	filename: string;
	size: number;
	unpackedSize: number;
	entryCount: number;
	files: Array<{ path: string; size: number }>;
}

let work: string;
let packed: PackResult;
let unpacked: string;

function run(command: string, args: string[], cwd: string, timeoutMs: number): string {
	const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, npm_config_loglevel: 'error' } });
	if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
	return r.stdout;
}

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The `file:` icons of the node class a compiled node file exports, read from the built copy in the repo (same bytes). */
function iconFilesOf(packedNodeFile: string): string[] {
	const built = join(ROOT, relative(unpacked, packedNodeFile));
	expect(readFileSync(built, 'utf8')).toBe(readFileSync(packedNodeFile, 'utf8'));
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled CommonJS node file, as n8n loads it
	const exported = Object.values(require(built) as Record<string, unknown>).find((v) => typeof v === 'function') as new () => {
		description: { icon?: string | { light: string; dark: string } };
	};
	const icon = new exported().description.icon;
	const names = typeof icon === 'string' ? [icon] : icon ? [icon.light, icon.dark] : [];
	return names.filter((n) => n.startsWith('file:')).map((n) => n.slice('file:'.length));
}

beforeAll(() => {
	const listed = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	if (listed.some((f) => !existsSync(join(ROOT, f)))) run('npm', ['run', 'build'], ROOT, 5 * 60_000);
	work = mkdtempSync(join(tmpdir(), 'pack-'));
	[packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], ROOT, 120_000)) as PackResult[];
	unpacked = join(work, 'package');
	run('tar', ['-xzf', join(work, packed.filename), '-C', work], work, 60_000);
}, 6 * 60_000);

afterAll(() => {
	if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
	it('holds only dist/, README.md, LICENSE, package.json and the empty main file', () => {
		const paths = packed.files.map((f) => f.path).sort();
		const outside = paths.filter((p) => !p.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json', pkg.main].includes(p));
		expect(outside).toEqual([]);
		const toolish = paths.filter((p) => /(^|\/)(test|tests|__tests__|fake-api|e2e|scripts|bench|\.tools|\.github)\//.test(p) || /\.test\.|tsbuildinfo|jest|eslint|tsconfig|gulpfile/.test(p));
		expect(toolish).toEqual([]);
		// what was packed is what the file list says
		expect(filesUnder(unpacked).map((f) => relative(unpacked, f)).sort()).toEqual(paths);
		report(
			`\n${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked\n` +
				`  outside dist/: ${paths.filter((p) => !p.startsWith('dist/')).join(', ')}\n` +
				`  dist/ by kind: ${Object.entries(
					paths.filter((p) => p.startsWith('dist/')).reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.replace(/^.*?(\.d\.ts|\.js\.map|\.[^.]+)$/, '$1')]: (acc[p.replace(/^.*?(\.d\.ts|\.js\.map|\.[^.]+)$/, '$1')] ?? 0) + 1 }), {}),
				)
					.map(([kind, n]) => `${n} ${kind}`)
					.join(', ')}\n`,
		);
	});

	it('has every file of the "n8n" block, each node with its codex JSON and the icons its description names', () => {
		const paths = new Set(packed.files.map((f) => f.path));
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(paths).toContain(file);
		for (const node of pkg.n8n.nodes) {
			expect(paths).toContain(node.replace(/\.js$/, '.json'));
			// the icons the node describes at load time (a versioned node names them in its base description)
			const icons = iconFilesOf(join(unpacked, node));
			expect(icons.length).toBeGreaterThanOrEqual(2); // light and dark
			for (const icon of icons) expect(paths).toContain(join(node, '..', icon));
		}
		const packedPkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Record<string, unknown>;
		expect(packedPkg.dependencies ?? {}).toEqual({});
		expect(packedPkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	it("passes the lint n8n's scanner runs on a published tarball (compiled JavaScript and package.json)", () => {
		// the scanner's rule sets are ES modules: scripts/scanner-lint.mjs runs them in a child process
		const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'scanner-lint.mjs'), unpacked], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
		const jsFiles = packed.files.filter((f) => f.path.endsWith('.js')).length;
		expect(r.stdout).toContain(`scanner lint: ${jsFiles + 1} files (${jsFiles} .js + package.json), 0 errors`);
		expect(r.status).toBe(0);
		report(r.stdout);
	}, 120_000);
});
