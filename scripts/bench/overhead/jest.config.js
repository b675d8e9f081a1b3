// Jest config for the benchmark's in-process measurement (section 6) only: `npm test` never runs
// it (the main config matches test/**), because timing is not a test.
const base = require('../../../jest.config.js');

module.exports = {
	...base,
	rootDir: '../../..',
	testMatch: ['<rootDir>/scripts/bench/overhead/*.bench.ts'],
	testTimeout: 300000,
};
