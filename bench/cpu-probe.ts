/*
 * Loaded with `node --import` into a process the bench runs (the CLI, the
 * floor): at exit it writes the process's own CPU time (user + system,
 * microseconds) to stderr as its last line, `FACTLINE_BENCH_CPU <json>`,
 * start-up and module loading included.
 */
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\nFACTLINE_BENCH_CPU ${JSON.stringify({ user: u.user, system: u.system })}\n`);
});
