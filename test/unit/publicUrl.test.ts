import { isPubliclyReachable } from '../../nodes/SoraGenerate/actions/generateVideo/publicUrl';

const waiting = (host: string) => `http://${host}/webhook-waiting/12`;

describe('isPubliclyReachable (Auto: wait for callbacks only when TTAPI can reach n8n)', () => {
	it.each([
		['localhost', 'http://localhost:5678/webhook-waiting/1'],
		['LOCALHOST in capitals', 'http://LOCALHOST:5678/webhook-waiting/1'],
		['127.0.0.1', waiting('127.0.0.1:5678')],
		['127.x.y.z', waiting('127.10.20.30')],
		['0.0.0.0', waiting('0.0.0.0:5678')],
		['::1', 'http://[::1]:5678/webhook-waiting/1'],
		['::', 'http://[::]:5678/webhook-waiting/1'],
		['10/8', waiting('10.1.2.3')],
		['172.16/12 low end', waiting('172.16.0.1')],
		['172.16/12 high end', waiting('172.31.255.254')],
		['192.168/16', waiting('192.168.1.20:5678')],
		['169.254 link-local', waiting('169.254.169.254')],
		['100.64/10 low end (CGNAT, Tailscale)', waiting('100.64.0.1')],
		['100.64/10 high end', waiting('100.127.255.1')],
		['multicast 224+', waiting('224.0.0.1')],
		['IPv6 unique local fd00::/8', 'http://[fd12:3456::1]/webhook-waiting/1'],
		['IPv6 unique local fc00::/8', 'http://[fc00::1]/webhook-waiting/1'],
		['IPv6 link-local fe80::/10', 'http://[fe80::1]/webhook-waiting/1'],
		['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/webhook-waiting/1'],
		['.local', waiting('my-mac.local:5678')],
		['.localhost', waiting('n8n.localhost')],
		['.internal', waiting('n8n.corp.internal')],
		['.lan', waiting('n8n.lan')],
		['.home', waiting('nas.home')],
		['.test', waiting('n8n.test')],
		['.invalid', waiting('n8n.invalid')],
		['the reserved .example TLD', waiting('n8n.example')],
		['a single-label host (docker service name)', waiting('n8n:5678')],
		['another single-label host', waiting('my-server')],
		['an integer IPv4 form of 127.0.0.1', waiting('2130706433')],
		['not a URL', 'n8n.mycompany.com/webhook-waiting/1'],
		['empty', ''],
	])('%s → false', (_label, url) => {
		expect(isPubliclyReachable(url)).toBe(false);
	});

	it.each([
		['a public name', 'https://n8n.mycompany.com/webhook-waiting/12'],
		['a name under example.com (a real, registered domain: only the .example TLD is private)', 'https://n8n.example.com/webhook-waiting/12'],
		['example.com itself', 'https://example.com/webhook-waiting/12'],
		['a name with a port', 'http://automation.acme.io:5678/webhook-waiting/12'],
		['a public IPv4', waiting('203.0.113.7')],
		['just outside 172.16/12 (172.15)', waiting('172.15.0.1')],
		['just outside 172.16/12 (172.32)', waiting('172.32.0.1')],
		['just outside 100.64/10 (100.63)', waiting('100.63.0.1')],
		['just outside 100.64/10 (100.128)', waiting('100.128.0.1')],
		['192.169 (not 192.168)', waiting('192.169.0.1')],
		['a public IPv6', 'https://[2606:4700::1111]/webhook-waiting/12'],
		['a name that merely contains "local"', 'https://localnews.com/webhook-waiting/12'],
		['a name ending in "test" without the dot', 'https://mytest.com/webhook-waiting/12'],
	])('%s → true', (_label, url) => {
		expect(isPubliclyReachable(url)).toBe(true);
	});

	// A fully qualified name with the root dot names the same host. "localhost." is this machine.
	it('a trailing-dot FQDN of a private name ("localhost.", "my-mac.local.") stays private', () => {
		expect(isPubliclyReachable('http://localhost.:5678/webhook-waiting/1')).toBe(false);
		expect(isPubliclyReachable('http://my-mac.local.:5678/webhook-waiting/1')).toBe(false);
	});
});
