#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import { processIo, type CliIo } from './io.js';
import { VERIFY_HELP, verifyCommand } from './verify.js';
import { VALIDATE_HELP, validateCommand } from './validate.js';

const HELP = `factline ${VERSION}: typed events, OpenTelemetry, Loki and Tempo.

Usage: factline <command> [options]

Commands:
  verify FILE      check the hash chain of an events.jsonl (and its rotated files)
  validate FILE    check every line of an events file against a catalog (default: intent)
  help [COMMAND]   show help

Run "factline help COMMAND" for a command's options.`;

const COMMANDS: Record<string, { help: string; run: (args: string[], io: CliIo) => Promise<number> }> = {
  verify: { help: VERIFY_HELP, run: verifyCommand },
  validate: { help: VALIDATE_HELP, run: validateCommand },
};

/** Runs the CLI and returns its exit status. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const topic = cmd === 'help' ? rest[0] : undefined;
    io.out(topic && COMMANDS[topic] ? COMMANDS[topic]!.help : HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    io.err(`factline: unknown command "${cmd}"\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  return command.run(rest, io);
}

const invoked = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invoked) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`factline: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
