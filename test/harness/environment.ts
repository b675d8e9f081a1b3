/**
 * One-time process set-up for running n8n-core in-process: a private n8n user folder (so
 * InstanceSettings never touches ~/.n8n), quiet logging, the legacy expression engine,
 * LoggerProxy wired to n8n's own Logger, and no n8n timers keeping the process alive.
 *
 * Environment variables are read by n8n's config classes when the DI container first builds them
 * (Container.get), not at import, so this must run before the first Container.get(...).
 * `ensureEnvironment()` is idempotent.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { Expression, LoggerProxy } from 'n8n-workflow';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let userFolder: string | undefined;

export function ensureEnvironment(): string {
	if (userFolder) return userFolder;

	userFolder = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
	const folder = userFolder;
	process.on('exit', () => rmSync(folder, { recursive: true, force: true }));

	process.env.N8N_USER_FOLDER = folder;
	process.env.N8N_ENCRYPTION_KEY ??= 'n8n-harness-test-encryption-key';
	process.env.N8N_LOG_LEVEL ??= 'silent';
	process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
	// n8n 1.x defaults to the legacy (in-process) expression engine; isolated-vm is not built here.
	process.env.N8N_EXPRESSION_ENGINE ??= 'legacy';

	Expression.setExpressionEngine('legacy');
	LoggerProxy.init(Container.get(Logger));
	Container.get(InstanceSettings); // creates <userFolder>/.n8n/config with the encryption key
	// Every node context builds SSHClientsManager, whose 60 s cleanup interval would keep jest alive
	// (the n8n server clears it on shutdown).
	(Container.get(SSHClientsManager) as unknown as { cleanupTimer: NodeJS.Timeout }).cleanupTimer.unref();
	return folder;
}
