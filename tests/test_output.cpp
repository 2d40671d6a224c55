// Output targets: evidence refused, temporaries never followed, devices, FIFOs and links kept.
#include "wmihunt/output.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include <fcntl.h>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace wmihunt;
namespace fs = std::filesystem;

namespace {

struct TempDir : test::TempDir {
    TempDir() : test::TempDir("output") {}
};

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write(const fs::path& path, std::string_view text) {
    std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string refusal(const fs::path& target, bool directory, const std::vector<fs::path>& inputs) {
    try {
        refuse_evidence(target, directory, directory ? "--output-dir" : "-o", inputs);
    } catch (const OutputError& error) {
        return error.what();
    }
    return "";
}

} // namespace

TEST_CASE("create_temporary never opens what is already at the name it draws") {
    TempDir dir;
    fs::path victim = dir.path / "victim.txt";
    write(victim, "precious");
    // The names for the draws 1 and 2, planted as a link to the victim and as a file.
    fs::create_symlink(victim, dir.path / ".out.csv.wmihunt-0000000000000001.tmp");
    write(dir.path / ".out.csv.wmihunt-0000000000000002.tmp", "someone else's");
    std::vector<uint64_t> draws = {1, 2, 3};
    size_t next = 0;
    Temporary temporary = create_temporary(dir.path, "out.csv", [&] { return draws.at(next++); });
    CHECK(next == 3);
    CHECK(temporary.path == dir.path / ".out.csv.wmihunt-0000000000000003.tmp");
    CHECK(::write(temporary.fd, "new", 3) == 3);
    ::close(temporary.fd);
    CHECK(read(victim) == "precious");
    CHECK(fs::is_symlink(dir.path / ".out.csv.wmihunt-0000000000000001.tmp"));
    CHECK(read(dir.path / ".out.csv.wmihunt-0000000000000002.tmp") == "someone else's");
    CHECK(read(temporary.path) == "new");
}

TEST_CASE("create_temporary draws an unpredictable name each time") {
    TempDir dir;
    Temporary a = create_temporary(dir.path, "r.csv");
    Temporary b = create_temporary(dir.path, "r.csv");
    ::close(a.fd);
    ::close(b.fd);
    std::regex pattern(R"(\.r\.csv\.wmihunt-[0-9a-f]{16}\.tmp)");
    CHECK(std::regex_match(a.path.filename().string(), pattern));
    CHECK(std::regex_match(b.path.filename().string(), pattern));
    CHECK(a.path != b.path);
    // A link planted at every name a fixed draw could give is not followed either: the
    // open fails with EEXIST each time, and after 100 draws the error says so.
    fs::create_symlink(dir.path / "victim", dir.path / ".x.wmihunt-00000000000000ff.tmp");
    CHECK_THROWS_AS(create_temporary(dir.path, "x", [] { return uint64_t{0xff}; }),
                    std::system_error);
    CHECK(!fs::exists(dir.path / "victim"));
}

TEST_CASE("an OutputFile appears whole at commit, or not at all") {
    TempDir dir;
    fs::path target = dir.path / "out.csv";
    {
        OutputFile file(target);
        CHECK(!file.in_place());
        file.stream() << "a,b\r\n";
        CHECK(!fs::exists(target));
    }
    CHECK(names_in(dir.path).empty()); // uncommitted: the temporary is gone
    write(target, "earlier");
    ::chmod(target.c_str(), 0640);
    {
        OutputFile file(target);
        file.stream() << std::string(200000, 'x');
        CHECK(read(target) == "earlier");
        file.commit();
    }
    CHECK(read(target) == std::string(200000, 'x'));
    CHECK((fs::status(target).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
    CHECK(names_in(dir.path) == std::vector<std::string>{"out.csv"});
}

TEST_CASE("an OutputFile through a symbolic link writes the link's target and keeps the link") {
    TempDir dir;
    fs::create_directories(dir.path / "reports");
    write(dir.path / "reports" / "real.csv", "old");
    fs::create_symlink("reports/real.csv", dir.path / "link.csv");
    fs::create_symlink(dir.path / "reports" / "new.csv", dir.path / "dangling.csv");
    for (auto name : {"link.csv", "dangling.csv"}) {
        OutputFile file(dir.path / name);
        file.stream() << name;
        file.commit();
    }
    CHECK(fs::is_symlink(dir.path / "link.csv"));
    CHECK(read(dir.path / "reports" / "real.csv") == "link.csv");
    CHECK(fs::is_symlink(dir.path / "dangling.csv"));
    CHECK(read(dir.path / "reports" / "new.csv") == "dangling.csv");
    CHECK(names_in(dir.path / "reports") == std::vector<std::string>{"new.csv", "real.csv"});
}

TEST_CASE("a device is written in place and its errors are named") {
    OutputFile file("/dev/full");
    CHECK(file.in_place());
    file.stream() << std::string(100000, 'x');
    std::string message;
    try {
        file.commit();
    } catch (const OutputError& error) {
        message = error.what();
    }
    CHECK(message == "cannot write /dev/full: No space left on device");
    struct stat st {};
    REQUIRE(::stat("/dev/full", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("a FIFO is written in place, streamed to its reader") {
    TempDir dir;
    fs::path fifo = dir.path / "pipe";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::string received;
    std::thread reader([&] { received = read(fifo); });
    std::string sent(300000, 'y'); // more than a pipe holds: the reader must drain it
    {
        OutputFile file(fifo);
        CHECK(file.in_place());
        file.stream() << sent;
        file.commit();
    }
    reader.join();
    CHECK(received == sent);
    CHECK(fs::is_fifo(fifo));
}

TEST_CASE("OutputFile refuses directories and missing folders with the reason") {
    TempDir dir;
    auto message = [](const fs::path& target) {
        try {
            OutputFile file(target);
        } catch (const OutputError& error) {
            return std::string(error.what());
        }
        return std::string();
    };
    CHECK(message(dir.path) == "cannot write " + dir.path.string() + ": Is a directory");
    CHECK(message(dir.path / "no" / "x.csv") ==
          "cannot write " + (dir.path / "no" / "x.csv").string() + ": No such file or directory");
    CHECK(message("/dev/full/x") == "cannot write /dev/full/x: Not a directory");
}

TEST_CASE("refuse_evidence keeps every output away from the inputs") {
    TempDir dir;
    fs::path ev = dir.path / "ev";
    fs::create_directories(ev / "host");
    fs::path log = ev / "host" / "a.evtx";
    write(log, "evidence");
    fs::path single = dir.path / "single.evtx";
    write(single, "evidence");
    fs::create_hard_link(single, dir.path / "hard.evtx");
    fs::create_symlink(single, dir.path / "link.evtx");
    fs::create_symlink(ev, dir.path / "evlink");

    // -o: the input itself under any name, or anything inside a scanned folder.
    CHECK(refusal(single, false, {single}) == "-o " + single.string() +
                                                  ": refused: it is the input " + single.string() +
                                                  "; evidence is never written to");
    CHECK(!refusal(dir.path / "hard.evtx", false, {single}).empty());
    CHECK(!refusal(dir.path / "link.evtx", false, {single}).empty());
    CHECK(!refusal(single, false, {dir.path / "link.evtx"}).empty());
    CHECK(refusal(log, false, {ev}).find("inside the scanned folder") != std::string::npos);
    CHECK(!refusal(ev / "report.csv", false, {ev}).empty());
    CHECK(!refusal(dir.path / "evlink" / "host" / "new.csv", false, {ev}).empty());
    CHECK(!refusal(ev / "host" / ".." / "x.csv", false, {dir.path / "evlink"}).empty());
    // Beside an input file, or outside the folders, is fine.
    CHECK(refusal(dir.path / "report.csv", false, {single}).empty());
    CHECK(refusal(dir.path / "report.csv", false, {ev}).empty());

    // --output-dir: an input folder, inside one, or the folder of an input file.
    CHECK(!refusal(ev, true, {ev}).empty());
    CHECK(!refusal(ev / "out", true, {ev}).empty());
    CHECK(refusal(dir.path, true, {single}).find("the folder of the input") != std::string::npos);
    CHECK(!refusal(ev / "host", true, {log}).empty());
    CHECK(refusal(dir.path / "out", true, {ev, single}).empty());
    // Nothing was created or changed by the checks.
    CHECK(names_in(dir.path) ==
          std::vector<std::string>{"ev", "evlink", "hard.evtx", "link.evtx", "single.evtx"});
}
