import type { INodeProperties } from 'n8n-workflow';

/**
 * The node's first field. Its default is Video, so a workflow saved before resources existed
 * (it has only `operation`) still opens and runs as Generate Video / Get Video.
 */
export const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Video', value: 'video', description: 'Generate a Sora 2 video, or look one up by job ID' },
		{ name: 'Character', value: 'character', description: 'Create a reusable Sora character from a video, or look one up' },
		{ name: 'Account', value: 'account', description: 'Your TTAPI balance and queue limit' },
	],
	default: 'video',
};

/** The text under the node's name on the canvas, per operation. */
export const OPERATION_TITLES: Record<string, string> = {
	generateVideo: 'Generate Video',
	getVideo: 'Get Video',
	createCharacter: 'Create Character',
	getCharacter: 'Get Character',
	getAccount: 'Get Account',
};

/** The canvas subtitle: an n8n expression naming the node's operation ("Generate Video", "Get Account" …). */
export function operationSubtitle(): string {
	const chain = Object.entries(OPERATION_TITLES)
		.map(([value, title]) => `$parameter["operation"] === "${value}" ? "${title}" : `)
		.join('');
	return `={{ ${chain}$parameter["operation"] }}`;
}
