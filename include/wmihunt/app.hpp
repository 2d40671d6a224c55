// app: the whole command, from argv to exit status; main() only calls run().
#pragma once

#include <ostream>

namespace wmihunt {

// Exit statuses, as virus scanners use them.
// 130 (128 + SIGINT, as shells report it) when the run was interrupted.
enum ExitStatus : int { exit_clean = 0, exit_findings = 1, exit_error = 2, exit_interrupted = 130 };

// Runs wmihunt with the given arguments, printing results to `out` (unless an output
// file is named) and diagnostics to `err`. Returns the exit status: 2 when any input
// could not be read or the usage is wrong (results of readable inputs are still
// printed; so is damage in a file with --strict), else 1 when any detection found
// something, else 0. Interrupted (SIGINT): partial results to `out` only, a message
// saying so, no output file, 130. A closed `out` pipe ends the run quietly.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

} // namespace wmihunt
