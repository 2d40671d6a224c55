// inputs: expands the command line's paths into the list of .evtx files to read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace wmihunt {

// A path that could not be used, with the reason ("no such file or directory", ...), or,
// as a warning or note, something a directory walk skipped.
struct InputProblem {
    enum class Severity { error, warning, note };
    std::filesystem::path path;
    std::string reason;
    Severity severity = Severity::error;
};

// "error", "warning" or "note".
const char* to_string(InputProblem::Severity severity);

struct InputSet {
    std::vector<std::filesystem::path> files; // in the order to read them, each once
    std::vector<InputProblem> problems;
};

// True for names ending in ".evtx", compared case-insensitively.
bool has_evtx_extension(const std::filesystem::path& path);

// Each path is a regular file (taken whatever its extension) or a directory, searched
// recursively for *.evtx files (sorted by path within each directory tree). A path that
// is neither (a FIFO, a device, a socket, directly or through a symbolic link) is an error,
// found with stat, without opening it. In a walk, symbolic links to directories are not
// followed, so a walk never loops (a note names each); an *.evtx entry that is not a
// regular file (a FIFO, a device, a socket, a broken or looping link) or a link to a file
// outside the tree is not read either (an error names it), so a walk never leaves the
// tree nor blocks. A named directory without any *.evtx file is named in a warning.
// A missing path or an unreadable subdirectory becomes an error; the rest of the paths
// are still collected. A file named twice (same device and inode) is listed once.
InputSet collect_inputs(const std::vector<std::filesystem::path>& paths);

} // namespace wmihunt
