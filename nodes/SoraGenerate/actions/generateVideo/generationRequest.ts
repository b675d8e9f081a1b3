import type { IDataObject } from 'n8n-workflow';

import { SORA_MODELS } from '../../../shared/constants';
import { parseUrl } from '../../../shared/url';

/** A rule an input value broke, named the way the field is labelled in the node. */
export class InputError extends Error {
	constructor(
		readonly field: string,
		rule: string,
	) {
		super(`Invalid "${field}": ${rule}`);
		this.name = 'InputError';
	}
}

export interface GenerationInput {
	model: unknown;
	prompt: unknown;
	orientation?: unknown;
	duration?: unknown;
	size?: unknown;
	referImageUrls?: unknown;
	characterUrl?: unknown;
	characterTimestamps?: unknown;
	private?: unknown;
	callbackUrl?: unknown;
}

export const MAX_PROMPT_LENGTH = 4000;
const DURATIONS = [10, 15, 25];

const FIELD = {
	model: 'Model',
	prompt: 'Prompt',
	orientation: 'Orientation',
	duration: 'Duration (Seconds)',
	size: 'Size',
	referImageUrls: 'Reference Image URLs',
	characterUrl: 'Character Video URL',
	characterTimestamps: 'Character Timestamps',
	private: 'Private',
	callbackUrl: 'Callback URL',
} as const;

function describeType(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'null';
	return `a ${typeof value}`;
}

export function isUnset(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

export function requireText(field: string, value: unknown): string {
	if (typeof value !== 'string') {
		throw new InputError(field, `must be text, but the value is ${describeType(value)}`);
	}
	return value.trim();
}

export function requireHttpUrl(field: string, value: unknown): string {
	const url = requireText(field, value);
	const parsed = parseUrl(url);
	if (!parsed) {
		throw new InputError(field, `"${url.slice(0, 100)}" is not a URL: it must start with http:// or https://`);
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new InputError(field, `must start with http:// or https:// (got "${parsed.protocol}")`);
	}
	return url;
}

function readImageUrls(value: unknown): string[] {
	const entries = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(/[\n,]/)
			: [value];
	const urls = entries
		.map((entry) => (typeof entry === 'string' ? entry.trim() : entry))
		.filter((entry) => entry !== '');
	return urls.map((entry) => requireHttpUrl(FIELD.referImageUrls, entry));
}

function readDuration(value: unknown): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !DURATIONS.includes(number)) {
		throw new InputError(FIELD.duration, `must be 10, 15 or 25 seconds (got ${JSON.stringify(value)})`);
	}
	return number;
}

/** A "start,end" range in seconds, 1 to 3 seconds long: TTAPI's rule for a character's moment. */
export function readTimestamps(field: string, value: unknown): string {
	const text = requireText(field, value);
	const match = /^(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)$/.exec(text);
	if (!match) {
		throw new InputError(field, `must be "start,end" in seconds, e.g. "1,3" (got "${text}")`);
	}
	const span = Number(match[2]) - Number(match[1]);
	if (span < 1 || span > 3) {
		throw new InputError(
			field,
			`end minus start must be between 1 and 3 seconds (got ${Number(span.toFixed(3))})`,
		);
	}
	return `${match[1]},${match[2]}`;
}

function readBoolean(field: string, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new InputError(field, `must be true or false, but the value is ${describeType(value)}`);
}

/**
 * Checks one item's fields against TTAPI's rules and builds the POST /sora/generations body.
 * Only fields the user set are sent, so TTAPI's own defaults stay TTAPI's.
 */
export function buildGenerationRequest(input: GenerationInput): IDataObject {
	const model = requireText(FIELD.model, input.model);
	if (!(SORA_MODELS as readonly string[]).includes(model)) {
		throw new InputError(FIELD.model, `must be ${SORA_MODELS.join(' or ')} (got "${model}")`);
	}
	const isPro = model === 'sora-2-pro';

	const prompt = requireText(FIELD.prompt, input.prompt);
	if (!prompt) throw new InputError(FIELD.prompt, 'must not be empty');
	if (prompt.length > MAX_PROMPT_LENGTH) {
		throw new InputError(
			FIELD.prompt,
			`must be at most ${MAX_PROMPT_LENGTH} characters (it has ${prompt.length})`,
		);
	}
	const body: IDataObject = { model, prompt };

	if (!isUnset(input.orientation)) {
		const orientation = requireText(FIELD.orientation, input.orientation);
		if (orientation !== 'portrait' && orientation !== 'landscape') {
			throw new InputError(FIELD.orientation, `must be portrait or landscape (got "${orientation}")`);
		}
		body.orientation = orientation;
	}

	if (!isUnset(input.duration)) {
		const duration = readDuration(input.duration);
		if (duration === 25 && !isPro) {
			throw new InputError(FIELD.duration, '25 seconds needs the sora-2-pro model');
		}
		body.duration = duration;
	}

	if (!isUnset(input.size)) {
		const size = requireText(FIELD.size, input.size);
		if (size !== 'small' && size !== 'large') {
			throw new InputError(FIELD.size, `must be small or large (got "${size}")`);
		}
		if (size === 'large' && !isPro) throw new InputError(FIELD.size, 'large needs the sora-2-pro model');
		if (size === 'large' && body.duration === 25) {
			throw new InputError(FIELD.size, 'large is not available for 25-second videos (only small)');
		}
		// TTAPI refuses any size with sora-2 ("only available with sora-2-pro"), and small is
		// what sora-2 makes anyway: sent only for Pro, so the option's default never fails a job.
		if (isPro) body.size = size;
	}

	if (!isUnset(input.referImageUrls)) {
		const urls = readImageUrls(input.referImageUrls);
		if (urls.length) body.referImages = urls;
	}

	const hasCharacterUrl = !isUnset(input.characterUrl);
	const hasTimestamps = !isUnset(input.characterTimestamps);
	if (hasCharacterUrl !== hasTimestamps) {
		throw new InputError(
			hasCharacterUrl ? FIELD.characterTimestamps : FIELD.characterUrl,
			'Character Video URL and Character Timestamps must be set together',
		);
	}
	if (hasCharacterUrl) {
		body.character_url = requireHttpUrl(FIELD.characterUrl, input.characterUrl);
		body.character_timestamps = readTimestamps(FIELD.characterTimestamps, input.characterTimestamps);
	}

	if (!isUnset(input.private)) body.private = readBoolean(FIELD.private, input.private);
	if (!isUnset(input.callbackUrl)) body.hookUrl = requireHttpUrl(FIELD.callbackUrl, input.callbackUrl);

	return body;
}
