// output: result targets kept away from the evidence, and result files written whole.
#include "wmihunt/output.hpp"

#include "wmihunt/platform.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

namespace wmihunt {

namespace fs = std::filesystem;

namespace {

// Device and inode of what `path` names, symbolic links followed; nothing when it does not
// exist or cannot be looked at.
using Identity = std::pair<uint64_t, uint64_t>;
std::optional<Identity> identity(const fs::path& path) {
    return platform::file_identity(path);
}

// The absolute path a write to `path` reaches: symbolic links followed, also a last one
// that names something not created yet (at most 40 of them, as the kernel allows).
fs::path follow_links(const fs::path& path) {
    std::error_code ec;
    fs::path current = fs::absolute(path, ec);
    if (ec)
        current = path;
    for (int hop = 0; hop < 40; ++hop) {
        if (!fs::is_symlink(fs::symlink_status(current, ec)))
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
                                      option, platform::utf8_of(target), why,
                                      platform::utf8_of(input)));
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
    if (!platform::random_bytes(&value, sizeof(value)))
        throw std::system_error(errno, std::generic_category(), "random bits");
    return value;
}

Temporary create_temporary(const fs::path& directory, std::string_view stem,
                           const std::function<uint64_t()>& random) {
    // Room for the decoration within a 255-byte file name, not cutting a UTF-8 character.
    size_t cut = std::min<size_t>(stem.size(), 200);
    while (cut > 0 && cut < stem.size() && (static_cast<unsigned char>(stem[cut]) & 0xC0) == 0x80)
        --cut;
    stem = stem.substr(0, cut);
    for (int attempt = 0; attempt < 100; ++attempt) {
        fs::path path = directory / platform::path_from_utf8(
                                        fmt::format(".{}.wmihunt-{:016x}.tmp", stem, random()));
        int fd = platform::create_new_file(path);
        if (fd >= 0)
            return {fd, path};
        if (errno != EEXIST)
            throw std::system_error(errno, std::generic_category(), platform::utf8_of(directory));
    }
    throw std::system_error(EEXIST, std::generic_category(), platform::utf8_of(directory));
}

bool FdBuffer::drain() {
    const char* data = pbase();
    size_t left = static_cast<size_t>(pptr() - pbase());
    while (left > 0 && m_error == 0) {
        long long n = platform::write_some(m_fd, data, left);
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
    using platform::FileKind;
    platform::FileStatus st;
    bool exists = platform::status_of(m_target, st);
    if (!exists && errno != ENOENT)
        fail(errno);
    if (exists && (st.kind == FileKind::character_device || st.kind == FileKind::fifo ||
                   st.kind == FileKind::socket)) {
        // Opened through the name as given, never created or truncated: the node itself is
        // never replaced.
        m_fd = platform::open_in_place(m_target, st.kind);
        if (m_fd < 0)
            fail(errno);
        platform::FileStatus opened;
        if (platform::status_of(m_fd, opened) && opened.kind == FileKind::regular)
            fail(EBUSY); // replaced by a regular file since the check: not written over
    } else {
        if (exists && st.kind == FileKind::directory)
            fail(EISDIR);
        if (exists && st.kind == FileKind::block_device)
            throw OutputError(fmt::format("cannot write {}: it is a block device (a disk), "
                                          "which is never written",
                                          platform::utf8_of(m_target)));
        m_final = follow_links(m_target);
        if (exists && !platform::may_write(m_final))
            fail(errno);
        try {
            Temporary temporary =
                create_temporary(m_final.parent_path(), platform::utf8_of(m_final.filename()));
            m_fd = temporary.fd;
            m_temporary = std::move(temporary.path);
        } catch (const std::system_error& error) {
            fail(error.code().value());
        }
        // The new file keeps the permissions of the one it replaces.
        if (exists)
            platform::set_permissions(m_fd, st.permissions);
    }
    m_buffer = std::make_unique<FdBuffer>(m_fd);
    m_stream.rdbuf(m_buffer.get());
}

OutputFile::~OutputFile() {
    if (m_fd >= 0)
        platform::close_file(m_fd);
    if (!m_committed && !m_temporary.empty()) {
        std::error_code ignored;
        fs::remove(m_temporary, ignored);
    }
}

void OutputFile::fail(int error) const {
    throw OutputError(
        fmt::format("cannot write {}: {}", platform::utf8_of(m_target), std::strerror(error)));
}

void OutputFile::commit() {
    m_stream.flush();
    int error = m_buffer->error();
    if (error == 0 && !m_stream)
        error = EIO;
    if (error == 0 && !in_place() && !platform::flush_to_disk(m_fd))
        error = errno;
    if (error != 0)
        fail(error);
    int fd = m_fd;
    m_fd = -1;
    if (!platform::close_file(fd) && errno != EINTR)
        fail(errno);
    if (!in_place() && !platform::replace_file(m_temporary, m_final))
        fail(errno);
    m_committed = true;
}

} // namespace wmihunt
