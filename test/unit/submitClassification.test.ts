import { classifySubmitResponse } from '../../nodes/shared/soraApi';

describe('classifySubmitResponse (the money rule)', () => {
	it('accepts both job id shapes', () => {
		expect(classifySubmitResponse({ statusCode: 200, body: { status: 'SUCCESS', data: { job_id: 'a' } } })).toEqual({
			kind: 'accepted',
			jobId: 'a',
		});
		expect(classifySubmitResponse({ statusCode: 200, body: { status: 'SUCCESS', data: { jobId: 'b' } } })).toEqual({
			kind: 'accepted',
			jobId: 'b',
		});
	});

	it.each([
		['HTTP 429 (too many requests)', { statusCode: 429, body: { status: 'FAILED', message: 'slow down' } }, 'rate-limited'],
		['HTTP 429 without a body', { statusCode: 429 }, 'rate-limited'],
		['HTTP 429 whose words speak of the queue', { statusCode: 429, body: { status: 'FAILED', message: 'Too many concurrent jobs: the queue limit is 5' } }, 'queue-full'],
		['HTTP 499 (queue exhausted)', { statusCode: 499, body: { status: 'FAILED', message: 'queue exhausted' } }, 'queue-full'],
		['HTTP 499 without a body', { statusCode: 499 }, 'queue-full'],
		['HTTP 402 (insufficient balance)', { statusCode: 402, body: { status: 'FAILED', message: 'Insufficient balance' } }, 'insufficient-balance'],
		['HTTP 402 without a body', { statusCode: 402 }, 'insufficient-balance'],
		['HTTP 504 (gateway timeout)', { statusCode: 504, body: { status: 'FAILED', message: 'Gateway Timeout' } }, 'uncertain'],
		['HTTP 504 with an HTML body', { statusCode: 504, malformed: '<html>504 Gateway Time-out</html>' }, 'uncertain'],
		['a FAILED answer about the queue', { statusCode: 200, body: { status: 'FAILED', message: 'The number of concurrent tasks has reached the limit' } }, 'queue-full'],
		['HTTP 401', { statusCode: 401, body: { status: 'FAILED', message: 'Wrong TT-API-KEY or email is not activated.' } }, 'unauthorized'],
		['a FAILED refusal for the balance', { statusCode: 200, body: { status: 'FAILED', message: 'insufficient quota' } }, 'insufficient-balance'],
		['a FAILED refusal', { statusCode: 200, body: { status: 'FAILED', message: 'prompt violation' } }, 'rejected'],
		['HTTP 400', { statusCode: 400, body: { status: 'FAILED', message: 'prompt is required' } }, 'rejected'],
		['HTTP 500', { statusCode: 500, body: { status: 'FAILED', message: 'oops' } }, 'uncertain'],
		['HTTP 502 without a body', { statusCode: 502 }, 'uncertain'],
		['malformed JSON', { statusCode: 200, malformed: '{"status":"SUCC' }, 'uncertain'],
		['SUCCESS without a job id', { statusCode: 200, body: { status: 'SUCCESS', data: {} } }, 'uncertain'],
	])('treats %s as %s', (_label, response, kind) => {
		expect(classifySubmitResponse(response).kind).toBe(kind);
	});

	it("keeps TTAPI's own words", () => {
		expect(classifySubmitResponse({ statusCode: 200, body: { status: 'FAILED', message: 'prompt violation' } })).toEqual({
			kind: 'rejected',
			message: 'prompt violation',
			httpCode: 200,
		});
		expect(classifySubmitResponse({ statusCode: 402, body: { status: 'FAILED', message: 'Insufficient balance, please recharge' } })).toEqual({
			kind: 'insufficient-balance',
			message: 'Insufficient balance, please recharge',
			httpCode: 402,
		});
		expect(classifySubmitResponse({ statusCode: 504 })).toEqual({ kind: 'uncertain', message: 'TTAPI answered HTTP 504 (gateway timeout)' });
	});
});
