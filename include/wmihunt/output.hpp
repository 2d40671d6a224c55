// output: result files written under a temporary name and renamed into place when complete.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace wmihunt {

// A file that appears at `target` only when commit() succeeds: it is written as a hidden
// temporary beside the target, and removed again if the object dies uncommitted, so an
// interrupted or failed run never leaves a complete-looking partial result.
class AtomicFile {
  public:
    // Throws std::runtime_error ("cannot write PATH: reason") when the temporary cannot be created.
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ostream& stream() { return m_stream; }
    // Flushes, closes and renames onto the target; throws std::runtime_error on failure.
    void commit();

  private:
    std::filesystem::path m_target;
    std::filesystem::path m_temporary;
    std::ofstream m_stream;
    bool m_committed = false;
};

} // namespace wmihunt
