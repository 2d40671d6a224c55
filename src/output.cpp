// output: AtomicFile, temporary-then-rename result files.
#include "wmihunt/output.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <fmt/std.h>
#include <unistd.h>

namespace wmihunt {

AtomicFile::AtomicFile(std::filesystem::path target) : m_target(std::move(target)) {
    auto name = fmt::format(".{}.wmihunt-{}.tmp", m_target.filename().string(), ::getpid());
    m_temporary = m_target.parent_path() / name;
    m_stream.open(m_temporary, std::ios::binary | std::ios::trunc);
    if (!m_stream)
        throw std::runtime_error(
            fmt::format("cannot write {}: {}", m_target.string(), std::strerror(errno)));
}

AtomicFile::~AtomicFile() {
    if (m_committed)
        return;
    m_stream.close();
    std::error_code ignored;
    std::filesystem::remove(m_temporary, ignored);
}

void AtomicFile::commit() {
    m_stream.flush();
    bool ok = static_cast<bool>(m_stream);
    m_stream.close();
    if (!ok)
        throw std::runtime_error(fmt::format("cannot write {}: write failed", m_target.string()));
    std::error_code ec;
    std::filesystem::rename(m_temporary, m_target, ec);
    if (ec)
        throw std::runtime_error(
            fmt::format("cannot write {}: {}", m_target.string(), ec.message()));
    m_committed = true;
}

} // namespace wmihunt
