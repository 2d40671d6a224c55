// damage.cpp: damage applied to a finished EVTX image on request, and which records it loses.
#include "damage.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "byte_writer.hpp"
#include "chunk_writer.hpp"
#include "file_writer.hpp"
#include "rng.hpp"

namespace evtxgen {
namespace {

constexpr std::pair<DamageKind, std::string_view> kNames[] = {
    {DamageKind::BadHeaderCrc, "bad_header_crc"},
    {DamageKind::BadChunkHeaderCrc, "bad_chunk_header_crc"},
    {DamageKind::BadChunkDataCrc, "bad_chunk_data_crc"},
    {DamageKind::BadChunkMagic, "bad_chunk_magic"},
    {DamageKind::Truncate, "truncate"},
    {DamageKind::SlackGarbage, "slack_garbage"},
    {DamageKind::BadRecordSizeCopy, "bad_record_size_copy"},
    {DamageKind::TemplateValueCount, "template_value_count"},
    {DamageKind::NullValues, "null_values"},
};

std::uint8_t* chunk_at(std::vector<std::uint8_t>& file, std::size_t chunk) {
    const std::size_t offset = kFileHeaderSize + chunk * kChunkSize;
    if (offset + kChunkSize > file.size())
        throw std::invalid_argument(fmt::format("damage: the file has no chunk {}", chunk));
    return file.data() + offset;
}

} // namespace

DamageKind parse_damage_kind(std::string_view name) {
    for (const auto& [kind, n] : kNames)
        if (n == name)
            return kind;
    throw std::invalid_argument(fmt::format("unknown damage kind '{}'", name));
}

std::string_view damage_kind_name(DamageKind kind) {
    for (const auto& [k, n] : kNames)
        if (k == kind)
            return n;
    return "?";
}

void set_file_flags(std::vector<std::uint8_t>& file, std::uint32_t flags) {
    store_u32(file.data() + 120, flags);
    store_u32(file.data() + 124, file_header_crc(file.data()));
}

void apply_damage(const Damage& d, std::vector<std::uint8_t>& file) {
    switch (d.kind) {
    case DamageKind::BadHeaderCrc:
        store_u32(file.data() + 124, load_u32(file.data() + 124) ^ 0x5A5A5A5Au);
        break;
    case DamageKind::BadChunkHeaderCrc: {
        std::uint8_t* c = chunk_at(file, d.chunk);
        store_u32(c + 124, load_u32(c + 124) ^ 0x5A5A5A5Au);
        break;
    }
    case DamageKind::BadChunkDataCrc: {
        // The records CRC is inside the header CRC's range: keep the header CRC consistent so
        // that only the records checksum disagrees.
        std::uint8_t* c = chunk_at(file, d.chunk);
        store_u32(c + 52, load_u32(c + 52) ^ 0x5A5A5A5Au);
        store_u32(c + 124, chunk_header_crc(c));
        break;
    }
    case DamageKind::BadChunkMagic: {
        std::uint8_t* c = chunk_at(file, d.chunk);
        const char bad[8] = {'E', 'l', 'f', 'C', 'h', 'n', 'X', 0};
        for (int i = 0; i < 8; ++i)
            c[i] = static_cast<std::uint8_t>(bad[i]);
        break;
    }
    case DamageKind::Truncate:
        chunk_at(file, d.chunk);
        file.resize(kFileHeaderSize + d.chunk * kChunkSize + kChunkSize / 2);
        break;
    case DamageKind::SlackGarbage: {
        std::uint8_t* c = chunk_at(file, d.chunk);
        const std::uint32_t free_offset = load_u32(c + 48);
        Rng rng(d.seed);
        for (std::size_t i = free_offset; i < kChunkSize; ++i) {
            // Printable-ish noise without 0x2a ('*'), so no record signature can appear.
            auto b = static_cast<std::uint8_t>(rng.next());
            c[i] = b == 0x2a ? 0x2b : b;
        }
        break;
    }
    case DamageKind::BadRecordSizeCopy: {
        // Find the record by walking the chunks' records.
        const std::size_t chunks = (file.size() - kFileHeaderSize) / kChunkSize;
        for (std::size_t k = 0; k < chunks; ++k) {
            std::uint8_t* c = chunk_at(file, k);
            const std::uint32_t free_offset = load_u32(c + 48);
            for (std::uint32_t off = kChunkHeaderSize; off + 24 <= free_offset;) {
                const std::uint32_t size = load_u32(c + off + 4);
                if (load_u64(c + off + 8) == d.record) {
                    store_u32(c + off + size - 4, size + 8);
                    store_u32(c + 52, chunk_records_crc(c));
                    store_u32(c + 124, chunk_header_crc(c));
                    return;
                }
                off += size;
            }
        }
        throw std::invalid_argument(fmt::format("damage: the file has no record {}", d.record));
    }
    case DamageKind::TemplateValueCount: {
        // The first record's data: fragment header (4 bytes), then the template instance
        // (token, 1 byte, template id, definition offset), its definition inline (as the
        // first use of a template in a chunk always is: 24-byte header and data), then the
        // value count.
        std::uint8_t* c = chunk_at(file, d.chunk);
        const std::uint32_t instance = kChunkHeaderSize + 24 + 4;
        const std::uint32_t definition = load_u32(c + instance + 6);
        if (c[instance] != 0x0C || definition != instance + 10)
            throw std::invalid_argument("damage: the chunk's first record has no inline template");
        store_u32(c + definition + 24 + load_u32(c + definition + 20), 0x40000001u);
        store_u32(c + 52, chunk_records_crc(c));
        store_u32(c + 124, chunk_header_crc(c));
        break;
    }
    case DamageKind::NullValues:
        break;
    }
}

bool damage_loses_chunk(const Damage& d, std::size_t chunk) {
    switch (d.kind) {
    case DamageKind::BadChunkMagic:
    case DamageKind::TemplateValueCount:
        return chunk == d.chunk;
    case DamageKind::Truncate:
        return chunk >= d.chunk;
    default:
        return false;
    }
}

} // namespace evtxgen
