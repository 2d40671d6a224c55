// chunk_writer.cpp: builds one 64 KiB EVTX chunk: header, string and template tables, records,
// CRCs.
#include "chunk_writer.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace evtxgen {
namespace {

constexpr std::uint8_t kChunkMagic[8] = {'E', 'l', 'f', 'C', 'h', 'n', 'k', 0};
constexpr std::uint8_t kRecordMagic[4] = {0x2a, 0x2a, 0x00, 0x00};

// Starts the substitution array: count and zeroed descriptors; returns the descriptors' offset.
std::size_t begin_values(std::uint32_t count, ByteWriter& w) {
    w.u32(count);
    const std::size_t at = w.pos();
    w.zeros(4 * static_cast<std::size_t>(count));
    return at;
}

void set_descriptor(ByteWriter& w, std::size_t descriptors, std::size_t i, std::size_t size,
                    ValueType type) {
    const std::size_t at = descriptors + 4 * i;
    w.patch_u16(at, static_cast<std::uint16_t>(size));
    w.patch_u16(at + 2, static_cast<std::uint16_t>(type)); // type byte, then a zero byte
}

} // namespace

std::uint32_t chunk_header_crc(const std::uint8_t* chunk) {
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, chunk, 120);
    crc = crc32(crc, chunk + 128, 384);
    return static_cast<std::uint32_t>(crc);
}

std::uint32_t chunk_records_crc(const std::uint8_t* chunk) {
    const std::uint32_t free_offset =
        std::min<std::uint32_t>(load_u32(chunk + 48), static_cast<std::uint32_t>(kChunkSize));
    if (free_offset <= kChunkHeaderSize)
        return 0;
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, chunk + kChunkHeaderSize, free_offset - static_cast<uInt>(kChunkHeaderSize));
    return static_cast<std::uint32_t>(crc);
}

ChunkWriter::ChunkWriter(TemplateRegistry& templates) : m_templates(templates) {
    reset();
}

void ChunkWriter::reset() {
    m_buf.fill(0);
    m_pos = kChunkHeaderSize;
    m_record_count = 0;
    m_first_id = m_last_id = 0;
    m_last_record_offset = 0;
    m_names.clear();
    m_template_buckets.fill(0);
    m_defined.clear();
}

void ChunkWriter::write_instance_header(const Template& t, ByteWriter& w) {
    w.u8(token::kTemplateInstance);
    w.u8(0x01);
    w.u32(t.id);
    for (const auto& [defined, offset] : m_defined) {
        if (defined == &t) {
            w.u32(offset);
            return;
        }
    }
    const auto offset = static_cast<std::uint32_t>(w.pos() + 4);
    w.u32(offset);
    std::uint32_t& head = m_template_buckets[t.id % 32];
    write_template_definition(t, head, m_names, w);
    head = offset;
    m_defined.emplace_back(&t, offset);
}

void ChunkWriter::write_system_values(const Event& e, std::uint64_t record_id, ByteWriter& w) {
    const EventSpec& s = *e.spec;
    const std::size_t d = begin_values(kSystemValueCount, w);
    auto put = [&](std::size_t index, ValueType type, auto&& write) {
        const std::size_t start = w.pos();
        write();
        set_descriptor(w, d, index, w.pos() - start, type);
    };
    // Data order is the index order 0..17.
    put(0, ValueType::UInt8, [&] { w.u8(s.level); });
    put(1, ValueType::UInt8, [&] { w.u8(s.opcode); });
    put(2, ValueType::UInt16, [&] { w.u16(s.task); });
    put(3, ValueType::UInt16, [&] { w.u16(s.event_id); });
    if (s.qualifiers >= 0)
        put(4, ValueType::UInt16, [&] { w.u16(static_cast<std::uint16_t>(s.qualifiers)); });
    else
        put(4, ValueType::Null, [&] { w.zeros(2); });
    put(5, ValueType::HexInt64, [&] { w.u64(s.keywords); });
    put(6, ValueType::FileTime, [&] { w.u64(e.time_created); });
    if (!e.activity_id.empty())
        put(7, ValueType::Guid, [&] {
            encode_value({ValueType::Guid, 0, e.activity_id}, false, w);
        });
    else
        put(7, ValueType::Null, [&] { w.zeros(16); });
    put(8, ValueType::UInt32, [&] { w.u32(e.process_id); });
    put(9, ValueType::UInt32, [&] { w.u32(e.thread_id); });
    put(10, ValueType::UInt64, [&] { w.u64(record_id); });
    put(11, ValueType::UInt8, [&] { w.u8(s.version); });
    if (!e.user_sid.empty())
        put(12, ValueType::Sid, [&] { encode_value({ValueType::Sid, 0, e.user_sid}, false, w); });
    else
        put(12, ValueType::Null, [] {});
    put(13, ValueType::Null, [] {});
    put(14, ValueType::String, [&] { encode_value(Value::string(s.provider->name), false, w); });
    put(15, ValueType::Guid, [&] {
        encode_value({ValueType::Guid, 0, std::string(s.provider->guid)}, false, w);
    });
    put(16, ValueType::String, [&] { encode_value(Value::string(s.provider->channel), false, w); });
    put(17, ValueType::BinXml, [&] { write_data_value(e, w); });
}

void ChunkWriter::write_data_value(const Event& e, ByteWriter& w) {
    const EventSpec& s = *e.spec;
    if (e.values.size() != s.fields.size())
        throw std::invalid_argument("event has the wrong number of values for its kind");
    if (s.style == DataStyle::EventData) {
        w.u8(token::kFragmentHeader);
        w.u8(1);
        w.u8(1);
        w.u8(0);
    }
    write_instance_header(m_templates.data_template(s), w);
    const std::size_t d = begin_values(static_cast<std::uint32_t>(e.values.size()), w);
    for (std::size_t i = 0; i < e.values.size(); ++i) {
        const std::size_t start = w.pos();
        encode_value(e.values[i], s.provider->nul_terminated_strings, w);
        set_descriptor(w, d, i, w.pos() - start, e.values[i].type);
    }
    w.u8(token::kEndOfFragment);
}

bool ChunkWriter::append(const Event& e, std::uint64_t record_id) {
    const std::size_t start = m_pos;
    const NameTable::State names = m_names.save();
    const auto buckets = m_template_buckets;
    const std::size_t defined = m_defined.size();

    // A record never ends exactly at the chunk's end: libevtx 20181227 does not return a
    // record whose end is the chunk's last byte (free space offset 65536).
    ByteWriter w(m_buf.data(), kChunkSize - 8, start);
    w.raw(kRecordMagic, 4);
    const std::size_t size_at = w.pos();
    w.u32(0);
    w.u64(record_id);
    w.u64(e.time_created);
    w.u8(token::kFragmentHeader);
    w.u8(1);
    w.u8(1);
    w.u8(0);
    write_instance_header(m_templates.system_template(*e.spec, e.computer), w);
    write_system_values(e, record_id, w);
    w.u8(token::kEndOfFragment);
    const std::size_t unpadded = w.pos() + 4 - start;
    w.zeros((8 - unpadded % 8) % 8); // records are 8-byte multiples, as Windows writes them
    const auto size = static_cast<std::uint32_t>(w.pos() + 4 - start);
    w.u32(size);
    if (w.overflowed()) {
        std::fill(m_buf.begin() + static_cast<std::ptrdiff_t>(start), m_buf.end(), 0);
        m_names.restore(names);
        m_template_buckets = buckets;
        m_defined.resize(defined);
        if (start == kChunkHeaderSize)
            throw std::invalid_argument("event too large for an empty chunk");
        return false;
    }
    w.patch_u32(size_at, size);
    m_pos = w.pos();
    if (m_record_count == 0)
        m_first_id = record_id;
    m_last_id = record_id;
    m_last_record_offset = static_cast<std::uint32_t>(start);
    ++m_record_count;
    return true;
}

const std::uint8_t* ChunkWriter::finish_empty() {
    reset();
    m_first_id = 1;
    m_last_id = ~std::uint64_t{0};
    const std::uint8_t* h = finish();
    store_u64(m_buf.data() + 24, ~std::uint64_t{0}); // first event record identifier
    store_u32(m_buf.data() + 124, chunk_header_crc(m_buf.data()));
    return h;
}

const std::uint8_t* ChunkWriter::finish() {
    std::uint8_t* h = m_buf.data();
    std::memcpy(h, kChunkMagic, 8);
    store_u64(h + 8, m_first_id);  // first event record number
    store_u64(h + 16, m_last_id);  // last event record number
    store_u64(h + 24, m_first_id); // first event record identifier
    store_u64(h + 32, m_last_id);  // last event record identifier
    store_u32(h + 40, 128);        // header size
    store_u32(h + 44, m_last_record_offset);
    store_u32(h + 48, static_cast<std::uint32_t>(m_pos)); // free space offset
    for (std::size_t i = 0; i < 64; ++i)
        store_u32(h + 128 + 4 * i, m_names.buckets()[i]);
    for (std::size_t i = 0; i < 32; ++i)
        store_u32(h + 384 + 4 * i, m_template_buckets[i]);
    store_u32(h + 52, chunk_records_crc(h));
    store_u32(h + 120, 1); // flags: 1, as in the chunks of Windows-written logs
    store_u32(h + 124, chunk_header_crc(h));
    return h;
}

} // namespace evtxgen
