// n8n's community-node lint in eslint 9's flat config:
// - eslint-plugin-n8n-nodes-base: its community (package.json), credentials and nodes rule sets;
// - @n8n/eslint-plugin-community-nodes: n8n's newer rules (restricted imports and globals,
//   pairedItem, webhook lifecycle, no runtime dependencies, …), the `recommended` set.
const tsParser = require('@typescript-eslint/parser');
const n8nNodesBase = require('eslint-plugin-n8n-nodes-base');
const communityNodes = require('@n8n/eslint-plugin-community-nodes');

const plugins = { 'n8n-nodes-base': n8nNodesBase, '@n8n/community-nodes': communityNodes };

module.exports = [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'coverage/**', '*.js'] },
	{
		files: ['package.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins,
		rules: {
			...n8nNodesBase.configs.community.rules,
			// The repository URL is not decided yet; n8n only shows it as a link.
			'n8n-nodes-base/community-package-json-repository-url-still-default': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts', 'nodes/**/*.ts'],
		languageOptions: { parser: tsParser },
		plugins,
		rules: {
			...communityNodes.configs.recommended.rules,
			// The newer rule wants NodeConnectionTypes.Main; the older nodes-base rules below want the
			// string 'main'. We follow the newer one.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		plugins,
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins,
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		// Shared TTAPI code and the pure input rules raise their own error types, which the node
		// turns into NodeOperationError (with item index and description) at its boundary:
		// nodes/shared/itemOutput.ts and the operation execute files.
		files: ['nodes/shared/**/*.ts', 'nodes/**/generationRequest.ts', 'nodes/**/callback/batchProgress.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
];
