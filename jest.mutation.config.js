/**
 * The tests StrykerJS runs against each mutant (npm run test:mutation, see docs/TESTING.md): the fast
 * unit and integration tests of nodes/ (test/nodes/), not the fault suite, the fake API's own tests or
 * the package check. MUTATION_TESTS narrows them: comma-separated globs below test/nodes/, a leading
 * "!" leaves matches out, e.g. "shared/*.test.ts,!shared/request.test.ts".
 */
const base = require('./jest.config.js');

const globs = (process.env.MUTATION_TESTS || '**/*.test.ts').split(',').map((g) => g.trim()).filter(Boolean);

module.exports = {
	...base,
	rootDir: __dirname,
	roots: ['<rootDir>/test/nodes'],
	testMatch: globs.filter((g) => !g.startsWith('!')).map((g) => `<rootDir>/test/nodes/${g}`),
	// Left-out files, as path patterns (jest's testMatch does not negate below <rootDir>).
	testPathIgnorePatterns: [
		...base.testPathIgnorePatterns,
		...globs.filter((g) => g.startsWith('!')).map((g) => `/test/nodes/${g.slice(1).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '.*').replace(/\*/g, '[^/]*')}$`),
	],
};
