// dedupe: file content hashes (xxHash) and event identities.
#include "wmihunt/dedupe.hpp"

#include <xxhash.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

namespace wmihunt {

namespace {

struct StateDeleter {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
};

} // namespace

std::optional<FileDigest> file_digest(const std::filesystem::path& path, uint64_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::unique_ptr<XXH3_state_t, StateDeleter> state(XXH3_createState());
    if (!state || XXH3_128bits_reset(state.get()) != XXH_OK)
        return std::nullopt;
    // Not zero-filled: read() overwrites what is hashed.
    const auto buffer_size = static_cast<size_t>(std::min<uint64_t>(1 << 20, limit));
    std::unique_ptr<char[]> buffer(new char[buffer_size]);
    while (in && limit > 0) {
        in.read(buffer.get(), static_cast<std::streamsize>(std::min<uint64_t>(buffer_size, limit)));
        auto got = in.gcount();
        limit -= static_cast<uint64_t>(got);
        if (got > 0)
            XXH3_128bits_update(state.get(), buffer.get(), static_cast<size_t>(got));
    }
    if (in.bad())
        return std::nullopt;
    XXH128_hash_t hash = XXH3_128bits_digest(state.get());
    return FileDigest{hash.high64, hash.low64};
}

const std::filesystem::path* FileDeduplicator::first_with(const FileDigest& digest) const {
    auto it = m_first.find(digest);
    return it == m_first.end() ? nullptr : &it->second;
}

void FileDeduplicator::add(const FileDigest& digest, const std::filesystem::path& path) {
    m_first.try_emplace(digest, path);
}

EventIdentity identity_of(const RawRecord& record) {
    return {record.computer, record.channel.empty() ? record.provider : record.channel,
            record.record_id, record.time_created};
}

EventIdentity identity_of(const Event& event) {
    return {event.host, event.channel.empty() ? event.provider : event.channel, event.record_id,
            event.time};
}

bool EventDeduplicator::first_sighting(const EventIdentity& identity) {
    return m_seen.insert(identity).second;
}

} // namespace wmihunt
