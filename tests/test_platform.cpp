// The platform interface on this system: UTF-8 paths, positional reads, file identities,
// file kinds, new files and renames.
#include "wmihunt/platform.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include <cerrno>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace wmihunt;
namespace fs = std::filesystem;

namespace {
struct TempDir : test::TempDir {
    TempDir() : test::TempDir("platform") {}
};
} // namespace

TEST_CASE("UTF-8 text and paths convert both ways unchanged") {
    // "Журнал%4Operational.evtx": Cyrillic in UTF-8, the %4 of Windows log names.
    std::string name = "\xd0\x96\xd1\x83\xd1\x80\xd0\xbd\xd0\xb0\xd0\xbb%4Operational.evtx";
    fs::path path = platform::path_from_utf8("logs/" + name);
    CHECK(platform::utf8_of(path.filename()) == name);
    CHECK(platform::utf8_of(path) == "logs/" + name);
    CHECK(platform::utf8_of(path.extension()) == ".evtx");
}

TEST_CASE("read_at reads at an offset, short at the end, and 0 past it") {
    TempDir dir;
    fs::path file = dir.path / "bytes";
    std::ofstream(file, std::ios::binary) << "0123456789";
    int fd = platform::open_evidence(file);
    REQUIRE(fd >= 0);
    char buffer[8] = {};
    CHECK(platform::read_at(fd, buffer, 4, 3) == 4);
    CHECK(std::string(buffer, 4) == "3456");
    CHECK(platform::read_at(fd, buffer, 8, 6) == 4);
    CHECK(std::string(buffer, 4) == "6789");
    CHECK(platform::read_at(fd, buffer, 8, 10) == 0);
    platform::FileStatus status;
    REQUIRE(platform::status_of(fd, status));
    CHECK(status.kind == platform::FileKind::regular);
    CHECK(status.size == 10);
    CHECK(platform::close_file(fd));
}

TEST_CASE("open_evidence fails on a missing file with ENOENT") {
    TempDir dir;
    errno = 0;
    CHECK(platform::open_evidence(dir.path / "absent.evtx") == -1);
    CHECK(errno == ENOENT);
}

TEST_CASE("file_identity is shared by the names of one file and differs between files") {
    TempDir dir;
    std::ofstream(dir.path / "a") << "a";
    std::ofstream(dir.path / "b") << "a";
    fs::create_hard_link(dir.path / "a", dir.path / "a-link");
    auto a = platform::file_identity(dir.path / "a");
    REQUIRE(a);
    CHECK(platform::file_identity(dir.path / "a-link") == a);
    CHECK(platform::file_identity(dir.path / "." / "a") == a);
    CHECK(platform::file_identity(dir.path / "b") != a);
    CHECK_FALSE(platform::file_identity(dir.path / "absent"));
}

TEST_CASE("status_of tells regular files, folders and FIFOs, by name and by descriptor") {
    TempDir dir;
    std::ofstream(dir.path / "file", std::ios::binary) << "abc";
    REQUIRE(::mkfifo((dir.path / "fifo").c_str(), 0600) == 0);
    platform::FileStatus status;
    REQUIRE(platform::status_of(dir.path / "file", status));
    CHECK(status.kind == platform::FileKind::regular);
    CHECK(status.size == 3);
    CHECK(std::pair{status.device, status.file_number} ==
          *platform::file_identity(dir.path / "file"));
    REQUIRE(platform::status_of(dir.path, status));
    CHECK(status.kind == platform::FileKind::directory);
    REQUIRE(platform::status_of(dir.path / "fifo", status));
    CHECK(status.kind == platform::FileKind::fifo);
    int fd = platform::open_evidence(dir.path / "fifo"); // no writer: opens without blocking
    REQUIRE(fd >= 0);
    REQUIRE(platform::status_of(fd, status));
    CHECK(status.kind == platform::FileKind::fifo);
    CHECK(platform::close_file(fd));
    errno = 0;
    CHECK_FALSE(platform::status_of(dir.path / "absent", status));
    CHECK(errno == ENOENT);
}

TEST_CASE("create_new_file opens no name that exists; replace_file renames over a file") {
    TempDir dir;
    std::ofstream(dir.path / "taken") << "old";
    fs::create_symlink(dir.path / "nowhere", dir.path / "dangling");
    errno = 0;
    CHECK(platform::create_new_file(dir.path / "taken") == -1);
    CHECK(errno == EEXIST);
    errno = 0;
    CHECK(platform::create_new_file(dir.path / "dangling") == -1);
    CHECK(errno == EEXIST);
    CHECK_FALSE(fs::exists(dir.path / "nowhere"));

    int fd = platform::create_new_file(dir.path / "new");
    REQUIRE(fd >= 0);
    CHECK(platform::write_some(fd, "fresh", 5) == 5);
    CHECK(platform::flush_to_disk(fd));
    CHECK(platform::close_file(fd));
    REQUIRE(platform::replace_file(dir.path / "new", dir.path / "taken"));
    CHECK_FALSE(fs::exists(dir.path / "new"));
    std::ifstream in(dir.path / "taken", std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "fresh");
}

TEST_CASE("random_bytes fills the buffer with bytes that differ between calls") {
    uint64_t a = 0;
    uint64_t b = 0;
    REQUIRE(platform::random_bytes(&a, sizeof a));
    REQUIRE(platform::random_bytes(&b, sizeof b));
    // Equal by chance once in 2^64 calls.
    CHECK(a != b);
}
