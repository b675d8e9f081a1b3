import { normaliseJobResult, recordKind } from '../../nodes/shared/normalise';

describe('normaliseJobResult', () => {
	it('turns the fetch/callback body into the shared shape, without the hookUrl', () => {
		const result = normaliseJobResult({
			status: 'SUCCESS',
			message: '',
			jobId: 'c679a92e',
			data: {
				model: 'sora-2',
				prompt: 'a boat',
				referImages: null,
				videoUrl: 'https://cdn.ttapi.io/other/x.mp4',
				quota: '3',
				finishTime: '2025-10-10 07:24:42',
				hookUrl: 'https://n8n.example/webhook-waiting/12?secret=s3cret',
			},
		});
		// No `message: ""` and no `referImages: null`: fields TTAPI left empty are not output.
		expect(result).toEqual({
			jobId: 'c679a92e',
			status: 'SUCCESS',
			videoUrl: 'https://cdn.ttapi.io/other/x.mp4',
			model: 'sora-2',
			prompt: 'a boat',
			quota: 3,
			costUsd: 0.03,
			finishTime: '2025-10-10 07:24:42',
		});
		expect(JSON.stringify(result)).not.toContain('s3cret');
	});

	it('copes with missing data, other id shapes and odd values', () => {
		expect(normaliseJobResult({ status: 'failed', message: 'prompt violation', data: null }, 'known')).toMatchObject({
			jobId: 'known',
			status: 'FAILED',
			message: 'prompt violation',
			videoUrl: null,
			quota: null,
			costUsd: null,
		});
		expect(normaliseJobResult({ status: 'ON_QUEUE', data: { job_id: 'x', quota: 'n/a', referImages: 'https://i/1.jpg' } })).toMatchObject({
			jobId: 'x',
			quota: null,
			referImages: ['https://i/1.jpg'],
		});
		expect(normaliseJobResult({ status: 'SUCCESS', jobId: 'y', data: { referImages: ['https://i/1.jpg', 'https://i/2.jpg'] } }).referImages).toEqual([
			'https://i/1.jpg',
			'https://i/2.jpg',
		]);
		const noImages = normaliseJobResult({ status: 'SUCCESS', message: '', jobId: 'z', data: { referImages: [] } });
		expect('referImages' in noImages).toBe(false);
		expect('message' in noImages).toBe(false);
	});

	it('prices every job in US dollars from its quota (1 USD = 100 quota)', () => {
		const cost = (quota: unknown) => normaliseJobResult({ status: 'SUCCESS', jobId: 'q', data: { quota } }).costUsd;
		expect(cost('3')).toBe(0.03);
		expect(cost(25)).toBe(0.25);
		expect(cost('12.5')).toBe(0.125);
		expect(cost(1050)).toBe(10.5);
		expect(cost(undefined)).toBeNull();
	});
});

describe('recordKind (a callback whose URL does not say)', () => {
	it.each([
		['a video record', { status: 'SUCCESS', jobId: 'j', data: { model: 'sora-2', prompt: 'p', videoUrl: 'https://x/v.mp4' } }, 'video'],
		['a failed video (prompt only)', { status: 'FAILED', jobId: 'j', data: { prompt: 'p', videoUrl: null } }, 'video'],
		['a video made with a character', { status: 'SUCCESS', jobId: 'j', data: { prompt: 'p', character_url: 'https://x/c.mp4', character_timestamps: '1,3' } }, 'video'],
		['a character record (the simulator and TTAPI: url, timestamps, characterId)', { status: 'SUCCESS', jobId: 'j', data: { url: 'https://x/c.mp4', timestamps: '1,3', characterId: 'char_1' } }, 'character'],
		['a failed character (no characterId yet)', { status: 'FAILED', jobId: 'j', data: { url: 'https://x/c.mp4', timestamps: '1,3', characterId: null } }, 'character'],
		['a character under snake_case names', { status: 'SUCCESS', jobId: 'j', data: { character_id: 'c' } }, 'character'],
		['no data', { status: 'FAILED', jobId: 'j', data: null }, 'video'],
		['data that is a list', { status: 'FAILED', jobId: 'j', data: [] }, 'video'],
	])('%s → %s', (_name, record, kind) => {
		expect(recordKind(record as never)).toBe(kind);
	});
});
