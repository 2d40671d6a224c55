// inputs: expands the command line's paths into the list of .evtx files to read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace wmihunt {

// A path that could not be used, with the reason ("no such file or directory", ...).
struct InputProblem {
    std::filesystem::path path;
    std::string reason;
};

struct InputSet {
    std::vector<std::filesystem::path> files; // in the order to read them, each once
    std::vector<InputProblem> problems;
};

// True for names ending in ".evtx", compared case-insensitively.
bool has_evtx_extension(const std::filesystem::path& path);

// Each path is a file (taken whatever its extension) or a directory, searched
// recursively for *.evtx files (sorted by path within each directory tree). Symbolic
// links to directories are not followed, so a walk never loops; a symbolic link to a
// file outside the tree is not followed either (an InputProblem names it), so a walk
// never leaves the tree.
// A missing path or an unreadable subdirectory becomes an InputProblem; the rest of
// the paths are still collected. A file named twice (same canonical path) is listed once.
InputSet collect_inputs(const std::vector<std::filesystem::path>& paths);

} // namespace wmihunt
