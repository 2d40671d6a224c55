// output: result targets checked against the evidence before a scan, and result files that
// appear whole or not at all.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// Why an output target cannot be used; what() is "TARGET: reason" or "cannot write TARGET:
// reason", with the target as given.
struct OutputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws OutputError when writing `target` could change evidence: when it is one of
// `inputs`, or lies inside an input folder, or, for a `directory` target (--output-dir),
// when it is the folder of an input file. Paths are compared after resolving symbolic
// links, and by device and inode, so another name for an input is refused too. `option`
// ("-o", "--output-dir") starts the message. Reads no file's contents.
void refuse_evidence(const std::filesystem::path& target, bool directory, std::string_view option,
                     const std::vector<std::filesystem::path>& inputs);

// 64 unpredictable bits from the system (getrandom; BCryptGenRandom on Windows).
uint64_t random_bits();

// A new, empty file in `directory` named ".STEM.wmihunt-XXXXXXXXXXXXXXXX.tmp" (16 hex digits
// of random(); STEM cut to 200 bytes at a UTF-8 character's start), created with
// O_CREAT|O_EXCL|O_NOFOLLOW (CREATE_NEW on Windows), so nothing already there under that
// name (a file, or a symbolic link planted to redirect the write) is ever opened; another
// name is drawn when one is taken. `fd` is open for writing; throws OutputError
// ("cannot write DIRECTORY: reason") when no name can be created.
struct Temporary {
    int fd = -1;
    std::filesystem::path path;
};
Temporary create_temporary(const std::filesystem::path& directory, std::string_view stem,
                           const std::function<uint64_t()>& random = random_bits);

// A stream buffer over a file descriptor that keeps the first write error (an errno).
class FdBuffer : public std::streambuf {
  public:
    explicit FdBuffer(int fd) : m_fd(fd), m_buffer(1 << 16) {
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    }
    int error() const { return m_error; }

  protected:
    int_type overflow(int_type ch) override;
    int sync() override;

  private:
    bool drain();
    int m_fd;
    int m_error = 0;
    std::vector<char> m_buffer;
};

// Where one result file goes, opened when constructed (before the scan, so that an unusable
// target is an error before any reading):
// - a regular file or a new name is written as a temporary (create_temporary) beside it
//   and renamed over it by commit(): the name holds the old file or the whole new one,
//   never part of one;
// - a character device, FIFO or socket is opened and written in place, never replaced;
// - a symbolic link is followed to its final target, which is written as above; the
//   link stays.
// A block device, a directory or a read-only file is refused. Errors are OutputError
// "cannot write TARGET: reason" (strerror).
class OutputFile {
  public:
    explicit OutputFile(std::filesystem::path target);
    ~OutputFile(); // an uncommitted temporary is removed
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    std::ostream& stream() { return m_stream; }
    // Flushes; renames the temporary onto the target, or for a target written in place
    // reports a write error there. Throws OutputError.
    void commit();
    // True for a device, FIFO or socket: written in place, not renamed.
    bool in_place() const { return m_temporary.empty(); }

  private:
    [[noreturn]] void fail(int error) const;
    std::filesystem::path m_target;    // as named
    std::filesystem::path m_final;     // after following symbolic links
    std::filesystem::path m_temporary; // empty when written in place
    int m_fd = -1;
    std::unique_ptr<FdBuffer> m_buffer;
    std::ostream m_stream{nullptr};
    bool m_committed = false;
};

} // namespace wmihunt
