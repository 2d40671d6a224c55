// output: result targets kept away from the evidence, and result files written whole.
#include "wmihunt/output.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <system_error>
#include <unistd.h>

namespace wmihunt {

namespace fs = std::filesystem;

namespace {

struct Identity {
    dev_t device;
    ino_t inode;
    bool operator==(const Identity&) const = default;
};

// Device and inode of what `path` names, symbolic links followed; nothing when it does not
// exist or cannot be looked at.
std::optional<Identity> identity(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return Identity{st.st_dev, st.st_ino};
}

// The absolute path a write to `path` reaches: symbolic links followed, also a last one
// that names something not created yet (at most 40 of them, as the kernel allows).
fs::path follow_links(const fs::path& path) {
    std::error_code ec;
    fs::path current = fs::absolute(path, ec);
    if (ec)
        current = path;
    for (int hop = 0; hop < 40; ++hop) {
        struct stat st {};
        if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode))
            break;
        fs::path link = fs::read_symlink(current, ec);
        if (ec)
            break;
        current = link.is_absolute() ? link : current.parent_path() / link;
    }
    fs::path resolved = fs::weakly_canonical(current, ec);
    return ec ? current.lexically_normal() : resolved;
}

// A path and its identity, for comparisons that hold through links and other names.
struct Place {
    fs::path path;
    std::optional<Identity> id;
    bool same_as(const Place& other) const {
        return path == other.path || (id && other.id && *id == *other.id);
    }
};

Place place_of(const fs::path& path) {
    fs::path resolved = follow_links(path);
    return {resolved, identity(resolved)};
}

// A connected stream to the Unix socket at `path`, or -1 with errno set.
int connect_socket(const fs::path& path) {
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

void refuse_evidence(const fs::path& target, bool directory, std::string_view option,
                     const std::vector<fs::path>& inputs) {
    // The target and each folder above it, innermost first.
    std::vector<Place> chain;
    for (fs::path p = follow_links(target);; p = p.parent_path()) {
        chain.push_back({p, identity(p)});
        if (p == p.parent_path() || p.empty())
            break;
    }
    auto refuse = [&](std::string_view why, const fs::path& input) {
        throw OutputError(fmt::format("{} {}: refused: it is {} {}; evidence is never written to",
                                      option, target.string(), why, input.string()));
    };
    for (const auto& input : inputs) {
        Place in = place_of(input);
        if (chain.front().same_as(in))
            refuse("the input", input);
        std::error_code ec;
        if (fs::is_directory(in.path, ec)) {
            for (size_t i = 1; i < chain.size(); ++i)
                if (chain[i].same_as(in))
                    refuse("inside the scanned folder", input);
        } else if (directory) {
            fs::path folder = in.path.parent_path();
            if (chain.front().same_as(Place{folder, identity(folder)}))
                refuse("the folder of the input", input);
        }
    }
}

uint64_t random_bits() {
    uint64_t value = 0;
    auto* bytes = reinterpret_cast<char*>(&value);
    size_t got = 0;
    while (got < sizeof(value)) {
        ssize_t n = ::getrandom(bytes + got, sizeof(value) - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw std::system_error(errno, std::generic_category(), "getrandom");
        }
        got += static_cast<size_t>(n);
    }
    return value;
}

Temporary create_temporary(const fs::path& directory, std::string_view stem,
                           const std::function<uint64_t()>& random) {
    // Room for the decoration within a 255-byte file name.
    stem = stem.substr(0, 200);
    for (int attempt = 0; attempt < 100; ++attempt) {
        fs::path path = directory / fmt::format(".{}.wmihunt-{:016x}.tmp", stem, random());
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0)
            return {fd, path};
        if (errno != EEXIST)
            throw std::system_error(errno, std::generic_category(), directory.string());
    }
    throw std::system_error(EEXIST, std::generic_category(), directory.string());
}

bool FdBuffer::drain() {
    const char* data = pbase();
    size_t left = static_cast<size_t>(pptr() - pbase());
    while (left > 0 && m_error == 0) {
        ssize_t n = ::write(m_fd, data, left);
        if (n < 0) {
            if (errno != EINTR)
                m_error = errno;
            continue;
        }
        data += n;
        left -= static_cast<size_t>(n);
    }
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    return m_error == 0;
}

FdBuffer::int_type FdBuffer::overflow(int_type ch) {
    if (!drain())
        return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
        *pptr() = traits_type::to_char_type(ch);
        pbump(1);
    }
    return traits_type::not_eof(ch);
}

int FdBuffer::sync() {
    return drain() ? 0 : -1;
}

OutputFile::OutputFile(fs::path target) : m_target(std::move(target)) {
    struct stat st {};
    bool exists = ::stat(m_target.c_str(), &st) == 0;
    if (!exists && errno != ENOENT)
        fail(errno);
    if (exists && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
        // Opened through the name as given: /dev/stdout and its kin are links the kernel
        // resolves, not paths. No O_CREAT, no O_TRUNC: the node itself is never replaced.
        m_fd = S_ISSOCK(st.st_mode) ? connect_socket(m_target)
                                    : ::open(m_target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (m_fd < 0)
            fail(errno);
        struct stat opened {};
        if (::fstat(m_fd, &opened) == 0 && S_ISREG(opened.st_mode))
            fail(EBUSY); // replaced by a regular file since the check: not written over
    } else {
        if (exists && S_ISDIR(st.st_mode))
            fail(EISDIR);
        if (exists && S_ISBLK(st.st_mode))
            throw OutputError(fmt::format("cannot write {}: it is a block device (a disk), "
                                          "which is never written",
                                          m_target.string()));
        m_final = follow_links(m_target);
        if (exists && ::access(m_final.c_str(), W_OK) != 0)
            fail(errno);
        try {
            Temporary temporary =
                create_temporary(m_final.parent_path(), m_final.filename().string());
            m_fd = temporary.fd;
            m_temporary = std::move(temporary.path);
        } catch (const std::system_error& error) {
            fail(error.code().value());
        }
        // The new file keeps the permissions of the one it replaces.
        if (exists)
            ::fchmod(m_fd, st.st_mode & 07777);
    }
    m_buffer = std::make_unique<FdBuffer>(m_fd);
    m_stream.rdbuf(m_buffer.get());
}

OutputFile::~OutputFile() {
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_committed && !m_temporary.empty())
        ::unlink(m_temporary.c_str());
}

void OutputFile::fail(int error) const {
    throw OutputError(fmt::format("cannot write {}: {}", m_target.string(), std::strerror(error)));
}

void OutputFile::commit() {
    m_stream.flush();
    int error = m_buffer->error();
    if (error == 0 && !m_stream)
        error = EIO;
    if (error == 0 && !in_place() && ::fsync(m_fd) != 0)
        error = errno;
    if (error != 0)
        fail(error);
    int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0 && errno != EINTR)
        fail(errno);
    if (!in_place() && ::rename(m_temporary.c_str(), m_final.c_str()) != 0)
        fail(errno);
    m_committed = true;
}

} // namespace wmihunt
