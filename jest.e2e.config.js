/**
 * End-to-end suites against a REAL n8n (npm run test:e2e = jest -c jest.e2e.config.js).
 * globalSetup installs n8n (test/e2e/runtime/install.sh, cached under .cache/n8n-runtime/) and builds dist/ if
 * needed. Suites run one at a time: each starts its own n8n (~0.9 GB RSS) and fake API.
 */
module.exports = {
	testEnvironment: 'node',
	rootDir: __dirname,
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	maxWorkers: 1, // = --runInBand: serial, in this process
	testTimeout: 120000,
	slowTestThreshold: 60,
	verbose: true,
};
