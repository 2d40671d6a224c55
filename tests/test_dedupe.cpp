// Duplicate evidence: identical files by content hash, repeated events by identity.
#include "wmihunt/dedupe.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include <fstream>
#include <unistd.h>

using namespace wmihunt;
namespace fs = std::filesystem;

namespace {
struct TempDir : test::TempDir {
    TempDir() : test::TempDir("dedupe") {}
    fs::path write(const std::string& name, const std::string& bytes) const {
        std::ofstream(path / name, std::ios::binary) << bytes;
        return path / name;
    }
};

RawRecord record(std::string computer, std::string channel, uint64_t id, int64_t time) {
    RawRecord r;
    r.computer = std::move(computer);
    r.channel = std::move(channel);
    r.provider = "Microsoft-Windows-WMI-Activity";
    r.record_id = id;
    r.time_created = time;
    return r;
}
} // namespace

TEST_CASE("file_digest is equal for byte-identical files and differs for one changed byte") {
    TempDir dir;
    // Larger than the 1 MiB read buffer, so the streaming update runs more than once.
    std::string bytes(3 * 1024 * 1024 + 17, 'a');
    auto a = file_digest(dir.write("a.evtx", bytes));
    auto copy = file_digest(dir.write("copy.evtx", bytes));
    bytes[2 * 1024 * 1024] = 'b';
    auto changed = file_digest(dir.write("changed.evtx", bytes));
    REQUIRE(a);
    REQUIRE(copy);
    REQUIRE(changed);
    CHECK(*a == *copy);
    CHECK(*a != *changed);
    CHECK_FALSE(file_digest(dir.path / "missing.evtx"));
}

TEST_CASE("file_digest with a limit hashes only the first bytes") {
    TempDir dir;
    std::string bytes(8192, 'a');
    bytes[5000] = 'b';
    auto head = file_digest(dir.write("a.evtx", bytes), 4096);
    auto prefix = file_digest(dir.write("prefix.evtx", bytes.substr(0, 4096)));
    auto longer = file_digest(dir.path / "a.evtx", 4097);
    REQUIRE(head);
    REQUIRE(prefix);
    REQUIRE(longer);
    CHECK(*head == *prefix);
    CHECK(*head != *longer);
    CHECK(*file_digest(dir.path / "a.evtx", 1 << 30) == *file_digest(dir.path / "a.evtx"));
}

TEST_CASE("FileDeduplicator names the first file added with the same content") {
    FileDeduplicator files;
    FileDigest one{1, 2}, two{1, 3};
    CHECK(files.first_with(one) == nullptr);
    files.add(one, "first.evtx");
    files.add(one, "second.evtx");
    REQUIRE(files.first_with(one) != nullptr);
    CHECK(*files.first_with(one) == "first.evtx");
    CHECK(files.first_with(two) == nullptr);
}

TEST_CASE("EventDeduplicator counts an event once by host, channel, record id and time") {
    EventDeduplicator events;
    const std::string channel = "Microsoft-Windows-WMI-Activity/Operational";
    CHECK(events.first_sighting(identity_of(record("HOST", channel, 7, 100))));
    SECTION("the same event again, as in an overlapping export, is a repeat") {
        CHECK_FALSE(events.first_sighting(identity_of(record("HOST", channel, 7, 100))));
    }
    SECTION("any differing part makes it another event") {
        CHECK(events.first_sighting(identity_of(record("OTHER", channel, 7, 100))));
        CHECK(events.first_sighting(identity_of(record("HOST", "Application", 7, 100))));
        CHECK(events.first_sighting(identity_of(record("HOST", channel, 8, 100))));
        CHECK(events.first_sighting(identity_of(record("HOST", channel, 7, 101))));
    }
}
