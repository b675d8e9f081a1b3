/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.{ts,js}'],
	moduleFileExtensions: ['ts', 'js', 'json'],
	transform: {
		'^.+\\.ts$': [
			'ts-jest',
			{
				// Compiler options come from ./tsconfig.json (found by ts-jest); these adapt it to tests,
				// which live outside its `include`.
				tsconfig: {
					incremental: false,
					declaration: false,
					sourceMap: true,
					noUnusedLocals: false,
					types: ['jest', 'node'],
				},
				// Type errors are reported but do not fail tests; `npm run build` type-checks node code.
				diagnostics: { warnOnly: true },
			},
		],
	},
	testTimeout: 60000,
};
