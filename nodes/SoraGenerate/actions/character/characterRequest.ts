import type { IDataObject } from 'n8n-workflow';

import { InputError, isUnset, readTimestamps, requireHttpUrl } from '../generateVideo/generationRequest';

export interface CharacterInput {
	url: unknown;
	timestamps: unknown;
	callbackUrl?: unknown;
}

export const CHARACTER_FIELD = {
	url: 'Video URL',
	timestamps: 'Timestamps',
	callbackUrl: 'Callback URL',
} as const;

/** Checks one item against TTAPI's rules and builds the POST /sora/characters body. */
export function buildCharacterRequest(input: CharacterInput): IDataObject {
	if (isUnset(input.url)) throw new InputError(CHARACTER_FIELD.url, 'must not be empty: the URL of a video that shows the character');
	const url = requireHttpUrl(CHARACTER_FIELD.url, input.url);
	if (isUnset(input.timestamps)) throw new InputError(CHARACTER_FIELD.timestamps, 'must not be empty: "start,end" in seconds, e.g. "1,3"');
	const body: IDataObject = { url, timestamps: readTimestamps(CHARACTER_FIELD.timestamps, input.timestamps) };
	if (!isUnset(input.callbackUrl)) body.hookUrl = requireHttpUrl(CHARACTER_FIELD.callbackUrl, input.callbackUrl);
	return body;
}
