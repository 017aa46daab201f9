/**
 * The tests StrykerJS runs against each mutant (npm run test:mutation, see docs/TESTING.md): the fast
 * unit and integration tests of nodes/, not the fault suite, the fake API's own tests or the package
 * check. MUTATION_TESTS narrows them to one folder of test/nodes (e.g. "shared"), as the per-folder
 * runs do.
 */
const base = require('./jest.config.js');

const folder = process.env.MUTATION_TESTS;

module.exports = {
	...base,
	roots: [`<rootDir>/test/nodes${folder ? `/${folder}` : ''}`],
	testPathIgnorePatterns: [...base.testPathIgnorePatterns],
	// Helpers of test/ outside the roots (harness, fake API, fixtures) still resolve by relative import.
	rootDir: __dirname,
};
