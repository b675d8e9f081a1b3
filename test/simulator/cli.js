#!/usr/bin/env node
// @ts-check
'use strict';

const { startSimulator } = require('./index');

/**
 * CLI: node test/simulator/cli.js [options]
 * Prints one line "TTAPI simulator listening on http://127.0.0.1:<port> (API key: <key>)" and runs
 * until SIGINT/SIGTERM, then closes cleanly (exit 0).
 */

/** flag -> [option name, kind] */
const FLAGS = {
  '--port': ['port', 'int', 'port to listen on (0 = random free port)', '0'],
  '--host': ['host', 'string', 'address to listen on', '127.0.0.1'],
  '--api-key': ['apiKeys', 'list', 'accepted TT-API-KEY value (repeat for several)', 'sim-key'],
  '--queue-limit': ['queueLimit', 'int', 'max in-progress jobs per key', '5'],
  '--queue-ms': ['queueMs', 'int', 'time a job sits in PENDING_QUEUE', '200'],
  '--render-ms': ['renderMs', 'int', 'time in ON_QUEUE before the job ends', '3000'],
  '--video-bytes': ['videoBytes', 'int', 'size of each served MP4 (--video sized)', String(256 * 1024)],
  '--video': ['videoKind', 'string', '"sized" (blank MP4 of --video-bytes) or "real" (playable clip, ffmpeg)', 'sized'],
  '--callback-delay-ms': ['callbackDelayMs', 'int', 'delay before calling hookUrl after a job ends', '0'],
  '--callback-retries': ['callbackRetries', 'int', 'retries of a failed callback (1 s apart)', '0'],
  '--callback-copies': ['callbackCopies', 'int', 'times each callback is delivered', '1'],
  '--callback-copies-concurrent': ['callbackCopiesConcurrent', 'string', '"true": deliver the copies at the same time', 'false'],
  '--callback-jitter-ms': ['callbackJitterMs', 'int', 'random extra delay 0..N ms per delivery (shuffles the order)', '0'],
  '--callback-jitter-seed': ['callbackJitterSeed', 'int', 'seed of that random delay', '1'],
  '--queue-full-response': ['queueFullResponse', 'string', '"429", "499" (queue exhausted) or "failed" (HTTP 200 FAILED body)', '429'],
  '--insufficient-balance-response': ['insufficientBalanceResponse', 'string', '"402" or "failed" (HTTP 200 FAILED "insufficient quota")', '402'],
  '--submit-id-field': ['submitIdField', 'string', '"job_id" or "jobId" in the submit response', 'job_id'],
  '--public-base-url': ['publicBaseUrl', 'string', 'base of videoUrl', 'the simulator url'],
  '--balance': ['balance', 'int', 'starting quota per API key', '100000'],
};

function usage() {
  const lines = [
    'Usage: node test/simulator/cli.js [options]',
    '',
    'Local TTAPI Sora 2 simulator. Options:',
    ...Object.entries(FLAGS).map(([flag, [, , help, def]]) => `  ${`${flag} <value>`.padEnd(30)}${help} (default ${def})`),
    `  ${'--verbose'.padEnd(30)}log each request (API keys are never logged)`,
    `  ${'--help'.padEnd(30)}show this help`,
    '',
    'Controls (no API key): GET /__sim/counters, POST /__sim/reset, POST /__sim/config,',
    'POST|DELETE /__sim/faults, GET /__sim/jobs/:id, POST /__sim/jobs/:id/callback.',
  ];
  return lines.join('\n');
}

/**
 * @param {string[]} argv
 * @returns {{ help: boolean, verbose: boolean, options: Record<string, any> }}
 */
function parseArgs(argv) {
  /** @type {Record<string, any>} */
  const options = {};
  let help = false;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--verbose') {
      verbose = true;
      continue;
    }
    const spec = /** @type {Record<string, string[]>} */ (FLAGS)[arg];
    if (!spec) throw new Error(`unknown option ${arg} (see --help)`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`option ${arg} needs a value`);
    }
    const [name, kind] = spec;
    if (kind === 'int') {
      if (!/^\d+$/.test(value)) throw new Error(`option ${arg} needs a non-negative integer`);
      options[name] = Number(value);
    } else if (kind === 'list') {
      options[name] = [...(options[name] || []), value];
    } else {
      options[name] = value;
    }
  }
  return { help, verbose, options };
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${/** @type {Error} */ (err).message}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const options = { ...parsed.options };
  if (parsed.verbose) options.logger = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
  let sim;
  try {
    sim = await startSimulator(options);
  } catch (err) {
    process.stderr.write(`cannot start simulator: ${/** @type {Error} */ (err).message}\n`);
    process.exit(1);
  }
  const keys = options.apiKeys || ['sim-key'];
  process.stdout.write(`TTAPI simulator listening on ${sim.url} (API key: ${keys.join(', ')})\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sim.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) main();

module.exports = { parseArgs, usage };
