/**
 * Whether TTAPI, out on the internet, could call this URL. Auto mode waits for callbacks only
 * then; a laptop's n8n (localhost, a private network, .local names) polls instead.
 */
export function isPubliclyReachable(url: string): boolean {
	let host: string;
	try {
		// "localhost." and "my-mac.local." name the same hosts as without the final dot.
		host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
	} catch {
		return false;
	}
	if (!host || host === 'localhost' || !host.includes('.') && !host.includes(':')) return false;
	if (/\.(local|localhost|internal|lan|home|test|example|invalid)$/.test(host)) return false;
	const ipv4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
	if (ipv4) {
		const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
		return !(
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 100 && b >= 64 && b <= 127) ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			a >= 224
		);
	}
	if (host.includes(':')) {
		return !(host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:'));
	}
	return true;
}
