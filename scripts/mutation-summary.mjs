// Sums StrykerJS JSON reports (reports/mutation/*.json, or the files given) into a Markdown table per file
// and per folder: killed / timeout / survived / no coverage / not compiled, and the score over the mutants
// that compiled (Stryker's "mutation score": killed + timeout over killed + timeout + survived + no coverage).
// A run made in pieces is summed here; a file in several reports counts from the last one given.
//
//   node scripts/mutation-summary.mjs [report.json …] [--survivors]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const args = process.argv.slice(2);
const listSurvivors = args.includes('--survivors');
let reports = args.filter((a) => !a.startsWith('--'));
if (reports.length === 0) {
	const dir = join(process.cwd(), 'reports', 'mutation');
	reports = readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => join(dir, f));
}

const files = new Map();
for (const report of reports) {
	const json = JSON.parse(readFileSync(report, 'utf8'));
	for (const [path, file] of Object.entries(json.files)) files.set(relative(process.cwd(), join(json.projectRoot ?? process.cwd(), path)) || path, file);
}

const KINDS = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError', 'RuntimeError', 'Ignored'];
const count = (mutants) => Object.fromEntries(KINDS.map((k) => [k, mutants.filter((m) => m.status === k).length]));
const score = (c) => {
	const valid = c.Killed + c.Timeout + c.Survived + c.NoCoverage;
	return valid ? `${((100 * (c.Killed + c.Timeout)) / valid).toFixed(1)} %` : '—';
};
const row = (name, c) => `| ${name} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.CompileError + c.RuntimeError} | ${score(c)} |`;

console.log('| file | killed | timeout | survived | no coverage | not compiled | score |');
console.log('|---|---|---|---|---|---|---|');
const folders = new Map();
for (const [path, file] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
	const c = count(file.mutants);
	console.log(row(`\`${path}\``, c));
	const folder = dirname(path);
	folders.set(folder, [...(folders.get(folder) ?? []), ...file.mutants]);
}
for (const [folder, mutants] of folders) console.log(row(`**${folder}/** (total)`, count(mutants)));

if (listSurvivors) {
	for (const [path, file] of files) {
		const source = file.source.split('\n');
		for (const m of file.mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
			const line = m.location.start.line;
			console.log(`${path}:${line} ${m.status} ${m.mutatorName}: ${source[line - 1].trim().slice(0, 120)}  →  ${String(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`);
		}
	}
}
