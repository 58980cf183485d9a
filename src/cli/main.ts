#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import { jsonError, processIo, wantsJson, type CliIo } from './io.js';
import { loadTool, ToolMissingError } from './tools.js';

const HELP = `factline ${VERSION}: typed events, OpenTelemetry, Loki and Tempo.

Usage: factline <command> [options]

Commands:
  query 'LOGQL'    run a LogQL query on local event files (--file) or on Loki (--loki)
  feedback         how the last N attempts of an agent turned out, per group ("23 of 50 failed")
  chain ID         what caused an event (oldest first) and what it caused directly
  tail FILE        print the last events of a file in the one-line text form; -f follows it
  stats FILE       counts per domain, entity and action, failure rates, first and last time
  catalog          list a catalog's events, describe one, print its JSON Schema;
                   lock, check (exit 1 on a breaking change), lint, export --format weaver
  mcp              serve the catalog and the history to agents over MCP (stdio): query_events,
                   list_labels, label_values, event_chain, agent_feedback, list_events, describe_event
  verify FILE      check the hash chain of an events.jsonl (and its rotated files)
  validate FILE    check every line of an events file against a catalog (--catalog)
  help [COMMAND]   show help

Run "factline help COMMAND" for a command's options.`;

/*
 * Each command's module is loaded when that command runs (its help too), so
 * that a command pays at start-up only for what it uses: `validate` does not
 * load the query commands, `verify` not the catalog. `mcp` comes through
 * loadTool: the MCP SDK is an optional package (`@factline/tools`), and
 * loadTool says what to install when it is missing.
 */
const COMMANDS: Record<string, { help: () => Promise<string>; run: (args: string[], io: CliIo) => Promise<number> }> = {
  query: { help: async () => (await import('./query.js')).QUERY_HELP, run: async (args, io) => (await import('./query.js')).queryCommand(args, io) },
  feedback: {
    help: async () => (await import('./feedback.js')).FEEDBACK_HELP,
    run: async (args, io) => (await import('./feedback.js')).feedbackCommand(args, io),
  },
  chain: { help: async () => (await import('./chain.js')).CHAIN_HELP, run: async (args, io) => (await import('./chain.js')).chainCommand(args, io) },
  tail: {
    help: async () => (await import('./tail.js')).TAIL_HELP,
    run: async (args, io) =>
      (await import('./tail.js')).tailCommand(args, io, args.includes('-f') || args.includes('--follow') ? { signal: stopSignal() } : {}),
  },
  stats: { help: async () => (await import('./stats.js')).STATS_HELP, run: async (args, io) => (await import('./stats.js')).statsCommand(args, io) },
  catalog: {
    help: async () => (await import('./catalog.js')).CATALOG_COMMAND_HELP,
    run: async (args, io) => (await import('./catalog.js')).catalogCommand(args, io),
  },
  mcp: { help: async () => (await loadTool('mcp-command')).MCP_HELP, run: async (args, io) => (await loadTool('mcp-command')).mcpCommand(args, io) },
  verify: { help: async () => (await import('./verify.js')).VERIFY_HELP, run: async (args, io) => (await import('./verify.js')).verifyCommand(args, io) },
  validate: {
    help: async () => (await import('./validate.js')).VALIDATE_HELP,
    run: async (args, io) => (await import('./validate.js')).validateCommand(args, io),
  },
};

/** Aborts on SIGINT or SIGTERM, so `tail -f` prints its summary and exits 0. */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

async function helpOf(command: { help: () => Promise<string> }): Promise<string> {
  return command.help();
}

/** Runs the CLI and returns its exit status. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const topic = cmd === 'help' ? rest[0] : undefined;
    io.out(topic !== undefined && Object.hasOwn(COMMANDS, topic) ? await helpOf(COMMANDS[topic]!) : HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.out(VERSION);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!command) {
    io.err(`factline: unknown command "${cmd}"\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(await helpOf(command));
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // An optional package missing (docs/query.md, "Errors with --json"): named with the
    // command, and with --json as JSON on stdout, nothing on stderr.
    if (!(e instanceof ToolMissingError)) throw e;
    if (wantsJson(rest)) io.out(jsonError('tool_missing', e.message));
    else io.err(`factline ${cmd}: ${e.message}`);
    return 1;
  }
}

/**
 * Runs the CLI as the process: `argv` (default: the process's arguments),
 * the exit status set when the command settles. The `factline` command of
 * this package and of `@factline/tools` both call it.
 *
 * @example
 * import { runCli } from 'factline/cli';
 * runCli();
 */
export function runCli(argv: string[] = process.argv.slice(2)): void {
  // `factline query ... | head`: a closed pipe ends the output, it is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  // A command whose promise never settles (a --catalog module awaiting a
  // promise that never resolves) would let the event loop empty and Node exit
  // 0 without a word. Until the command settles the status is 1, and the
  // event loop emptying first is reported.
  let settled = false;
  process.exitCode = 1;
  // With --json the error is the answer on stdout, as every command's errors are (docs/query.md, "Errors with --json").
  const json = wantsJson(argv);
  const fail = (code: string, message: string, status: number): void => {
    if (json) process.stdout.write(`${jsonError(code, message)}\n`);
    else process.stderr.write(`factline: ${message}\n`);
    process.exitCode = status;
  };
  process.once('beforeExit', () => {
    if (settled) return;
    // A catalog module that never settles is a catalog that cannot be loaded: exit 2, as one that throws.
    if (argv.includes('--catalog'))
      fail('catalog_not_loaded', 'the command did not finish: the --catalog module never settled (a top-level await that never resolves?)', 2);
    else fail('internal', 'the command did not finish: something it waited for never settled', 1);
    process.exit();
  });
  main(argv).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (e: unknown) => {
      settled = true;
      fail('internal', e instanceof Error ? e.message : String(e), 1);
    },
  );
}

const invoked = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invoked) runCli();
