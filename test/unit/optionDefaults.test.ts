import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { TtApi } from '../../credentials/TtApi.credentials';
import { generateVideoDescription } from '../../nodes/SoraGenerate/actions/generateVideo/generateVideo.description';
import { SoraGenerate } from '../../nodes/SoraGenerate/SoraGenerate.node';
import { SoraGenerateTrigger } from '../../nodes/SoraGenerateTrigger/SoraGenerateTrigger.node';
import { buildGenerationRequest } from '../../nodes/SoraGenerate/actions/generateVideo/generationRequest';
import { SORA_MODELS } from '../../nodes/shared/constants';

// The simulator applies TTAPI's documented rules to every generation request.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validateGeneration } = require('../simulator/validate') as {
	validateGeneration: (body: unknown, limits: { maxPromptLength: number }) => string | undefined;
};

/** Whether a collection option is offered for this root value of Model (its `/model` displayOptions). */
function offeredFor(option: INodeProperties, model: string): boolean {
	const show = option.displayOptions?.show?.['/model'];
	const hide = option.displayOptions?.hide?.['/model'];
	if (show && !show.includes(model)) return false;
	if (hide && hide.includes(model)) return false;
	return true;
}

function videoOptions(): INodeProperties[] {
	const collection = generateVideoDescription.find((property) => property.name === 'videoOptions');
	return (collection?.options ?? []) as INodeProperties[];
}

describe('Video Options: every option added with its default, per model', () => {
	it.each(SORA_MODELS)('%s: the request is one TTAPI (the simulator) accepts', (model) => {
		const offered = videoOptions().filter((option) => offeredFor(option, model));
		const defaults: IDataObject = {};
		for (const option of offered) {
			expect(defaults).not.toHaveProperty(option.name); // one variant per model
			defaults[option.name] = option.default as IDataObject[string];
		}
		const everyName = [...new Set(videoOptions().map((option) => option.name))];
		const expected = model === 'sora-2' ? everyName.filter((name) => name !== 'size') : everyName;
		expect(Object.keys(defaults).sort()).toEqual(expected.sort());

		const body = buildGenerationRequest({ model, prompt: 'a paper boat', ...defaults });
		expect(validateGeneration(body, { maxPromptLength: 4000 })).toBeUndefined();
	});

	it("Duration's default is TTAPI's own for each model (10 s for Sora 2, 15 s for Sora 2 Pro)", () => {
		const duration = (model: string) =>
			videoOptions().find((option) => option.name === 'duration' && offeredFor(option, model))?.default;
		expect(duration('sora-2')).toBe(10);
		expect(duration('sora-2-pro')).toBe(15);
	});

	it('Size is not offered with Sora 2, and a Size left from Sora 2 Pro is not sent', () => {
		expect(videoOptions().some((option) => option.name === 'size' && offeredFor(option, 'sora-2'))).toBe(false);
		const body = buildGenerationRequest({ model: 'sora-2', prompt: 'a paper boat', size: 'small' });
		expect(body).not.toHaveProperty('size');
		expect(validateGeneration(body, { maxPromptLength: 4000 })).toBeUndefined();
	});
});

describe('descriptions, hints and notices of every node and the credential', () => {
	const sources = {
		'Sora Generate': new SoraGenerate().description.properties,
		'Sora Trigger': new SoraGenerateTrigger().description.properties,
		'TTAPI API credential': new TtApi().properties,
	};
	// n8n renders them as HTML: "<your n8n URL>/webhook/<path>" showed as "/webhook/".
	it.each(Object.entries(sources))('%s: no text the editor would eat as HTML', (_, properties) => {
		const texts: string[] = [];
		const walk = (list: INodeProperties[]) => {
			for (const property of list) {
				texts.push(property.displayName, property.description ?? '', property.hint ?? '', String(property.placeholder ?? ''));
				for (const option of (property.options ?? []) as Array<INodeProperties | { name: string; description?: string }>) {
					if ('type' in option) walk([option]);
					else texts.push(option.name, option.description ?? '');
				}
			}
		};
		walk(properties);
		expect(texts.length).toBeGreaterThan(10);
		expect(texts.filter((text) => /<[a-z/!]/i.test(text))).toEqual([]);
	});
});
