// dedupe: recognises evidence seen twice: byte-identical files and the same event in
// overlapping exports.
#pragma once

#include "wmihunt/event.hpp"
#include "wmihunt/reader.hpp"

#include <compare>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

namespace wmihunt {

// A 128-bit XXH3 hash of a file's whole content.
struct FileDigest {
    uint64_t high = 0;
    uint64_t low = 0;
    auto operator<=>(const FileDigest&) const = default;
};

// Hashes the content of `path`, or its first `limit` bytes, reading it once, read-only.
// Returns nullopt when the file cannot be read; the reader then reports why.
std::optional<FileDigest> file_digest(const std::filesystem::path& path,
                                      uint64_t limit = UINT64_MAX);

// Remembers the files read so far by content. Only files that were read are added, so
// every copy of an unreadable file is still reported with its own reason.
class FileDeduplicator {
  public:
    // The file added first with this digest, or nullptr. Valid for the object's lifetime.
    const std::filesystem::path* first_with(const FileDigest& digest) const;
    // Records `path` as read with `digest`, unless a file with it is already recorded.
    void add(const FileDigest& digest, const std::filesystem::path& path);

  private:
    std::map<FileDigest, std::filesystem::path> m_first;
};

// The identity of one event, however many exports or recovered copies hold it: host,
// channel (the provider for a record without one), record id, time created.
using EventIdentity = std::tuple<std::string, std::string, uint64_t, int64_t>;

EventIdentity identity_of(const RawRecord& record);
EventIdentity identity_of(const Event& event);

// Remembers events by identity.
class EventDeduplicator {
  public:
    // True the first time this event is seen, false for every later copy.
    bool first_sighting(const EventIdentity& identity);

  private:
    std::set<EventIdentity> m_seen;
};

} // namespace wmihunt
