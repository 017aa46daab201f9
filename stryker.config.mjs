// Mutation testing (npm run test:mutation; docs/TESTING.md has the figures). StrykerJS changes one
// thing at a time in the mutated files and runs the jest tests that cover it (coverageAnalysis
// "perTest"); a mutant no test notices is a promise nothing guards.
//
//   npm run test:mutation                                     nodes/shared, the vendors' helpers/ and trigger/
//   MUTATE=shared npm run test:mutation                       one folder: shared | vendors
//   npm run test:mutation -- --mutate nodes/shared/retry.ts   one file (with the folder's tests)
//   MUTATION_TESTS='shared/*.test.ts,!shared/request.test.ts' …   other tests (globs below test/nodes/)
//
// Not part of npm test or CI: it takes long (see docs/TESTING.md). Concurrency 2 (MUTATION_CONCURRENCY):
// the tests start servers and wait on timers, and share the machine.
const scopes = {
	shared: { mutate: ['nodes/shared/**/*.ts'], tests: 'shared/*.test.ts' },
	vendors: {
		mutate: ['nodes/*/helpers/**/*.ts', 'nodes/*/trigger/**/*.ts', 'nodes/Anesya/v2/helpers/**/*.ts'],
		tests: undefined,
	},
	all: {
		mutate: ['nodes/shared/**/*.ts', 'nodes/*/helpers/**/*.ts', 'nodes/*/trigger/**/*.ts', 'nodes/Anesya/v2/helpers/**/*.ts'],
		tests: undefined,
	},
};
const scope = scopes[process.env.MUTATE ?? 'all'];
if (!scope) throw new Error(`MUTATE=${process.env.MUTATE}: choose one of ${Object.keys(scopes).join(', ')}`);
// MUTATION_TESTS (see jest.mutation.config.js) chooses other tests for a piece of a run.
if (scope.tests && !process.env.MUTATION_TESTS) process.env.MUTATION_TESTS = scope.tests;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	testRunner: 'jest',
	jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: false },
	checkers: ['typescript'],
	tsconfigFile: 'tsconfig.test.json',
	coverageAnalysis: 'perTest',
	mutate: scope.mutate,
	concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
	timeoutMS: 10000,
	reporters: ['clear-text', 'progress', 'html', 'json'],
	htmlReporter: { fileName: `reports/mutation/${process.env.MUTATION_REPORT ?? process.env.MUTATE ?? 'all'}.html` },
	jsonReporter: { fileName: `reports/mutation/${process.env.MUTATION_REPORT ?? process.env.MUTATE ?? 'all'}.json` },
	tempDirName: '.stryker-tmp',
	cleanTempDir: 'always',
	ignorePatterns: ['dist', '.cache', '.tools', '.bench', '.e2e', '.demo', 'coverage', 'reports', 'docs', 'examples', 'bench'],
};
