import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { parseUrl } from './url';

export interface TtApiCredentials {
	apiKey: string;
	baseUrl: string;
}

/** Reads the TTAPI credential and resolves the base URL, refusing anything but http(s). */
export function readTtApiCredentials(data: ICredentialDataDecryptedObject): TtApiCredentials | { problem: string } {
	const choice = String(data.baseUrl ?? '');
	const raw = (choice === 'custom' ? String(data.customBaseUrl ?? '') : choice).trim();
	if (!raw) {
		return { problem: 'The TTAPI credential has no Base URL: choose a TTAPI host or enter a Custom Base URL' };
	}
	const url = parseUrl(raw);
	if (!url) {
		return {
			problem: `The TTAPI credential's Base URL "${raw}" is not a valid URL: it must start with http:// or https://`,
		};
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return { problem: `The TTAPI credential's Base URL must start with http:// or https:// (got "${url.protocol}")` };
	}
	return { apiKey: String(data.apiKey ?? ''), baseUrl: raw.replace(/\/+$/, '') };
}
