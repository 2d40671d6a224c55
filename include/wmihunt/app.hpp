// app: the whole command, from argv to exit status; main() only calls run().
#pragma once

#include <ostream>

namespace wmihunt {

// Exit statuses, as virus scanners use them.
enum ExitStatus : int { exit_clean = 0, exit_findings = 1, exit_error = 2 };

// Runs wmihunt with the given arguments, printing results to `out` (unless an output
// file is named) and diagnostics to `err`. Returns the exit status: 2 when any input
// could not be read or the usage is wrong (results of readable inputs are still
// printed), else 1 when any detection found something, else 0.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

} // namespace wmihunt
