/**
 * Real n8n BinaryDataService per run, in 'default' (in-memory, base64 in the item) or 'filesystem'
 * mode (files under a temp dir, items carry only an id), plus reading binaries back as Buffers.
 */
import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';
import { BinaryDataService, ErrorReporter } from 'n8n-core';
import type { BinaryDataConfig } from 'n8n-core';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type BinaryMode = 'default' | 'filesystem';

export interface BinaryStore {
	service: BinaryDataService;
	/** Storage folder in filesystem mode (removed by dispose()). */
	dir?: string;
	dispose(): void;
}

/** Installs a fresh BinaryDataService in the DI container (node contexts look it up per run). */
export async function setUpBinaryData(mode: BinaryMode): Promise<BinaryStore> {
	const dir = mode === 'filesystem' ? mkdtempSync(path.join(tmpdir(), 'n8n-binary-')) : undefined;
	const config = {
		mode,
		availableModes: mode === 'filesystem' ? ['default', 'filesystem'] : ['default'],
		localStoragePath: dir ?? '',
		signingSecret: 'n8n-harness-signing-secret',
		dbMaxFileSize: 512,
	} as unknown as BinaryDataConfig;
	const service = new BinaryDataService(config, Container.get(ErrorReporter), Container.get(Logger));
	await service.init();
	Container.set(BinaryDataService, service);
	return {
		service,
		dir,
		dispose: () => {
			if (dir) rmSync(dir, { recursive: true, force: true });
		},
	};
}

const buffers = new WeakMap<IBinaryData, Buffer>();

/** Reads every binary of the items into memory (so they stay readable after the run's temp dir is gone). */
export async function materialiseBinaries(items: INodeExecutionData[], service: BinaryDataService) {
	for (const item of items) {
		for (const binary of Object.values(item.binary ?? {})) {
			buffers.set(binary, await service.getAsBuffer(binary));
		}
	}
}

/**
 * The bytes of `item.binary[property]` from a runNode result.
 * Accepts `readBinary(item, property)` or `readBinary(result, item, property)`.
 */
export function readBinary(item: INodeExecutionData, property?: string): Buffer;
export function readBinary(result: unknown, item: INodeExecutionData, property?: string): Buffer;
export function readBinary(...args: unknown[]): Buffer {
	const [item, property = 'data'] = (
		typeof args[1] === 'object' && args[1] !== null ? args.slice(1) : args
	) as [INodeExecutionData, string | undefined];
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`Item has no binary property "${property}"`);
	const buffer = buffers.get(binary);
	if (buffer) return buffer;
	if (binary.id) throw new Error(`Binary "${property}" (${binary.id}) was not produced by runNode`);
	return Buffer.from(binary.data, 'base64');
}
