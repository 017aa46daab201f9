// The lint n8n's scanner (@n8n/scan-community-package) runs on a published tarball, run on an unpacked package
// folder: the compiled **/*.js and package.json with @n8n/community-nodes' recommended rules + no-console, and
// eslint-plugin-n8n-nodes-base's community rules on package.json (the scanner's config, rebuilt here).
//
//   npm pack && mkdir -p /tmp/pkg && tar -xzf n8n-nodes-document-extraction-*.tgz -C /tmp/pkg
//   node scripts/scanner-lint.mjs /tmp/pkg/package
//
// Prints each error and a summary line; exits 1 on any error. test/package.test.ts runs it on every `npm test`.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const dir = process.argv[2];
if (!dir) {
	console.error('usage: node scripts/scanner-lint.mjs <unpacked package folder>');
	process.exit(2);
}

const files = (folder) =>
	readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
		e.name === 'node_modules' ? [] : e.isDirectory() ? files(join(folder, e.name)) : [join(folder, e.name)],
	);
const targets = files(dir).filter((f) => f.endsWith('.js') || relative(dir, f) === 'package.json');

const eslint = new ESLint({
	cwd: dir,
	allowInlineConfig: false,
	overrideConfigFile: true,
	overrideConfig: [
		n8nCommunityNodesPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
		{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
		{ files: ['**/*.json'], languageOptions: { parser: tseslint.parser } },
	],
});
const results = await eslint.lintFiles(targets);
let errors = 0;
let warnings = 0;
for (const result of results) {
	warnings += result.warningCount;
	for (const m of result.messages.filter((x) => x.severity === 2)) {
		errors++;
		console.log(`${relative(dir, result.filePath)}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`);
	}
}
console.log(`scanner lint: ${results.length} files (${targets.length - 1} .js + package.json), ${errors} errors, ${warnings} warnings`);
process.exit(errors === 0 && results.length === targets.length ? 0 : 1);
