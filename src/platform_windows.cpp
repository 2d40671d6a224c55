// platform_windows: the platform interface on Windows (UTF-16 APIs, the console, Win32 files).
#include "wmihunt/platform.hpp"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <bcrypt.h>
#include <fcntl.h>
#include <io.h>
#include <shellapi.h>

#include <date/tz.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <limits>

#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif

namespace wmihunt::platform {

namespace {

namespace fs = std::filesystem;

void (*g_on_interrupt)() = nullptr;
std::atomic<bool> g_interrupt_seen{false};
fs::path g_time_zone_folder;

std::string utf8_of_wide(const wchar_t* text) {
    int size = ::WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
    if (size <= 1)
        return {};
    std::string out(static_cast<size_t>(size), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), size, nullptr, nullptr);
    out.pop_back(); // the terminating NUL
    return out;
}

// errno for the thread's last Win32 error, for messages through std::strerror.
int errno_of_last_error() {
    switch (::GetLastError()) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
        return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
        return EACCES;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
        return EEXIST;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return ENOMEM;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
        return ENOSPC;
    case ERROR_BROKEN_PIPE:
    case ERROR_NO_DATA:
        return EPIPE;
    case ERROR_WRITE_PROTECT:
        return EROFS;
    case ERROR_FILENAME_EXCED_RANGE:
        return ENAMETOOLONG;
    case ERROR_DIRECTORY:
        return ENOTDIR;
    case ERROR_INVALID_HANDLE:
        return EBADF;
    default:
        return EIO;
    }
}

// Ctrl-C, Ctrl-Break and closing the console window: the first one asks the scan to stop;
// the next ones get the default action (the process ends).
BOOL WINAPI on_console_event(DWORD event) {
    switch (event) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
        if (g_interrupt_seen.exchange(true))
            return FALSE;
        g_on_interrupt();
        return TRUE;
    default:
        return FALSE;
    }
}

fs::path executable_folder() {
    std::wstring name(32768, L'\0');
    DWORD length = ::GetModuleFileNameW(nullptr, name.data(), static_cast<DWORD>(name.size()));
    name.resize(length);
    return fs::path(name).parent_path();
}

// The date library opens its files through narrow (ANSI) names: the folder's short name
// keeps them ASCII when the long one is not.
std::string narrow_name_of(const fs::path& folder) {
    std::wstring name = folder.wstring();
    DWORD length = ::GetShortPathNameW(name.c_str(), nullptr, 0);
    if (length > 0) {
        std::wstring short_name(length, L'\0');
        length = ::GetShortPathNameW(name.c_str(), short_name.data(), length);
        if (length > 0) {
            short_name.resize(length);
            name = short_name;
        }
    }
    int size = ::WideCharToMultiByte(CP_ACP, 0, name.c_str(), -1, nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<size_t>(std::max(size, 1)), '\0');
    ::WideCharToMultiByte(CP_ACP, 0, name.c_str(), -1, out.data(), size, nullptr, nullptr);
    out.pop_back();
    return out;
}

HANDLE handle_of(int fd) {
    return reinterpret_cast<HANDLE>(::_get_osfhandle(fd));
}

// A file descriptor owning `handle` (closed by close_file), or -1 with errno set; the
// handle is closed when it fails or is INVALID_HANDLE_VALUE.
int descriptor_of(HANDLE handle, int flags) {
    if (handle == INVALID_HANDLE_VALUE) {
        errno = errno_of_last_error();
        return -1;
    }
    int fd = ::_open_osfhandle(reinterpret_cast<intptr_t>(handle), flags | _O_BINARY);
    if (fd < 0) {
        ::CloseHandle(handle);
        errno = EMFILE;
    }
    return fd;
}

// Others may keep writing or renaming a file we read (the event log service does).
constexpr DWORD share_all = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

// An existing file or folder for reading (FILE_FLAG_BACKUP_SEMANTICS lets a folder open,
// so that it is told as one, as on POSIX systems).
HANDLE open_existing(const fs::path& path, DWORD access) {
    return ::CreateFileW(path.c_str(), access, share_all, nullptr, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL | FILE_FLAG_BACKUP_SEMANTICS, nullptr);
}

bool status_of_handle(HANDLE handle, FileStatus& status) {
    status = FileStatus{};
    switch (::GetFileType(handle)) {
    case FILE_TYPE_CHAR:
        status.kind = FileKind::character_device;
        return true;
    case FILE_TYPE_PIPE:
        status.kind = FileKind::fifo;
        return true;
    case FILE_TYPE_DISK:
        break;
    default:
        if (::GetLastError() != NO_ERROR) {
            errno = errno_of_last_error();
            return false;
        }
        status.kind = FileKind::other;
        return true;
    }
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(handle, &info)) {
        errno = errno_of_last_error();
        return false;
    }
    status.kind = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0 ? FileKind::directory
                                                                          : FileKind::regular;
    status.size = (uint64_t{info.nFileSizeHigh} << 32) | info.nFileSizeLow;
    status.device = info.dwVolumeSerialNumber;
    status.file_number = (uint64_t{info.nFileIndexHigh} << 32) | info.nFileIndexLow;
    status.modified = static_cast<int64_t>((uint64_t{info.ftLastWriteTime.dwHighDateTime} << 32) |
                                           info.ftLastWriteTime.dwLowDateTime);
    status.permissions = (info.dwFileAttributes & FILE_ATTRIBUTE_READONLY) != 0 ? 0444 : 0666;
    return true;
}

} // namespace

std::vector<std::string> start(int, char**) {
    std::vector<std::string> arguments;
    int count = 0;
    wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
    if (wide != nullptr) {
        for (int i = 0; i < count; ++i)
            arguments.push_back(utf8_of_wide(wide[i]));
        ::LocalFree(wide);
    }
    ::SetConsoleOutputCP(CP_UTF8);
    // The bytes wmihunt writes are the bytes that arrive: LF line endings, as on Linux.
    ::_setmode(::_fileno(stdout), _O_BINARY);
    ::_setmode(::_fileno(stderr), _O_BINARY);
    g_time_zone_folder = executable_folder() / "tzdata";
    date::set_install(narrow_name_of(g_time_zone_folder));
    return arguments;
}

fs::path path_for_library(const fs::path& path) {
    std::wstring name = path.wstring();
    DWORD length = ::GetFullPathNameW(name.c_str(), 0, nullptr, nullptr);
    if (length == 0)
        return path;
    std::wstring full(length, L'\0');
    length = ::GetFullPathNameW(name.c_str(), length, full.data(), nullptr);
    full.resize(length);
    return fs::path(full);
}

bool is_terminal(int fd) {
    HANDLE handle = ::GetStdHandle(fd == 1 ? STD_OUTPUT_HANDLE : STD_ERROR_HANDLE);
    DWORD mode = 0;
    if (fd < 1 || fd > 2 || !::GetConsoleMode(handle, &mode))
        return false;
    return (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0 ||
           ::SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

size_t terminal_columns() {
    CONSOLE_SCREEN_BUFFER_INFO info{};
    if (!is_terminal(1) || !::GetConsoleScreenBufferInfo(::GetStdHandle(STD_OUTPUT_HANDLE), &info))
        return 0;
    return static_cast<size_t>(info.srWindow.Right - info.srWindow.Left + 1);
}

void install_interrupt_handlers(void (*on_interrupt)(), void (*)()) {
    // Windows has no SIGPIPE: a write to a closed pipe just fails.
    g_on_interrupt = on_interrupt;
    ::SetConsoleCtrlHandler(on_console_event, TRUE);
}

int open_evidence(const fs::path& path) {
    return descriptor_of(open_existing(path, GENERIC_READ), _O_RDONLY);
}

int open_read_only(const fs::path& path) {
    return descriptor_of(open_existing(path, GENERIC_READ), _O_RDONLY);
}

bool set_blocking(int) {
    return true; // Windows files and pipes opened here block already
}

long long read_at(int fd, void* buffer, size_t size, uint64_t offset) {
    OVERLAPPED at{};
    at.Offset = static_cast<DWORD>(offset & 0xFFFFFFFFu);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD want = static_cast<DWORD>(std::min<size_t>(size, std::numeric_limits<DWORD>::max()));
    DWORD got = 0;
    if (!::ReadFile(handle_of(fd), buffer, want, &got, &at)) {
        if (::GetLastError() == ERROR_HANDLE_EOF)
            return 0;
        errno = errno_of_last_error();
        return -1;
    }
    return got;
}

long long read_some(int fd, void* buffer, size_t size) {
    DWORD want = static_cast<DWORD>(std::min<size_t>(size, std::numeric_limits<DWORD>::max()));
    DWORD got = 0;
    if (!::ReadFile(handle_of(fd), buffer, want, &got, nullptr)) {
        // The end of a file, or of a pipe whose writer is gone.
        if (::GetLastError() == ERROR_HANDLE_EOF || ::GetLastError() == ERROR_BROKEN_PIPE)
            return 0;
        errno = errno_of_last_error();
        return -1;
    }
    return got;
}

long long write_some(int fd, const void* buffer, size_t size) {
    DWORD want = static_cast<DWORD>(std::min<size_t>(size, std::numeric_limits<DWORD>::max()));
    DWORD done = 0;
    if (!::WriteFile(handle_of(fd), buffer, want, &done, nullptr)) {
        errno = errno_of_last_error();
        return -1;
    }
    return done;
}

bool status_of(int fd, FileStatus& status) {
    return status_of_handle(handle_of(fd), status);
}

bool status_of(const fs::path& path, FileStatus& status) {
    HANDLE handle = open_existing(path, 0);
    if (handle == INVALID_HANDLE_VALUE) {
        errno = errno_of_last_error();
        return false;
    }
    bool ok = status_of_handle(handle, status);
    ::CloseHandle(handle);
    return ok;
}

bool close_file(int fd) {
    return ::_close(fd) == 0;
}

int create_new_file(const fs::path& path) {
    // CREATE_NEW fails on any name that exists, a link among them.
    return descriptor_of(::CreateFileW(path.c_str(), GENERIC_WRITE,
                                       FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr, CREATE_NEW,
                                       FILE_ATTRIBUTE_NORMAL, nullptr),
                         _O_WRONLY);
}

int open_in_place(const fs::path& path, FileKind) {
    // A device (NUL, CON) or a named pipe: opened, never created or truncated.
    return descriptor_of(::CreateFileW(path.c_str(), GENERIC_WRITE,
                                       FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                       FILE_ATTRIBUTE_NORMAL, nullptr),
                         _O_WRONLY);
}

bool may_write(const fs::path& path) {
    DWORD attributes = ::GetFileAttributesW(path.c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) {
        errno = errno_of_last_error();
        return false;
    }
    if ((attributes & FILE_ATTRIBUTE_READONLY) != 0) {
        errno = EACCES;
        return false;
    }
    return true;
}

void set_permissions(int, unsigned) {}

bool flush_to_disk(int fd) {
    if (::FlushFileBuffers(handle_of(fd)))
        return true;
    errno = errno_of_last_error();
    return false;
}

bool replace_file(const fs::path& from, const fs::path& to) {
    if (::MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        return true;
    errno = errno_of_last_error();
    return false;
}

bool random_bytes(void* buffer, size_t size) {
    auto* bytes = static_cast<unsigned char*>(buffer);
    while (size > 0) {
        ULONG part = static_cast<ULONG>(std::min<size_t>(size, 1u << 20));
        if (!BCRYPT_SUCCESS(
                ::BCryptGenRandom(nullptr, bytes, part, BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
            errno = EIO;
            return false;
        }
        bytes += part;
        size -= part;
    }
    return true;
}

std::optional<std::pair<uint64_t, uint64_t>> file_identity(const fs::path& path) {
    HANDLE handle = open_existing(path, 0);
    if (handle == INVALID_HANDLE_VALUE)
        return std::nullopt;
    BY_HANDLE_FILE_INFORMATION info{};
    bool ok = ::GetFileInformationByHandle(handle, &info) != 0;
    ::CloseHandle(handle);
    if (!ok)
        return std::nullopt;
    return std::pair<uint64_t, uint64_t>{
        info.dwVolumeSerialNumber, (uint64_t{info.nFileIndexHigh} << 32) | info.nFileIndexLow};
}

std::string time_zone_source() {
    std::error_code ec;
    if (fs::is_directory(g_time_zone_folder, ec))
        return utf8_of(g_time_zone_folder);
    return utf8_of(g_time_zone_folder) + ", which is missing: keep the tzdata folder beside " +
           "wmihunt.exe";
}

bool contains(const void* data, size_t size, const void* needle, size_t length) {
    std::string_view text(static_cast<const char*>(data), size);
    return text.find(std::string_view(static_cast<const char*>(needle), length)) !=
           std::string_view::npos;
}

} // namespace wmihunt::platform
