// Expanding paths: recursion, extensions, odd names, problems, duplicates, symlinks.
#include "wmihunt/inputs.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

using namespace wmihunt;
namespace fs = std::filesystem;

namespace {
struct TempDir : test::TempDir {
    TempDir() : test::TempDir("inputs") {}
    fs::path touch(const fs::path& relative) const {
        fs::create_directories((path / relative).parent_path());
        std::ofstream(path / relative) << "x";
        return path / relative;
    }
};
} // namespace

TEST_CASE("has_evtx_extension is case-insensitive and exact") {
    CHECK(has_evtx_extension("a.evtx"));
    CHECK(has_evtx_extension("A.EVTX"));
    CHECK(has_evtx_extension("Microsoft-Windows-WMI-Activity%4Operational.Evtx"));
    CHECK_FALSE(has_evtx_extension("a.evtx.bak"));
    CHECK_FALSE(has_evtx_extension("a.evt"));
    CHECK_FALSE(has_evtx_extension("evtx"));
}

TEST_CASE("a directory is searched recursively for *.evtx, sorted") {
    TempDir dir;
    dir.touch("b/Security.evtx");
    dir.touch("a/Microsoft-Windows-WMI-Activity%4Operational.evtx");
    dir.touch("a/with space.EVTX");
    dir.touch("a/notes.txt");
    InputSet set = collect_inputs({dir.path});
    CHECK(set.problems.empty());
    REQUIRE(set.files.size() == 3);
    CHECK(set.files[0] == dir.path / "a/Microsoft-Windows-WMI-Activity%4Operational.evtx");
    CHECK(set.files[1] == dir.path / "a/with space.EVTX");
    CHECK(set.files[2] == dir.path / "b/Security.evtx");
}

TEST_CASE("a named file is taken whatever its extension; a missing one is a problem") {
    TempDir dir;
    auto txt = dir.touch("log.txt");
    InputSet set = collect_inputs({txt, dir.path / "missing.evtx"});
    REQUIRE(set.files.size() == 1);
    CHECK(set.files[0] == txt);
    REQUIRE(set.problems.size() == 1);
    CHECK(set.problems[0].path == dir.path / "missing.evtx");
    CHECK(set.problems[0].reason == "no such file or directory");
}

TEST_CASE("the same file named twice, or also found in a named directory, is read once") {
    TempDir dir;
    auto f = dir.touch("x/a.evtx");
    InputSet set = collect_inputs({f, dir.path / "x/../x/a.evtx", dir.path});
    CHECK(set.files.size() == 1);
}

TEST_CASE("a hard link is the same file: read once; a copy is another file") {
    TempDir dir;
    auto f = dir.touch("a.evtx");
    fs::create_hard_link(f, dir.path / "link.evtx");
    fs::copy_file(f, dir.path / "copy.evtx");
    InputSet set = collect_inputs({dir.path});
    REQUIRE(set.files.size() == 2);
    CHECK(set.files[0] == f);
    CHECK(set.files[1] == dir.path / "copy.evtx");
}

TEST_CASE("a symlink loop does not make the walk loop or leave the tree") {
    TempDir dir;
    dir.touch("t/a.evtx");
    fs::create_directory_symlink(dir.path / "t", dir.path / "t/loop");
    fs::create_directory_symlink("/", dir.path / "t/root");
    InputSet set = collect_inputs({dir.path / "t"});
    CHECK(set.files.size() == 1);
    // Each link to a directory is named in a note, not an error.
    REQUIRE(set.problems.size() == 2);
    for (const auto& problem : set.problems) {
        CHECK(problem.severity == InputProblem::Severity::note);
        CHECK(problem.reason.find("symbolic link to a directory, not followed") == 0);
    }
    CHECK(((set.problems[0].path == dir.path / "t/loop" &&
            set.problems[1].path == dir.path / "t/root") ||
           (set.problems[0].path == dir.path / "t/root" &&
            set.problems[1].path == dir.path / "t/loop")));
}

TEST_CASE("a symlink to a file outside the tree is not followed and is reported") {
    TempDir dir;
    dir.touch("t/a.evtx");
    auto outside = dir.touch("elsewhere/secret.evtx");
    fs::create_symlink(outside, dir.path / "t/link.evtx");
    fs::create_symlink(dir.path / "t/a.evtx", dir.path / "t/inside.evtx");
    InputSet set = collect_inputs({dir.path / "t"});
    // The link to a file inside the tree is the same file as a.evtx: read once.
    REQUIRE(set.files.size() == 1);
    CHECK(set.files[0] == dir.path / "t/a.evtx");
    REQUIRE(set.problems.size() == 1);
    CHECK(set.problems[0].path == dir.path / "t/link.evtx");
    CHECK(set.problems[0].reason.find("outside") != std::string::npos);
    SECTION("named on the command line, the target is read") {
        InputSet named = collect_inputs({dir.path / "t", outside});
        CHECK(named.files.size() == 2);
    }
}

TEST_CASE("a FIFO, a device or a socket is never taken as evidence, and never opened") {
    TempDir dir;
    dir.touch("t/a.evtx");
    REQUIRE(::mkfifo((dir.path / "t/pipe.evtx").c_str(), 0600) == 0);
    fs::create_symlink(dir.path / "t/pipe.evtx", dir.path / "link-to-pipe");
    fs::create_symlink(dir.path / "t/gone", dir.path / "t/broken.evtx");
    SECTION("named: an error at once (a blocking open would never return: no writer)") {
        InputSet set =
            collect_inputs({dir.path / "t/pipe.evtx", dir.path / "link-to-pipe", "/dev/null"});
        CHECK(set.files.empty());
        REQUIRE(set.problems.size() == 3);
        CHECK(set.problems[0].reason == "not a regular file (a FIFO)");
        CHECK(set.problems[1].path == dir.path / "link-to-pipe");
        CHECK(set.problems[1].reason == "not a regular file (a FIFO)");
        CHECK(set.problems[2].reason == "not a regular file (a character device)");
        for (const auto& problem : set.problems)
            CHECK(problem.severity == InputProblem::Severity::error);
    }
    SECTION("in a walk: each one named as an error, the regular file still read") {
        InputSet set = collect_inputs({dir.path / "t"});
        REQUIRE(set.files.size() == 1);
        CHECK(set.files[0] == dir.path / "t/a.evtx");
        REQUIRE(set.problems.size() == 2);
        CHECK(set.problems[0].path == dir.path / "t/broken.evtx");
        CHECK(set.problems[0].reason == "broken or looping symbolic link, not read");
        CHECK(set.problems[1].path == dir.path / "t/pipe.evtx");
        CHECK(set.problems[1].reason == "not a regular file (a FIFO), not read");
    }
}

TEST_CASE("a named directory without any .evtx file is named in a warning") {
    TempDir dir;
    dir.touch("empty/notes.txt");
    dir.touch("full/a.evtx");
    InputSet set = collect_inputs({dir.path / "empty", dir.path / "full"});
    CHECK(set.files.size() == 1);
    REQUIRE(set.problems.size() == 1);
    CHECK(set.problems[0].path == dir.path / "empty");
    CHECK(set.problems[0].reason == "no .evtx file in this directory");
    CHECK(set.problems[0].severity == InputProblem::Severity::warning);
}
