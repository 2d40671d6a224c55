// platform: the operating system's facilities wmihunt uses, one implementation per system
// (platform_posix.cpp, platform_windows.cpp), chosen by CMake.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wmihunt::platform {

// Prepares the process and returns its arguments as UTF-8. On Windows: the arguments come
// from the UTF-16 command line, the console shows UTF-8, standard output and error write
// bytes unchanged (LF line endings, as on Linux), and the time zone database is the
// tzdata folder beside the executable.
std::vector<std::string> start(int argc, char** argv);

// Paths to and from UTF-8 text, whatever the system's own path encoding (UTF-16 on
// Windows, bytes elsewhere).
inline std::filesystem::path path_from_utf8(std::string_view text) {
    return std::filesystem::path(std::u8string(text.begin(), text.end()));
}
inline std::string utf8_of(const std::filesystem::path& path) {
    auto text = path.u8string();
    return std::string(text.begin(), text.end());
}

// The path to give a C library that opens files itself: on Windows absolute and normalised
// (libbfio mishandles relative paths and "/"), elsewhere unchanged.
std::filesystem::path path_for_library(const std::filesystem::path& path);

// Whether file descriptor 1 (stdout) or 2 (stderr) is a terminal that understands the
// ANSI escape sequences wmihunt writes (colours, the progress line); on Windows a console,
// switched to processing them.
bool is_terminal(int fd);

// The columns of the terminal on standard output, or 0 when it is not a terminal.
size_t terminal_columns();

// Calls on_interrupt (once; a second Ctrl-C ends the process) on Ctrl-C or a request to
// terminate, and on_output_closed when a write hits a closed pipe instead of ending the
// process. Both run where only lock-free atomics may be touched. On POSIX systems a system
// call that SIGINT or SIGTERM interrupts fails with EINTR instead of being restarted, so
// that a blocked read cannot hold the run.
void install_interrupt_handlers(void (*on_interrupt)(), void (*on_output_closed)());

// Files by descriptor, mirroring open/pread/read/write/fstat/close: -1 or false with errno
// set on failure.

// An evidence file opened read-only, without updating its access time where the system
// lets us, and without blocking (a FIFO without a writer opens at once; for a regular file
// this changes nothing).
int open_evidence(const std::filesystem::path& path);
// Any file opened read-only without blocking, like open_evidence; set_blocking() then makes
// reads from a pipe wait for its writer.
int open_read_only(const std::filesystem::path& path);
bool set_blocking(int fd);
long long read_at(int fd, void* buffer, size_t size, uint64_t offset);
long long read_some(int fd, void* buffer, size_t size);
long long write_some(int fd, const void* buffer, size_t size);

enum class FileKind { regular, directory, fifo, character_device, block_device, socket, other };
struct FileStatus {
    FileKind kind = FileKind::other;
    uint64_t size = 0;
    uint64_t device = 0;      // with file_number, the file's identity
    uint64_t file_number = 0; // (the inode; on Windows the file index)
    int64_t modified = 0;     // last write, in the system's units (ns; 100 ns on Windows)
    unsigned permissions = 0; // POSIX mode bits (07777); on Windows 0444 or 0666
};
bool status_of(int fd, FileStatus& status);
// What `path` names, symbolic links followed.
bool status_of(const std::filesystem::path& path, FileStatus& status);
bool close_file(int fd);

// The identity of the file a path names (device and file number), the same for every
// name of one file; nullopt when it cannot be examined.
std::optional<std::pair<uint64_t, uint64_t>> file_identity(const std::filesystem::path& path);

// A new file for writing, created only when nothing (not even a dangling symbolic link) has
// that name: errno EEXIST otherwise.
int create_new_file(const std::filesystem::path& path);
// An existing device, FIFO or socket (`kind`), opened for writing in place: never created,
// truncated or replaced.
int open_in_place(const std::filesystem::path& path, FileKind kind);
// Whether the file at `path` may be written (access(W_OK); on Windows, not read-only).
bool may_write(const std::filesystem::path& path);
// Gives the open file these permission bits (fchmod; on Windows a file's rights come from
// its folder, and nothing changes).
void set_permissions(int fd, unsigned permissions);
// The file's data on disk (fsync).
bool flush_to_disk(int fd);
// Renames `from` onto `to`, replacing what `to` named in one step.
bool replace_file(const std::filesystem::path& from, const std::filesystem::path& to);

// Fills `buffer` with unpredictable bytes from the system (getrandom, BCryptGenRandom).
bool random_bytes(void* buffer, size_t size);

// Where the IANA time zone names come from, for messages: /usr/share/zoneinfo, or on
// Windows the tzdata folder beside the executable (saying so when it is missing).
std::string time_zone_source();

// Whether `size` bytes at `data` hold the `length` bytes of `needle` (memmem where the C
// library has it).
bool contains(const void* data, size_t size, const void* needle, size_t length);

} // namespace wmihunt::platform
