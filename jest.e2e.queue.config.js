/**
 * The queue-mode (scale-out) suite against a REAL n8n 2.41.1: main + worker + webhook processor on PostgreSQL and
 * Redis (`npx jest -c jest.e2e.queue.config.js`). Same set-up as jest.e2e.config.js (build + runtime install in
 * globalSetup, serial); test/e2e/queue/services.sh provides both services (the machine's on 127.0.0.1:6379/5432, or
 * private instances). Three n8n processes, ~2 GB. See test/e2e/QUEUE.md.
 */
const e2e = require('./jest.e2e.config.js');

module.exports = {
	...e2e,
	roots: ['<rootDir>/test/e2e/queue'],
	testMatch: ['**/*.queue.test.ts'],
	// the shared teardown, then this run's database, Redis keys and private services if the suite could not
	globalTeardown: '<rootDir>/test/e2e/queue/global-teardown.ts',
	testTimeout: 180000,
	slowTestThreshold: 120,
};
