// platform_posix: the platform interface on Linux and other POSIX systems.
#include "wmihunt/platform.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace wmihunt::platform {

namespace {

void (*g_on_interrupt)() = nullptr;
void (*g_on_output_closed)() = nullptr;

extern "C" void on_interrupt_signal(int) {
    g_on_interrupt();
}

extern "C" void on_broken_pipe_signal(int) {
    g_on_output_closed();
}

void install(int signal_number, void (*handler)(int), int flags) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = flags;
    sigaction(signal_number, &action, nullptr);
}

FileKind kind_of(mode_t mode) {
    if (S_ISREG(mode))
        return FileKind::regular;
    if (S_ISDIR(mode))
        return FileKind::directory;
    if (S_ISFIFO(mode))
        return FileKind::fifo;
    if (S_ISCHR(mode))
        return FileKind::character_device;
    if (S_ISBLK(mode))
        return FileKind::block_device;
    if (S_ISSOCK(mode))
        return FileKind::socket;
    return FileKind::other;
}

FileStatus status_from(const struct stat& info) {
    FileStatus status;
    status.kind = kind_of(info.st_mode);
    status.size = static_cast<uint64_t>(info.st_size);
    status.device = info.st_dev;
    status.file_number = info.st_ino;
    status.modified = int64_t{info.st_mtim.tv_sec} * 1'000'000'000 + info.st_mtim.tv_nsec;
    status.permissions = info.st_mode & 07777;
    return status;
}

// A connected stream to the Unix socket at `path`, or -1 with errno set.
int connect_socket(const std::filesystem::path& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.native().size() >= sizeof(address.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    std::memcpy(address.sun_path, path.c_str(), path.native().size());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        int error = errno;
        ::close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

} // namespace

std::vector<std::string> start(int argc, char** argv) {
    return std::vector<std::string>(argv, argv + argc);
}

std::filesystem::path path_for_library(const std::filesystem::path& path) {
    return path;
}

bool is_terminal(int fd) {
    return ::isatty(fd) != 0;
}

size_t terminal_columns() {
    winsize size{};
    if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0)
        return size.ws_col;
    return 0;
}

void install_interrupt_handlers(void (*on_interrupt)(), void (*on_output_closed)()) {
    g_on_interrupt = on_interrupt;
    g_on_output_closed = on_output_closed;
    // SA_RESETHAND: the handler runs once, then the default action is back. No
    // SA_RESTART: a system call the signal interrupts fails with EINTR instead of
    // waiting on, so that a blocked read cannot hold the run.
    install(SIGINT, on_interrupt_signal, SA_RESETHAND);
    install(SIGTERM, on_interrupt_signal, SA_RESETHAND);
    install(SIGPIPE, on_broken_pipe_signal, SA_RESTART);
}

int open_evidence(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOATIME | O_NONBLOCK);
    if (fd < 0 && errno == EPERM)
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    return fd;
}

int open_read_only(const std::filesystem::path& path) {
    return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
}

bool set_blocking(int fd) {
    int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0;
}

long long read_at(int fd, void* buffer, size_t size, uint64_t offset) {
    return ::pread(fd, buffer, size, static_cast<off_t>(offset));
}

long long read_some(int fd, void* buffer, size_t size) {
    return ::read(fd, buffer, size);
}

long long write_some(int fd, const void* buffer, size_t size) {
    return ::write(fd, buffer, size);
}

bool status_of(int fd, FileStatus& status) {
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        return false;
    status = status_from(info);
    return true;
}

bool status_of(const std::filesystem::path& path, FileStatus& status) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return false;
    status = status_from(info);
    return true;
}

bool close_file(int fd) {
    return ::close(fd) == 0;
}

int create_new_file(const std::filesystem::path& path) {
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
}

int open_in_place(const std::filesystem::path& path, FileKind kind) {
    // Opened through the name as given: /dev/stdout and its kin are links the kernel
    // resolves, not paths.
    return kind == FileKind::socket ? connect_socket(path)
                                    : ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
}

bool may_write(const std::filesystem::path& path) {
    return ::access(path.c_str(), W_OK) == 0;
}

void set_permissions(int fd, unsigned permissions) {
    ::fchmod(fd, static_cast<mode_t>(permissions));
}

bool flush_to_disk(int fd) {
    return ::fsync(fd) == 0;
}

bool replace_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    return ::rename(from.c_str(), to.c_str()) == 0;
}

bool random_bytes(void* buffer, size_t size) {
    auto* bytes = static_cast<char*>(buffer);
    size_t got = 0;
    while (got < size) {
        ssize_t n = ::getrandom(bytes + got, size - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        got += static_cast<size_t>(n);
    }
    return true;
}

std::optional<std::pair<uint64_t, uint64_t>> file_identity(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return std::nullopt;
    return std::pair<uint64_t, uint64_t>{info.st_dev, info.st_ino};
}

std::string time_zone_source() {
    return "/usr/share/zoneinfo";
}

bool contains(const void* data, size_t size, const void* needle, size_t length) {
    return ::memmem(data, size, needle, length) != nullptr;
}

} // namespace wmihunt::platform
