import { buildGenerationRequest, InputError } from '../../nodes/SoraGenerate/actions/generateVideo/generationRequest';

function errorOf(input: Parameters<typeof buildGenerationRequest>[0]): InputError {
	try {
		buildGenerationRequest(input);
	} catch (error) {
		if (error instanceof InputError) return error;
		throw error;
	}
	throw new Error('expected an InputError');
}

const base = { model: 'sora-2', prompt: 'a paper boat' };

describe('buildGenerationRequest', () => {
	it('sends only the fields that were set', () => {
		expect(buildGenerationRequest({ ...base, orientation: '', duration: undefined, size: '' })).toEqual({
			model: 'sora-2',
			prompt: 'a paper boat',
		});
	});

	it("never sends a size with Sora 2: TTAPI refuses it, and Small is what Sora 2 makes", () => {
		expect(buildGenerationRequest({ ...base, size: 'small' })).toEqual({ model: 'sora-2', prompt: 'a paper boat' });
		expect(buildGenerationRequest({ ...base, model: 'sora-2-pro', size: 'small' })).toEqual({
			model: 'sora-2-pro',
			prompt: 'a paper boat',
			size: 'small',
		});
	});

	it('maps every field to the TTAPI body', () => {
		expect(
			buildGenerationRequest({
				model: 'sora-2-pro',
				prompt: '  a fox  ',
				orientation: 'landscape',
				duration: '25',
				size: 'small',
				referImageUrls: 'https://a.example/1.jpg,\nhttps://a.example/2.jpg',
				characterUrl: 'https://a.example/c.mp4',
				characterTimestamps: '1, 3.5',
				private: false,
				callbackUrl: 'https://hooks.example/x?secret=1',
			}),
		).toEqual({
			model: 'sora-2-pro',
			prompt: 'a fox',
			orientation: 'landscape',
			duration: 25,
			size: 'small',
			referImages: ['https://a.example/1.jpg', 'https://a.example/2.jpg'],
			character_url: 'https://a.example/c.mp4',
			character_timestamps: '1,3.5',
			private: false,
			hookUrl: 'https://hooks.example/x?secret=1',
		});
	});

	it.each([
		['Prompt', 'must not be empty', { ...base, prompt: '   ' }],
		['Prompt', 'must be text, but the value is a number', { ...base, prompt: 42 }],
		['Prompt', 'must be text, but the value is a list', { ...base, prompt: ['a'] }],
		['Prompt', 'at most 4000 characters (it has 10000)', { ...base, prompt: 'x'.repeat(10_000) }],
		['Model', 'must be sora-2 or sora-2-pro', { ...base, model: 'sora-3' }],
		['Duration (Seconds)', '25 seconds needs the sora-2-pro model', { ...base, duration: 25 }],
		['Duration (Seconds)', 'must be 10, 15 or 25 seconds', { ...base, duration: 12 }],
		['Size', 'large needs the sora-2-pro model', { ...base, size: 'large' }],
		['Size', 'not available for 25-second videos', { ...base, model: 'sora-2-pro', duration: 25, size: 'large' }],
		['Orientation', 'must be portrait or landscape', { ...base, orientation: 'square' }],
		['Character Timestamps', 'must be set together', { ...base, characterUrl: 'https://a.example/c.mp4' }],
		['Character Video URL', 'must be set together', { ...base, characterTimestamps: '1,2' }],
		['Character Timestamps', 'must be "start,end"', { ...base, characterUrl: 'https://a.example/c.mp4', characterTimestamps: '1-3' }],
		['Character Timestamps', 'between 1 and 3 seconds (got 4)', { ...base, characterUrl: 'https://a.example/c.mp4', characterTimestamps: '1,5' }],
		['Character Timestamps', 'between 1 and 3 seconds (got 0.5)', { ...base, characterUrl: 'https://a.example/c.mp4', characterTimestamps: '2,2.5' }],
		['Character Video URL', 'must start with http:// or https://', { ...base, characterUrl: 'ftp://a.example/c.mp4', characterTimestamps: '1,2' }],
		['Reference Image URLs', 'is not a URL', { ...base, referImageUrls: 'https://a.example/1.jpg, not a url' }],
		['Reference Image URLs', 'must be text, but the value is a number', { ...base, referImageUrls: [7] }],
		['Callback URL', 'must start with http:// or https://', { ...base, callbackUrl: 'javascript:alert(1)' }],
		['Private', 'must be true or false', { ...base, private: 'yes' }],
	])('names %s: %s', (field, rule, input) => {
		const error = errorOf(input);
		expect(error.field).toBe(field);
		expect(error.message).toContain(`Invalid "${field}"`);
		expect(error.message).toContain(rule);
	});

	it('accepts the timestamp span limits 1 and 3 seconds', () => {
		const at = (characterTimestamps: string) =>
			buildGenerationRequest({ ...base, characterUrl: 'https://a.example/c.mp4', characterTimestamps });
		expect(at('0,1').character_timestamps).toBe('0,1');
		expect(at('2,5').character_timestamps).toBe('2,5');
	});
});
