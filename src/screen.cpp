// screen: raw-chunk screening and the libevtx images of the kept chunks.
#include "wmihunt/screen.hpp"

#include "wmihunt/guard.hpp"
#include "wmihunt/platform.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <string_view>

#include <tbb/task_group.h>

namespace wmihunt {

namespace {

std::string utf16le(std::string_view ascii) {
    std::string out;
    out.reserve(ascii.size() * 2);
    for (char c : ascii) {
        out += c;
        out += '\0';
    }
    return out;
}

// Reads exactly `size` bytes at `offset`, or fewer at the end of the file.
size_t read_at(int fd, std::byte* buffer, size_t size, uint64_t offset) {
    size_t done = 0;
    while (done < size) {
        long long got = platform::read_at(fd, buffer + done, size - done, offset + done);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            throw InputError(std::string("read failed: ") + std::strerror(errno));
        }
        if (got == 0)
            break;
        done += static_cast<size_t>(got);
    }
    return done;
}

// Walks a chunk's records as libevtx reads them, from the end of the chunk header to its
// free space: signature, size, identifier, time, data, the size again. Stops at the first
// record that breaks these, as libevtx does. Calls on_record(offset, size) for each and
// returns how many there were.
template <typename OnRecord>
size_t walk_records(std::span<const std::byte> chunk, size_t free_space, OnRecord&& on_record) {
    size_t count = 0;
    size_t at = evtx_chunk_header_size;
    while (at + 28 <= free_space) {
        if (load_le<uint32_t>(chunk, at) != 0x00002A2A)
            break;
        size_t size = load_le<uint32_t>(chunk, at + 4);
        if (size < 28 || at + size > free_space || load_le<uint32_t>(chunk, at + size - 4) != size)
            break;
        on_record(at, size);
        ++count;
        at += size;
    }
    return count;
}

// The records of a sound chunk that libevtx would return (walk_records), else those its
// header announces.
uint64_t records_of(std::span<const std::byte> chunk, const ChunkHeader& header) {
    if (header.status != ChunkStatus::ok || chunk.size() != evtx_chunk_size ||
        header.free_space_offset > chunk.size())
        return header.record_count();
    return walk_records(chunk, header.free_space_offset, [](size_t, size_t) {});
}

// Reads chunks [first_chunk, first_chunk + chunk_count) with 1 MiB reads, counts them in
// `stats` (all but chunks_decoded, which is the caller's), and hands each chunk the
// screen keeps to `keep` with its header and whether it is the last chunk of a file cut
// short.
void read_chunks(
    int fd, uint64_t first_chunk, uint64_t chunk_count, const Screen& screen, ReadStats& stats,
    const std::function<void(std::span<const std::byte>, const ChunkHeader&, bool)>& keep) {
    constexpr size_t block_chunks = 16; // 1 MiB reads
    // One read buffer per thread, allocated once and never zero-filled: pread overwrites
    // what is used, and only the `got` bytes it returned are looked at.
    thread_local std::unique_ptr<std::byte[]> block(new std::byte[block_chunks * evtx_chunk_size]);
    for (uint64_t done = 0; done < chunk_count;) {
        uint64_t want = std::min<uint64_t>(block_chunks, chunk_count - done);
        uint64_t offset = evtx_header_block_size + (first_chunk + done) * evtx_chunk_size;
        size_t got = read_at(fd, block.get(), want * evtx_chunk_size, offset);
        stats.bytes += got;
        for (uint64_t i = 0; i < want; ++i) {
            size_t start = i * evtx_chunk_size;
            if (start >= got)
                break;
            size_t length = std::min(evtx_chunk_size, got - start);
            std::span<const std::byte> chunk(block.get() + start, length);
            ChunkHeader header = inspect_chunk(chunk);
            stats.count_chunk(header.status);
            if (!screen.keep(chunk, header.status)) {
                // Counted as libevtx would read them: the same count as --no-screen.
                stats.records_total += records_of(chunk, header);
                continue;
            }
            keep(chunk, header, length < evtx_chunk_size);
        }
        if (got < want * evtx_chunk_size)
            break;
        done += want;
    }
}

// The provider-name search reads 4-byte grams, hashed to 12 bits: a 4 KiB shift table stays
// in the L1 cache, which sets the pace of a search whose every step waits for a lookup.
constexpr size_t screen_gram = 4;
size_t gram_hash(const unsigned char* at) {
    uint32_t gram;
    std::memcpy(&gram, at, sizeof gram);
    return static_cast<uint32_t>(gram * 2654435761u) >> 20;
}

constexpr std::byte binxml_end_of_document{0x00};
constexpr std::byte binxml_template_instance{0x0C};
constexpr unsigned binxml_open_start_element = 0x01; // with the "has more" flag 0x40 masked
constexpr unsigned binxml_value_type_binxml = 0x21;
constexpr std::array<std::byte, 4> binxml_fragment_header{std::byte{0x0F}, std::byte{0x01},
                                                          std::byte{0x01}, std::byte{0x00}};

bool starts_with_fragment_header(std::span<const std::byte> b, size_t at, size_t limit) {
    return at + binxml_fragment_header.size() <= limit &&
           std::equal(binxml_fragment_header.begin(), binxml_fragment_header.end(),
                      b.begin() + static_cast<std::ptrdiff_t>(at));
}

struct ValueArray {
    size_t begin = 0; // the array's value count, descriptors and data
    size_t end = 0;
};

// Whether a value of BinXml type `type` whose bytes are `data` could become one of `ids`
// when libevtx asks libfvalue for a 32-bit integer (how it reads System/EventID).
// Strings, binary data, GUIDs and SIDs never convert; integer, boolean, FILETIME and
// floating-point values are compared by their number; any other type (arrays, SYSTEMTIME,
// types this screen does not know) may, so its record is decoded.
bool may_be_selected_id(unsigned type, std::span<const std::byte> data,
                        const std::vector<uint32_t>& ids) {
    auto unsigned_value = [&](size_t size) {
        uint64_t value = 0;
        for (size_t i = 0; i < size; ++i)
            value |= uint64_t(std::to_integer<uint8_t>(data[i])) << (8 * i);
        return value;
    };
    auto equals_an_id = [&](uint64_t value) {
        return std::find(ids.begin(), ids.end(), value) != ids.end();
    };
    auto integer = [&](size_t size, bool is_signed) {
        if (data.size() != size)
            return true; // not the layout libfvalue expects: let libevtx decide
        uint64_t value = unsigned_value(size);
        if (is_signed && size < 8 && (value >> (8 * size - 1)) != 0)
            return false; // negative: no selected id
        if (is_signed && size == 8 && (value >> 63) != 0)
            return false;
        return equals_an_id(value);
    };
    switch (type) {
    case 0x00: // null
    case 0x01: // UTF-16 string
    case 0x02: // ANSI string
    case 0x0E: // binary
    case 0x0F: // GUID
    case 0x13: // SID
        return false;
    case 0x03:
        return integer(1, true);
    case 0x04:
        return integer(1, false);
    case 0x05:
        return integer(2, true);
    case 0x06:
        return integer(2, false);
    case 0x07:
        return integer(4, true);
    case 0x08:
    case 0x0D: // boolean, 32 bits
    case 0x14: // HexInt32
        return integer(4, false);
    case 0x09:
        return integer(8, true);
    case 0x0A:
    case 0x11: // FILETIME
    case 0x15: // HexInt64
        return integer(8, false);
    case 0x10: // size_t
        return data.size() == 4 ? integer(4, false) : integer(8, false);
    case 0x0B:
    case 0x0C: {
        if (data.size() != (type == 0x0B ? 4u : 8u))
            return true;
        double value;
        if (type == 0x0B) {
            float f;
            uint32_t bits = static_cast<uint32_t>(unsigned_value(4));
            std::memcpy(&f, &bits, 4);
            value = f;
        } else {
            uint64_t bits = unsigned_value(8);
            std::memcpy(&value, &bits, 8);
        }
        if (!(value > -1.0 && value < 4294967296.0))
            return false;
        return equals_an_id(static_cast<uint64_t>(value)) ||
               equals_an_id(static_cast<uint64_t>(value + 0.5));
    }
    default:
        return true;
    }
}

// Whether the element name whose name structure is at `offset` (next offset, hash, count,
// UTF-16 characters) is `name`.
bool name_is(std::span<const std::byte> chunk, size_t offset, std::string_view name) {
    if (offset + 8 + 2 * name.size() > chunk.size() ||
        load_le<uint16_t>(chunk, offset + 6) != name.size())
        return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (load_le<uint16_t>(chunk, offset + 8 + 2 * i) != static_cast<unsigned char>(name[i]))
            return false;
    return true;
}

// The index of the substitution that is the whole content of Event/System/EventID in the
// template definition at `definition` (next offset, GUID, data size, BinXml): the one value
// of an instance's array libevtx turns into the event id. nullopt when the definition
// does not walk exactly as BinXml (an unknown token, a name or size past its end), or when
// EventID's content is not one substitution.
std::optional<uint16_t> event_id_substitution(std::span<const std::byte> chunk, size_t definition) {
    if (definition + 24 > chunk.size())
        return std::nullopt;
    size_t at = definition + 24;
    size_t end = at + load_le<uint32_t>(chunk, definition + 20);
    if (end > chunk.size())
        return std::nullopt;
    // Skips a name referenced at `at` (4 bytes), and the name itself when it is inline.
    auto skip_name = [&](size_t& pos, size_t& name) {
        if (pos + 4 > end)
            return false;
        name = load_le<uint32_t>(chunk, pos);
        pos += 4;
        if (name != pos)
            return name + 8 <= chunk.size();
        if (pos + 8 > end)
            return false;
        pos += 8 + 2 * size_t(load_le<uint16_t>(chunk, pos + 6)) + 2;
        return pos <= end;
    };
    // Per open element: whether it is Event, Event/System, Event/System/EventID.
    std::vector<bool> on_path;
    bool in_start_tag = false;
    std::optional<uint16_t> found;
    bool eventid_other_content = false;
    bool seen_eventid = false;
    while (at < end) {
        unsigned token = std::to_integer<unsigned>(chunk[at]);
        switch (token & 0xBF) {
        case 0x00: // end of fragment
            at = end;
            continue;
        case 0x0F: // fragment header
            at += 4;
            break;
        case 0x01: { // open start element
            at += 1 + 2 + 4;
            size_t name = 0;
            if (!skip_name(at, name))
                return std::nullopt;
            if ((token & 0x40) != 0)
                at += 4; // attribute list size
            size_t depth = on_path.size();
            bool parent = depth == 0 || on_path.back();
            std::string_view wanted = depth == 0 ? "Event" : depth == 1 ? "System" : "EventID";
            bool on = parent && depth < 3 && name_is(chunk, name, wanted);
            if (on && depth == 2) {
                if (seen_eventid)
                    return std::nullopt; // two EventID elements
                seen_eventid = true;
            }
            on_path.push_back(on);
            in_start_tag = true;
            break;
        }
        case 0x02: // close start element
            in_start_tag = false;
            ++at;
            break;
        case 0x03: // close empty element
        case 0x04: // end element
            if (on_path.empty())
                return std::nullopt;
            on_path.pop_back();
            in_start_tag = false;
            ++at;
            break;
        case 0x05: { // value
            if (at + 4 > end || std::to_integer<unsigned>(chunk[at + 1]) != 0x01)
                return std::nullopt; // only UTF-16 text is written in definitions
            if (!in_start_tag && on_path.size() == 3 && on_path.back())
                eventid_other_content = true;
            at += 4 + 2 * size_t(load_le<uint16_t>(chunk, at + 2));
            break;
        }
        case 0x06: { // attribute
            ++at;
            size_t name = 0;
            if (!skip_name(at, name))
                return std::nullopt;
            break;
        }
        case 0x07: // CDATA
        case 0x0B: // PI data
            if (at + 3 > end)
                return std::nullopt;
            if (!in_start_tag && on_path.size() == 3 && on_path.back())
                eventid_other_content = true;
            at += 3 + 2 * size_t(load_le<uint16_t>(chunk, at + 1));
            break;
        case 0x08: // character reference
            if (!in_start_tag && on_path.size() == 3 && on_path.back())
                eventid_other_content = true;
            at += 3;
            break;
        case 0x09:   // entity reference
        case 0x0A: { // PI target
            if (!in_start_tag && on_path.size() == 3 && on_path.back())
                eventid_other_content = true;
            ++at;
            size_t name = 0;
            if (!skip_name(at, name))
                return std::nullopt;
            break;
        }
        case 0x0D: // substitution
        case 0x0E: // optional substitution
            if (at + 4 > end)
                return std::nullopt;
            if (!in_start_tag && on_path.size() == 3 && on_path.back()) {
                if (found)
                    eventid_other_content = true;
                found = load_le<uint16_t>(chunk, at + 1);
            }
            at += 4;
            break;
        default:
            return std::nullopt;
        }
    }
    if (at != end || !on_path.empty() || eventid_other_content)
        return std::nullopt;
    return found;
}

// The value array libevtx reads for the template instance whose token is at `at`, with
// the value arrays of the documents nested in it, all inside [at, limit); nullopt when
// the instance does not have the layout described in screen.hpp. At the top of a record
// (`top`) the definition must come earlier in the chunk, or be inline and walk exactly to
// its declared end (then `id_value` is set): after any other inline one, where libevtx
// reads the next token depends on how far it parsed the definition. Sets
// `may_hold` when a value of any of these arrays may be one of `ids` (may_be_selected_id);
// with `id_value`, only that value of this instance's own array (the EventID
// substitution of its definition) counts, and it counts whatever its type when it is a
// nested document.
std::optional<ValueArray> instance_values(std::span<const std::byte> chunk, size_t at, size_t limit,
                                          bool top, int depth, const std::vector<uint32_t>& ids,
                                          bool& may_hold,
                                          std::optional<size_t> id_value = std::nullopt) {
    if (depth > 8 || at + 10 > limit || chunk[at] != binxml_template_instance)
        return std::nullopt;
    size_t header_end = at + 10;
    size_t definition = load_le<uint32_t>(chunk, at + 6);
    size_t array = header_end;
    if (definition > header_end) // libevtx rejects a definition further on
        return std::nullopt;
    if (definition == header_end) {
        // Inline: libevtx finds the values after the size the definition declares. At the
        // top of a record, where it reads next depends on how far it parsed the
        // definition: only a definition that walks exactly to its declared end (the
        // EventID walk succeeded on it: id_value) says where.
        if ((top && !id_value) || definition + 24 > limit)
            return std::nullopt;
        array = definition + 24 + load_le<uint32_t>(chunk, definition + 20);
    }
    if (array + 4 > limit)
        return std::nullopt;
    size_t count = load_le<uint32_t>(chunk, array);
    if (count > 4096 || array + 4 + 4 * count > limit)
        return std::nullopt;
    size_t value = array + 4 + 4 * count;
    for (size_t i = 0; i < count; ++i) {
        size_t size = load_le<uint16_t>(chunk, array + 4 + 4 * i);
        unsigned type = std::to_integer<unsigned>(chunk[array + 4 + 4 * i + 2]);
        if (value + size > limit)
            return std::nullopt;
        if (type == binxml_value_type_binxml) {
            // A nested document: a fragment header and a template instance, a template
            // instance, or an element that uses this instance's own values.
            size_t end = value + size;
            size_t nested = starts_with_fragment_header(chunk, value, end) ? value + 4 : value;
            if (id_value && i == *id_value)
                may_hold = true;
            bool ignored = false;
            bool& nested_may_hold = id_value ? ignored : may_hold;
            if (nested < end && chunk[nested] == binxml_template_instance) {
                if (!instance_values(chunk, nested, end, false, depth + 1, ids, nested_may_hold))
                    return std::nullopt;
            } else if (nested != value || size == 0 ||
                       (std::to_integer<unsigned>(chunk[value]) & 0xBF) !=
                           binxml_open_start_element) {
                return std::nullopt;
            }
        } else if (!may_hold && (!id_value || i == *id_value) &&
                   may_be_selected_id(type, chunk.subspan(value, size), ids)) {
            may_hold = true;
        }
        value += size;
    }
    return ValueArray{array, value};
}

} // namespace

Screen::Screen(const RecordSelector& selector) : m_all(selector.all) {
    m_records = !selector.all;
    for (const auto& key : selector.keys) {
        if (std::find(m_ids.begin(), m_ids.end(), key.second) == m_ids.end())
            m_ids.push_back(key.second);
        std::string needle = utf16le(key.first);
        if (std::find(m_needles.begin(), m_needles.end(), needle) == m_needles.end())
            m_needles.push_back(std::move(needle));
    }
    // One pass for every needle (Horspool's search on 4-byte grams, hashed): a window as
    // long as the shortest needle moves by how far its last gram is from the end of every
    // needle's first `m_window` bytes (a hash shared by grams takes the smallest distance);
    // 0 means some needle may start here.
    m_window = SIZE_MAX;
    for (const auto& needle : m_needles)
        m_window = std::min(m_window, needle.size());
    if (m_needles.empty() || m_window < screen_gram || m_window > 255)
        return;
    m_shift.assign(size_t{1} << 12, static_cast<uint8_t>(m_window - screen_gram + 1));
    for (const auto& needle : m_needles)
        for (size_t j = 0; j + screen_gram <= m_window; ++j) {
            size_t hash = gram_hash(reinterpret_cast<const unsigned char*>(needle.data()) + j);
            size_t shift = m_window - screen_gram - j;
            m_shift[hash] = static_cast<uint8_t>(std::min<size_t>(m_shift[hash], shift));
        }
}

bool Screen::holds_a_needle(std::span<const std::byte> chunk) const {
    if (m_shift.empty()) {
        for (const auto& needle : m_needles)
            if (platform::contains(chunk.data(), chunk.size(), needle.data(), needle.size()))
                return true;
        return false;
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(chunk.data());
    const size_t n = chunk.size();
    if (n < m_window)
        return false;
    const uint8_t* shifts = m_shift.data();
    auto match_at = [&](size_t pos) {
        for (const auto& needle : m_needles)
            if (pos + needle.size() <= n &&
                std::memcmp(bytes + pos, needle.data(), needle.size()) == 0)
                return true;
        return false;
    };
    // Four stretches of window starts, searched in step: each step of one waits for a
    // table lookup, and four independent ones overlap those waits.
    constexpr size_t lanes = 4;
    const size_t starts = n - m_window + 1; // window starts 0 .. n - m_window
    const size_t stretch = (starts + lanes - 1) / lanes;
    std::array<size_t, lanes> pos{};
    std::array<size_t, lanes> stop{};
    for (size_t k = 0; k < lanes; ++k) {
        pos[k] = std::min(starts, k * stretch);
        stop[k] = std::min(starts, (k + 1) * stretch);
    }
    for (;;) {
        bool active = false;
        for (size_t k = 0; k < lanes; ++k) {
            if (pos[k] >= stop[k])
                continue;
            active = true;
            size_t shift = shifts[gram_hash(bytes + pos[k] + m_window - screen_gram)];
            if (shift == 0) {
                if (match_at(pos[k]))
                    return true;
                shift = 1;
            }
            pos[k] += shift;
        }
        if (!active)
            return false;
    }
}

bool Screen::keep(std::span<const std::byte> chunk, ChunkStatus status) const {
    if (m_all)
        return true;
    switch (status) {
    case ChunkStatus::unused:
        return false;
    case ChunkStatus::ok:
        break;
    default:
        return true;
    }
    return holds_a_needle(chunk);
}

std::optional<RecordPlan> Screen::plan_records(std::span<const std::byte> chunk,
                                               const ChunkHeader& header) const {
    if (!m_records || header.status != ChunkStatus::ok || chunk.size() != evtx_chunk_size ||
        header.free_space_offset > chunk.size())
        return std::nullopt;
    RecordPlan plan;
    // The EventID substitution of each template definition met in this chunk.
    std::vector<std::pair<size_t, std::optional<uint16_t>>> event_ids;
    auto event_id_of = [&](size_t definition) {
        for (const auto& [offset, index] : event_ids)
            if (offset == definition)
                return index;
        return event_ids.emplace_back(definition, event_id_substitution(chunk, definition)).second;
    };
    walk_records(chunk, header.free_space_offset, [&](size_t at, size_t size) {
        size_t data = at + 24;
        size_t limit = at + size - 4;
        bool decode = true;
        bool may_hold = false;
        std::optional<size_t> id_value;
        if (data + 14 <= limit)
            if (auto index = event_id_of(load_le<uint32_t>(chunk, data + 4 + 6)))
                id_value = *index;
        if (starts_with_fragment_header(chunk, data, limit))
            if (auto values =
                    instance_values(chunk, data + 4, limit, true, 0, m_ids, may_hold, id_value))
                decode = !(values->end < limit && chunk[values->end] == binxml_end_of_document) ||
                         may_hold;
        plan.ids.push_back(load_le<uint64_t>(chunk, at + 8));
        plan.decode.push_back(decode);
        if (uint64_t written = load_le<uint64_t>(chunk, at + 16); written != 0) {
            auto time = static_cast<int64_t>(written) - filetime_epoch_offset;
            plan.first_time = std::min(plan.first_time, time);
            plan.last_time = std::max(plan.last_time, time);
        }
    });
    if (plan.ids.size() != header.record_count())
        return std::nullopt;
    return plan;
}

ReadStats screen_and_read(int fd, std::span<const std::byte> header_block, uint64_t first_chunk,
                          uint64_t chunk_count, const Screen& screen,
                          const RecordSelector& selector,
                          const std::function<void(const RawRecord&)>& sink) {
    ReadStats stats;
    // Kept chunks are decoded in batches, each a libevtx image of its own, as tasks that
    // idle threads take: one log full of WMI events is then decoded on every core. Each
    // batch keeps its records, and they go to `sink` in file order at the end, on this
    // thread, so the result does not depend on which thread decoded what.
    struct Batch {
        std::vector<std::byte> image;
        uint64_t announced = 0; // records the sound chunk headers of the image announce
        RecordPlan plan;        // which records to decode, while every chunk has a plan
        bool planned = true;
        ReadStats stats;
        std::vector<RawRecord> records;
    };
    std::deque<Batch> batches;
    tbb::task_group decoding;
    std::atomic<size_t> in_flight{0};
    auto decode_batch = [&selector](Batch& batch, uint64_t chunks) {
        describe_chunks(batch.image, chunks);
        auto keep = [&](const RawRecord& record) { batch.records.push_back(record); };
        bool skips = batch.planned && std::find(batch.plan.decode.begin(), batch.plan.decode.end(),
                                                false) != batch.plan.decode.end();
        try {
            batch.stats =
                read_evtx_image(batch.image, selector, keep, skips ? &batch.plan : nullptr);
        } catch (const RecordPlanMismatch&) {
            // libevtx saw other records than the screen: every record is decoded instead.
            batch.records.clear();
            batch.stats = read_evtx_image(batch.image, selector, keep);
        }
        // The header's flags are the original file's, counted by the caller.
        batch.stats.dirty = false;
        if (batch.stats.records_decoded < batch.announced)
            batch.stats.records_missing = batch.announced - batch.stats.records_decoded;
        batch.image = {};
    };
    uint64_t image_chunks = 0;
    auto start_batch = [&] {
        batches.emplace_back();
        batches.back().image.assign(header_block.begin(), header_block.end());
        batches.back().image.reserve(evtx_header_block_size +
                                     screen_batch_chunks * evtx_chunk_size);
        image_chunks = 0;
    };
    auto decode = [&] {
        if (image_chunks == 0)
            return;
        Batch& batch = batches.back();
        // With enough batches waiting for a thread, this one is decoded here: that bounds
        // the memory of batches read but not yet decoded. (Waiting instead could run
        // another unit on this thread, in the middle of this one's read buffer.)
        if (in_flight.load() >= screen_batches_in_flight) {
            decode_batch(batch, image_chunks);
        } else {
            ++in_flight;
            decoding.run([&decode_batch, &in_flight, &batch, chunks = image_chunks] {
                decode_batch(batch, chunks);
                --in_flight;
            });
        }
        start_batch();
    };
    start_batch();
    // The first record of the unit's first kept chunk is decoded whatever its id, to
    // tell what log this is (ReadStats::log_provider): one record per unit.
    bool probed = false;

    try {
        read_chunks(fd, first_chunk, chunk_count, screen, stats,
                    [&](std::span<const std::byte> chunk, const ChunkHeader& header, bool last) {
                        if (auto hazard = find_chunk_hazard(chunk)) {
                            stats.refuse_chunk(header.record_count(), hazard->describe());
                            return;
                        }
                        auto plan = screen.plan_records(chunk, header);
                        if (plan) {
                            stats.first_time = std::min(stats.first_time, plan->first_time);
                            stats.last_time = std::max(stats.last_time, plan->last_time);
                        }
                        if (plan && !probed && !plan->decode.empty())
                            plan->decode.front() = true;
                        probed = true;
                        if (plan && std::find(plan->decode.begin(), plan->decode.end(), true) ==
                                        plan->decode.end()) {
                            // Every record ruled out: libevtx need not even open the chunk.
                            stats.records_total += plan->ids.size();
                            stats.records_screened += plan->ids.size();
                            return;
                        }
                        ++stats.chunks_decoded;
                        Batch& batch = batches.back();
                        batch.image.insert(batch.image.end(), chunk.begin(), chunk.end());
                        batch.announced += header.record_count();
                        if (plan && batch.planned) {
                            batch.plan.ids.insert(batch.plan.ids.end(), plan->ids.begin(),
                                                  plan->ids.end());
                            batch.plan.decode.insert(batch.plan.decode.end(), plan->decode.begin(),
                                                     plan->decode.end());
                        } else {
                            batch.planned = false;
                        }
                        if (++image_chunks == screen_batch_chunks || last)
                            decode();
                    });
        decode();
    } catch (...) {
        // The tasks refer to `batches`: they must end before it does.
        try {
            decoding.wait();
        } catch (...) {
        }
        throw;
    }
    decoding.wait();
    for (auto& batch : batches) {
        stats += batch.stats;
        for (const auto& record : batch.records)
            sink(record);
    }
    return stats;
}

} // namespace wmihunt
