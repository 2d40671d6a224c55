// guard: the byte patterns of a chunk that libevtx cannot read within bounds.
#include "wmihunt/guard.hpp"

#include "wmihunt/chunks.hpp"

#include <cstring>

#include <fmt/format.h>

namespace wmihunt {

namespace {

constexpr std::byte template_instance_token{0x0C};
constexpr uint64_t instance_header_size = 10;   // token, 1 byte, template id, definition offset
constexpr uint64_t definition_header_size = 24; // next offset, GUID, data size

} // namespace

std::string ChunkHazard::describe() const {
    return fmt::format("a template instance at chunk offset {:#x} declares {} values", offset,
                       value_count);
}

std::optional<ChunkHazard> find_chunk_hazard(std::span<const std::byte> chunk) {
    const uint64_t size = chunk.size();
    const std::byte* begin = chunk.data();
    const std::byte* at = begin;
    while (size > 0) {
        size_t left = static_cast<size_t>(begin + size - at);
        const void* hit = ::memchr(at, std::to_integer<int>(template_instance_token), left);
        if (hit == nullptr)
            return std::nullopt;
        at = static_cast<const std::byte*>(hit) + 1;
        const uint64_t token = static_cast<uint64_t>(static_cast<const std::byte*>(hit) - begin);
        // libfwevt's own checks, in 64 bits: each failing one makes it reject the instance.
        const uint64_t header_end = token + instance_header_size;
        if (header_end >= size)
            continue;
        const uint64_t definition = load_le<uint32_t>(chunk, token + 6);
        if (definition > header_end)
            continue;
        uint64_t values = header_end;
        if (definition == header_end) {
            if (definition + definition_header_size >= size)
                continue;
            values =
                header_end + definition_header_size + load_le<uint32_t>(chunk, definition + 20);
        }
        if (values + 4 >= size)
            continue;
        const uint32_t count = load_le<uint32_t>(chunk, values);
        const uint64_t descriptors_end = values + 4 + uint64_t{count} * 4;
        // libfwevt computes count * 4 in 32 bits: its check passes when the wrapped size
        // fits although the true one does not.
        const uint64_t wrapped_end = values + 4 + static_cast<uint32_t>(count * 4u);
        if (descriptors_end >= size && wrapped_end < size)
            return ChunkHazard{static_cast<size_t>(token), count};
    }
    return std::nullopt;
}

} // namespace wmihunt
