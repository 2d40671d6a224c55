// inputs: directory walking and de-duplication of input paths.
#include "wmihunt/inputs.hpp"

#include "wmihunt/platform.hpp"

#include <algorithm>
#include <set>
#include <system_error>

namespace wmihunt {

namespace fs = std::filesystem;

bool has_evtx_extension(const fs::path& path) {
    std::string ext = platform::utf8_of(path.extension());
    if (ext.size() != 5)
        return false;
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".evtx";
}

const char* to_string(InputProblem::Severity severity) {
    switch (severity) {
    case InputProblem::Severity::error:
        return "error";
    case InputProblem::Severity::warning:
        return "warning";
    case InputProblem::Severity::note:
        return "note";
    }
    return "error";
}

namespace {

// What a path that is not a regular file or directory is, for messages.
std::string kind_of(fs::file_type type) {
    switch (type) {
    case fs::file_type::fifo:
        return "a FIFO";
    case fs::file_type::block:
        return "a block device";
    case fs::file_type::character:
        return "a character device";
    case fs::file_type::socket:
        return "a socket";
    default:
        return "not a regular file";
    }
}

std::string not_regular(fs::file_type type) {
    std::string kind = kind_of(type);
    return kind == "not a regular file" ? kind : "not a regular file (" + kind + ")";
}

std::string reason_of(const std::error_code& ec) {
    if (ec == std::errc::no_such_file_or_directory)
        return "no such file or directory";
    if (ec == std::errc::permission_denied)
        return "permission denied";
    return ec.message();
}

void walk_directory(const fs::path& root, std::vector<fs::path>& found,
                    std::vector<InputProblem>& problems) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
    if (ec) {
        problems.push_back({root, reason_of(ec)});
        return;
    }
    std::error_code canonical_ec;
    const fs::path canonical_root = fs::canonical(root, canonical_ec);
    // True when `target` (canonical) lies inside the tree being walked.
    auto inside_tree = [&](const fs::path& target) {
        auto [root_end, target_it] = std::mismatch(canonical_root.begin(), canonical_root.end(),
                                                   target.begin(), target.end());
        return root_end == canonical_root.end();
    };
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator end; it != end;) {
        const fs::directory_entry& entry = *it;
        std::error_code type_ec;
        if (entry.is_directory(type_ec) && !entry.is_symlink(type_ec)) {
            // Probe readability now so an unreadable subdirectory is reported by name
            // instead of ending the walk.
            std::error_code probe;
            fs::directory_iterator check(entry.path(), probe);
            if (probe) {
                problems.push_back({entry.path(), "cannot read directory: " + reason_of(probe)});
                it.disable_recursion_pending();
            }
        } else if (entry.is_symlink(type_ec) && entry.is_directory(type_ec)) {
            problems.push_back({entry.path(),
                                "symbolic link to a directory, not followed (name its target "
                                "to read it)",
                                InputProblem::Severity::note});
        } else if (has_evtx_extension(entry.path()) && !entry.is_regular_file(type_ec)) {
            std::error_code link_ec;
            if (entry.is_symlink(link_ec) && !fs::exists(entry.status(link_ec)))
                problems.push_back({entry.path(), "broken or looping symbolic link, not read"});
            else
                problems.push_back(
                    {entry.path(), not_regular(entry.status(link_ec).type()) + ", not read"});
        } else if (entry.is_regular_file(type_ec) && has_evtx_extension(entry.path())) {
            std::error_code link_ec;
            if (entry.is_symlink(link_ec) && !canonical_ec) {
                fs::path target = fs::canonical(entry.path(), link_ec);
                if (link_ec || !inside_tree(target)) {
                    problems.push_back(
                        {entry.path(), "symbolic link leading outside " + platform::utf8_of(root) +
                                           ", not followed (name its target to read it)"});
                    it.increment(ec);
                    if (ec) {
                        problems.push_back({root, "directory walk stopped: " + reason_of(ec)});
                        break;
                    }
                    continue;
                }
            }
            files.push_back(entry.path());
        }
        it.increment(ec);
        if (ec) {
            problems.push_back({root, "directory walk stopped: " + reason_of(ec)});
            break;
        }
    }
    if (files.empty() && !ec)
        problems.push_back(
            {root, "no .evtx file in this directory", InputProblem::Severity::warning});
    std::sort(files.begin(), files.end());
    found.insert(found.end(), files.begin(), files.end());
}

} // namespace

InputSet collect_inputs(const std::vector<fs::path>& paths) {
    InputSet set;
    std::vector<fs::path> candidates;
    for (const auto& path : paths) {
        std::error_code ec;
        auto status = fs::status(path, ec);
        if (ec || !fs::exists(status)) {
            set.problems.push_back({path, ec ? reason_of(ec) : "no such file or directory"});
            continue;
        }
        if (fs::is_directory(status))
            walk_directory(path, candidates, set.problems);
        else if (fs::is_regular_file(status))
            candidates.push_back(path);
        else
            set.problems.push_back({path, not_regular(status.type())});
    }
    // The same file named twice (by another path, a link, or a directory and a file in
    // it) is one file: same device, same inode. A path that cannot be examined is kept,
    // and the reader reports why.
    std::set<std::pair<uint64_t, uint64_t>> seen;
    for (auto& path : candidates) {
        auto identity = platform::file_identity(path);
        if (identity && !seen.insert(*identity).second)
            continue;
        set.files.push_back(std::move(path));
    }
    return set;
}

} // namespace wmihunt
