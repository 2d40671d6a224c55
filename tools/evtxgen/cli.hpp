// cli.hpp: evtxgen's command line: subcommands fixtures, scenario and corpus.
#pragma once

namespace evtxgen {

// Parses arguments, runs the subcommand and returns the process exit code (0 success,
// 1 failure, 2 usage error). Errors are printed as "evtxgen: error: ..." on stderr.
int run_cli(int argc, char** argv);

} // namespace evtxgen
