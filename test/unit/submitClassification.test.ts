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
		['HTTP 429', { statusCode: 429, body: { status: 'FAILED', message: 'slow down' } }, 'queue-full'],
		['a FAILED answer about the queue', { statusCode: 200, body: { status: 'FAILED', message: 'The number of concurrent tasks has reached the limit' } }, 'queue-full'],
		['HTTP 401', { statusCode: 401, body: { status: 'FAILED', message: 'Wrong TT-API-KEY or email is not activated.' } }, 'unauthorized'],
		['a FAILED refusal', { statusCode: 200, body: { status: 'FAILED', message: 'insufficient quota' } }, 'rejected'],
		['HTTP 400', { statusCode: 400, body: { status: 'FAILED', message: 'prompt is required' } }, 'rejected'],
		['HTTP 500', { statusCode: 500, body: { status: 'FAILED', message: 'oops' } }, 'uncertain'],
		['HTTP 502 without a body', { statusCode: 502 }, 'uncertain'],
		['malformed JSON', { statusCode: 200, malformed: '{"status":"SUCC' }, 'uncertain'],
		['SUCCESS without a job id', { statusCode: 200, body: { status: 'SUCCESS', data: {} } }, 'uncertain'],
	])('treats %s as %s', (_label, response, kind) => {
		expect(classifySubmitResponse(response).kind).toBe(kind);
	});

	it("keeps TTAPI's own words", () => {
		expect(classifySubmitResponse({ statusCode: 200, body: { status: 'FAILED', message: 'insufficient quota' } })).toEqual({
			kind: 'rejected',
			message: 'insufficient quota',
			httpCode: 200,
		});
	});
});
