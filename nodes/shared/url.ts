/** The URL that `text` spells, or undefined when it is not a URL at all. */
export function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}
