// Re-runs the break table of docs/TESTING.md: each entry breaks one promise in nodes/ on purpose
// (a search-and-replace in one file), runs the tests named for it, expects at least one of them to
// fail on an assertion, puts the file back byte for byte and (unless --no-green) runs them again
// to show them green.
//
//   node scripts/breaks.mjs            every break
//   node scripts/breaks.mjs 3 5b       only these
//   node scripts/breaks.mjs --list     what each break does, and the tests that must catch it
//   node scripts/breaks.mjs --no-green skip the re-run after restoring
//
// Prints a Markdown table (break → tests → failing assertion → restored green) and exits 1 when a
// break went unnoticed, could not be applied (its text is no longer in the file: update the entry),
// or a test stayed red after restoring. Runs jest one break at a time (2 workers at most).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** @type {Array<{ id: string; what: string; file: string; find: string; replace: string; tests: Array<[file: string, name: string]> }>} */
const BREAKS = [
	{
		id: '1',
		what: 'anyformat: the "did it land?" look-up always answers "nothing landed"',
		file: 'nodes/Anyformat/helpers/jobs.ts',
		find: "\tconst path = `/v2/workflows/${encodeURIComponent(workflowId)}/runs/`;",
		replace: "\tif (since > 0) return [];\n\tconst path = `/v2/workflows/${encodeURIComponent(workflowId)}/runs/`;",
		tests: [['test/nodes/Anyformat/helpers/jobs.test.ts', 'a run whose answer was lost']],
	},
	{
		id: '2',
		what: 'Anesya · Extract With Workflow: the look-up always answers "nothing landed"',
		file: 'nodes/Anesya/helpers/jobs.ts',
		find: '\t\t\tconst qs = { workflow_id: workflowId };',
		replace: "\t\t\tif (since > 0) return { kind: 'absent' };\n\t\t\tconst qs = { workflow_id: workflowId };",
		tests: [['test/nodes/Anesya/helpers/jobs.test.ts', '']],
	},
	{
		id: '3',
		what: 'Review Threshold compares with <= instead of <',
		file: 'nodes/shared/items.ts',
		find: 'field.confidence < threshold',
		replace: 'field.confidence <= threshold',
		tests: [['test/nodes/Anyformat/actions/extraction/extraction.test.ts', 'Review Threshold flags exactly the fields below it']],
	},
	{
		id: '4',
		what: 'every field with a confidence is flagged for review',
		file: 'nodes/shared/items.ts',
		find: 'field.confidence !== null && field.confidence < threshold && !hasOverride(field)',
		replace: 'field.confidence !== null && !hasOverride(field)',
		tests: [['test/nodes/Anyformat/actions/extraction/extraction.test.ts', 'Review Threshold flags exactly the fields below it']],
	},
	{
		id: '5a',
		what: "a 429's Retry-After is ignored by the request retry (back-off instead)",
		file: 'nodes/shared/retry.ts',
		find: 'const delay = hint ?? backoffMs(this.rateLimitRetries, this.policy);',
		replace: 'const delay = backoffMs(this.rateLimitRetries, this.policy);',
		tests: [['test/nodes/shared/retry.test.ts', "repeats a 429 after its Retry-After"]],
	},
	{
		id: '5b',
		what: "a 429's Retry-After is ignored by the rate gate (its 1 s default pause instead)",
		file: 'nodes/shared/rateGate.ts',
		find: '\t\tthis.learn(ticket, headers, status, retryAfter);',
		replace: '\t\tthis.learn(ticket, headers, status, undefined);',
		tests: [['test/nodes/shared/request.test.ts', 'holds every request of the tier']],
	},
	{
		id: '5c',
		what: "a 429's Retry-After is ignored by both (request retry and rate gate)",
		file: 'nodes/shared/request.ts',
		find: 'const waitHint = retryAfterMs(headers);',
		replace: 'const waitHint = status === 429 ? undefined : retryAfterMs(headers);',
		tests: [
			['test/nodes/shared/request.test.ts', "waits out a 429's Retry-After"],
			['test/nodes/shared/request.test.ts', 'holds every request of the tier'],
		],
	},
	{
		id: '6',
		what: 'Max Documents in Flight is ignored',
		file: 'nodes/shared/submission.ts',
		find: 'const maxInFlight = readMaxInFlight(ctx);',
		replace: 'const maxInFlight = readMaxInFlight(ctx) && undefined;',
		tests: [['test/nodes/Anyformat/actions/extraction/extraction.test.ts', 'Max Documents in Flight =']],
	},
	{
		id: '7',
		what: 'a submission whose connection was refused is not retried',
		file: 'nodes/shared/retry.ts',
		find: "new Set(['ECONNREFUSED', ",
		replace: 'new Set([',
		tests: [['test/nodes/shared/request.test.ts', 'sends a refused submission again once the API listens']],
	},
	{
		id: '8a',
		what: 'the trigger token check accepts any prefix of the secret (an empty ?token= included)',
		file: 'nodes/shared/signature.ts',
		find: "return safeEqual(given, expected) ? 'ok' : 'invalid';",
		replace: "return expected.startsWith(given) ? 'ok' : 'invalid';",
		tests: [['test/nodes/Anesya/AnesyaTrigger.node.test.ts', 'Anesya Trigger: forged tokens']],
	},
	{
		id: '8b',
		what: 'the trigger token check accepts an empty ?token=',
		file: 'nodes/shared/signature.ts',
		find: "\tif (!given) return 'missing';",
		replace: "\tif (given === '') return 'ok';\n\tif (!given) return 'missing';",
		tests: [['test/nodes/Anesya/AnesyaTrigger.node.test.ts', 'Anesya Trigger: forged tokens']],
	},
];

const args = process.argv.slice(2);
const showGreen = !args.includes('--no-green');
const wanted = args.filter((a) => !a.startsWith('--'));
const chosen = wanted.length ? BREAKS.filter((b) => wanted.includes(b.id)) : BREAKS;
const unknown = wanted.filter((id) => !BREAKS.some((b) => b.id === id));
if (unknown.length) {
	console.error(`breaks: no break ${unknown.join(', ')} (known: ${BREAKS.map((b) => b.id).join(', ')})`);
	process.exit(2);
}
if (args.includes('--list')) {
	for (const b of chosen) console.log(`${b.id}\t${b.what}\n\t${b.file}: "${b.find}" → "${b.replace}"\n\t${b.tests.map(([f, n]) => `${f} › ${n || '(all)'}`).join('\n\t')}`);
	process.exit(0);
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const plain = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');
const workDir = mkdtempSync(join(tmpdir(), 'breaks-'));

/** Runs the named tests; returns each named test's outcome (from jest's JSON report) or the suite error. */
function runTests(tests) {
	const files = [...new Set(tests.map(([file]) => file))];
	const names = tests.map(([, name]) => name);
	const pattern = names.some((n) => n === '') ? '' : names.map(escape).join('|');
	const report = join(workDir, 'report.json');
	rmSync(report, { force: true });
	const jestArgs = ['jest', '--ci', '--silent', '--maxWorkers=2', '--json', `--outputFile=${report}`, ...(pattern ? ['-t', pattern] : []), ...files];
	spawnSync('npx', jestArgs, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
	let parsed;
	try {
		parsed = JSON.parse(readFileSync(report, 'utf8'));
	} catch {
		return { ran: 0, failed: [], suiteError: 'jest wrote no report' };
	}
	const assertions = parsed.testResults.flatMap((r) => r.assertionResults).filter((a) => a.status !== 'pending' && a.status !== 'skipped');
	const suiteError = parsed.testResults.map((r) => (r.assertionResults.length === 0 ? plain(r.message) : '')).find(Boolean);
	return { ran: assertions.length, failed: assertions.filter((a) => a.status === 'failed'), suiteError };
}

/** The failing assertion: its source line (from the stack), then what was expected and received. */
function assertionOf(failure) {
	const lines = plain(failure.failureMessages.join('\n')).split('\n').map((l) => l.trim());
	const matcher = lines.find((l) => /^(Error: )?expect\(/.test(l)) ?? lines.find(Boolean) ?? '';
	const detail = lines.filter((l) => /^(Expected|Received)/.test(l)).slice(0, 2).join(' / ');
	// The first stack frame in a test file: the assertion's line (absolute or relative path).
	const frame = lines.map((l) => /\(((?:[^()]*\/)?test\/[^():]+\.ts):(\d+):\d+\)/.exec(l)).find(Boolean);
	let source = '';
	if (frame) source = `${relative(process.cwd(), resolve(frame[1]))}:${frame[2]}: ${readFileSync(frame[1], 'utf8').split('\n')[Number(frame[2]) - 1].trim()}`;
	const text = [source, detail || matcher].filter(Boolean).join(' — ');
	return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

const rows = [];
let bad = 0;
for (const b of chosen) {
	const original = readFileSync(b.file, 'utf8');
	const at = original.indexOf(b.find);
	if (at === -1 || original.indexOf(b.find, at + 1) !== -1) {
		rows.push([b.id, b.what, '—', `NOT APPLIED: the text to break is ${at === -1 ? 'missing from' : 'not unique in'} ${b.file}`, '—']);
		bad++;
		continue;
	}
	const restore = () => writeFileSync(b.file, original);
	const onSignal = () => {
		restore();
		process.exit(130);
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	let broken;
	try {
		writeFileSync(b.file, original.slice(0, at) + b.replace + original.slice(at + b.find.length));
		process.stderr.write(`break ${b.id}: ${b.what} …\n`);
		broken = runTests(b.tests);
	} finally {
		restore();
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
	const caught = broken.failed.length > 0;
	const shown = caught
		? `${broken.failed.length} of ${broken.ran} failed; first: "${broken.failed[0].title}": ${assertionOf(broken.failed[0])}`
		: broken.suiteError
			? `NOT SHOWN (suite did not run: ${broken.suiteError.split('\n').find(Boolean)})`
			: `NOT CAUGHT (${broken.ran} tests passed)`;
	let green = 'not re-run';
	if (showGreen) {
		const after = runTests(b.tests);
		green = after.failed.length === 0 && !after.suiteError && after.ran > 0 ? `green (${after.ran} passed)` : `RED: ${after.failed.map((f) => f.title).join('; ') || after.suiteError}`;
		if (!green.startsWith('green')) bad++;
	}
	if (!caught) bad++;
	rows.push([b.id, b.what, b.tests.map(([f, n]) => `${n || '(every test)'} (${f})`).join('; '), shown, green]);
}
rmSync(workDir, { recursive: true, force: true });

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
console.log('| # | break | test(s) | shown failing | restored |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.map(cell).join(' | ')} |`);
process.exit(bad ? 1 : 0);
