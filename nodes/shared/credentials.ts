import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export interface TtApiCredentials {
	apiKey: string;
	baseUrl: string;
}

export class CredentialSetupError extends Error {}

/** Reads the TTAPI credential and resolves the base URL, refusing anything but http(s). */
export function readTtApiCredentials(data: ICredentialDataDecryptedObject): TtApiCredentials {
	const choice = String(data.baseUrl ?? '');
	const raw = (choice === 'custom' ? String(data.customBaseUrl ?? '') : choice).trim();
	if (!raw) {
		throw new CredentialSetupError(
			'The TTAPI credential has no Base URL: choose a TTAPI host or enter a Custom Base URL',
		);
	}
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new CredentialSetupError(
			`The TTAPI credential's Base URL "${raw}" is not a valid URL: it must start with http:// or https://`,
		);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new CredentialSetupError(
			`The TTAPI credential's Base URL must start with http:// or https:// (got "${url.protocol}")`,
		);
	}
	return { apiKey: String(data.apiKey ?? ''), baseUrl: raw.replace(/\/+$/, '') };
}
