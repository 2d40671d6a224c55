// The screen's keep/skip decision per chunk.
#include "wmihunt/screen.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

using namespace wmihunt;

namespace {
std::vector<std::byte> chunk_with(const std::u16string& text, size_t at) {
    std::vector<std::byte> b(evtx_chunk_size);
    std::memcpy(b.data() + at, text.data(), text.size() * 2);
    return b;
}
RecordSelector wmi_selector() {
    RecordSelector s;
    s.keys = {{"Microsoft-Windows-WMI-Activity", 5860}, {"Microsoft-Windows-WMI-Activity", 5861}};
    return s;
}
} // namespace

TEST_CASE("Screen keeps a sound chunk only when it holds a wanted provider name in UTF-16LE") {
    Screen screen(wmi_selector());
    CHECK(screen.keep(chunk_with(u"Microsoft-Windows-WMI-Activity", 9000), ChunkStatus::ok));
    CHECK(screen.keep(chunk_with(u"Microsoft-Windows-WMI-Activity", evtx_chunk_size - 60),
                      ChunkStatus::ok));
    CHECK_FALSE(
        screen.keep(chunk_with(u"Microsoft-Windows-Security-Auditing", 9000), ChunkStatus::ok));
    SECTION("the name in 8-bit text, or cut short, does not count") {
        std::vector<std::byte> ascii(evtx_chunk_size);
        std::memcpy(ascii.data() + 10, "Microsoft-Windows-WMI-Activity", 30);
        CHECK_FALSE(screen.keep(ascii, ChunkStatus::ok));
        CHECK_FALSE(
            screen.keep(chunk_with(u"Microsoft-Windows-WMI-Activit", 9000), ChunkStatus::ok));
    }
}

TEST_CASE("Screen finds any of several provider names at every offset of a chunk") {
    RecordSelector both = wmi_selector();
    both.keys.push_back({"Microsoft-Windows-Sysmon", 20});
    Screen screen(both);
    const std::u16string wmi = u"Microsoft-Windows-WMI-Activity";
    const std::u16string sysmon = u"Microsoft-Windows-Sysmon";
    // Every byte offset (odd ones too: nothing aligns UTF-16 in a chunk), the search's
    // internal stretches and their seams included, on a chunk of text that shares the
    // names' beginning.
    std::vector<std::byte> noise(evtx_chunk_size);
    const std::u16string other = u"Microsoft-Windows-Security-Auditing ";
    for (size_t at = 0; at + other.size() * 2 <= noise.size(); at += other.size() * 2)
        std::memcpy(noise.data() + at, other.data(), other.size() * 2);
    REQUIRE_FALSE(screen.keep(noise, ChunkStatus::ok));
    std::vector<size_t> offsets;
    for (size_t at = 0; at + 60 <= evtx_chunk_size; at += 1 + at % 97)
        offsets.push_back(at);
    for (size_t quarter = 1; quarter < 4; ++quarter) // every offset around each quarter
        for (size_t at = quarter * evtx_chunk_size / 4 - 64; at < quarter * evtx_chunk_size / 4 + 8;
             ++at)
            offsets.push_back(at);
    offsets.push_back(evtx_chunk_size - wmi.size() * 2);
    offsets.push_back(evtx_chunk_size - sysmon.size() * 2);
    size_t found = 0, tried = 0;
    for (const auto* name : {&wmi, &sysmon})
        for (size_t at : offsets) {
            if (at + name->size() * 2 > evtx_chunk_size)
                continue;
            auto chunk = noise;
            std::memcpy(chunk.data() + at, name->data(), name->size() * 2);
            ++tried;
            found += screen.keep(chunk, ChunkStatus::ok) ? 1 : 0;
            // The name with its last character changed is no name.
            std::u16string changed = *name;
            changed.back() = u'#';
            auto near = noise;
            std::memcpy(near.data() + at, changed.data(), changed.size() * 2);
            CHECK_FALSE(screen.keep(near, ChunkStatus::ok));
        }
    CHECK(found == tried);
    CHECK(tried > 2000);
}

TEST_CASE("Screen keeps every chunk it cannot vouch for and drops unused ones") {
    Screen screen(wmi_selector());
    std::vector<std::byte> empty(evtx_chunk_size);
    for (auto status : {ChunkStatus::bad_magic, ChunkStatus::bad_header_crc,
                        ChunkStatus::bad_data_crc, ChunkStatus::truncated})
        CHECK(screen.keep(empty, status));
    CHECK_FALSE(screen.keep(empty, ChunkStatus::unused));
    CHECK_FALSE(screen.keep(empty, ChunkStatus::ok));
}

TEST_CASE("Screen for a selector of every record keeps everything") {
    RecordSelector all;
    all.all = true;
    Screen screen(all);
    std::vector<std::byte> empty(evtx_chunk_size);
    CHECK(screen.keep(empty, ChunkStatus::ok));
}

namespace {
// Record screening on hand-built records laid out as libyal's EVTX and binary XML
// documentation describes them. Offsets are from the start of the chunk.
void append(std::vector<std::byte>& b, std::initializer_list<unsigned> bytes) {
    for (unsigned v : bytes)
        b.push_back(static_cast<std::byte>(v));
}
void append_le(std::vector<std::byte>& b, uint64_t value, size_t size) {
    for (size_t i = 0; i < size; ++i)
        b.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
}
// A template instance token referring to a definition at `definition`, then the values
// (type, bytes) as an array: count, descriptors (size, type, 0), data.
std::vector<std::byte>
instance(uint32_t definition,
         const std::vector<std::pair<unsigned, std::vector<std::byte>>>& values) {
    std::vector<std::byte> b;
    append(b, {0x0C, 0x01});
    append_le(b, 0x1234, 4); // template id
    append_le(b, definition, 4);
    append_le(b, values.size(), 4);
    for (const auto& [type, data] : values) {
        append_le(b, data.size(), 2);
        append(b, {type, 0});
    }
    for (const auto& value : values)
        b.insert(b.end(), value.second.begin(), value.second.end());
    return b;
}
std::vector<std::byte> le(uint64_t value, size_t size) {
    std::vector<std::byte> b;
    append_le(b, value, size);
    return b;
}
struct ChunkBuilder {
    std::vector<std::byte> bytes = std::vector<std::byte>(evtx_chunk_header_size);
    uint64_t records = 0;
    // Appends a record whose binary XML is a fragment header then `body` then `tail`.
    void record(const std::vector<std::byte>& body, std::initializer_list<unsigned> tail = {0x00}) {
        std::vector<std::byte> data;
        append(data, {0x0F, 0x01, 0x01, 0x00});
        data.insert(data.end(), body.begin(), body.end());
        append(data, tail);
        size_t size = 24 + data.size() + 4;
        append(bytes, {0x2A, 0x2A, 0x00, 0x00});
        append_le(bytes, size, 4);
        append_le(bytes, 100 + records, 8); // identifier
        append_le(bytes, 0, 8);             // time
        bytes.insert(bytes.end(), data.begin(), data.end());
        append_le(bytes, size, 4);
        ++records;
    }
    // Where the binary XML of the next record's template instance ends its 10-byte header.
    uint32_t next_instance_header_end() const {
        return static_cast<uint32_t>(bytes.size() + 24 + 4 + 10);
    }
    std::pair<std::vector<std::byte>, ChunkHeader> build(uint64_t announced) const {
        std::vector<std::byte> chunk = bytes;
        ChunkHeader header;
        header.status = ChunkStatus::ok;
        header.first_record_number = 1;
        header.last_record_number = announced;
        header.free_space_offset = static_cast<uint32_t>(chunk.size());
        chunk.resize(evtx_chunk_size);
        return {chunk, header};
    }
};
std::vector<bool> decisions(const Screen& screen, const ChunkBuilder& builder) {
    auto [chunk, header] = builder.build(builder.records);
    auto plan = screen.plan_records(chunk, header);
    REQUIRE(plan);
    CHECK(plan->ids.size() == builder.records);
    CHECK(plan->ids.front() == 100);
    return plan->decode;
}
constexpr unsigned uint16_type = 0x06, uint32_type = 0x08, string_type = 0x01, binxml_type = 0x21;
} // namespace

TEST_CASE("plan_records skips a record only when its value arrays lack every selected id") {
    Screen screen(wmi_selector());
    ChunkBuilder b;
    // A definition earlier in the chunk (offset 530, inside the first record's header:
    // the screen only needs it to come before the instance).
    b.record(instance(530, {{uint16_type, le(5857, 2)}, {string_type, le(0x0035, 2)}}));
    b.record(instance(530, {{uint16_type, le(5860, 2)}}));
    b.record(instance(530, {{uint32_type, le(5861, 4)}}));
    // 0x16E4 inside a string is text: libevtx never takes an event id from text.
    b.record(instance(530, {{string_type, {std::byte{0x41}, std::byte{0xE4}, std::byte{0x16}}}}));
    // A type it does not know (here an array of UInt16) may convert: decoded.
    b.record(instance(530, {{0x86, le(0x1234, 2)}}));
    CHECK(decisions(screen, b) == std::vector<bool>{false, true, true, false, true});
}

TEST_CASE("plan_records compares ids with numbers, not with any two bytes (Sysmon 19-21)") {
    // A Sysmon-like System template's values: Version UInt8, Level UInt8, Task UInt16,
    // Opcode UInt8, Keywords HexInt64, time FILETIME, record id UInt64, pid/tid UInt32,
    // then EventID UInt16. Their type codes 0x13, 0x14, 0x15 (SID, HexInt32, HexInt64) and
    // sizes are the bytes 13 00 / 14 00 / 15 00 that a byte-wise screen would mistake for
    // the ids 19, 20 and 21.
    RecordSelector selector;
    selector.keys = {{"Microsoft-Windows-Sysmon", 19},
                     {"Microsoft-Windows-Sysmon", 20},
                     {"Microsoft-Windows-Sysmon", 21}};
    Screen screen(selector);
    auto sysmon = [](uint32_t event_id, uint32_t task) {
        return instance(530, {{0x04, le(5, 1)},
                              {0x04, le(4, 1)},
                              {uint16_type, le(task, 2)},
                              {0x15, le(0x8000000000000000, 8)},
                              {0x11, le(0x01D5081F56ACB8A0, 8)},
                              {0x13, std::vector<std::byte>(12, std::byte{0x15})},
                              {string_type, le(0x0014, 2)},
                              {0x0F, std::vector<std::byte>(16, std::byte{0x14})},
                              {uint16_type, le(event_id, 2)}});
    };
    ChunkBuilder b;
    b.record(sysmon(1, 1));   // process creation
    b.record(sysmon(20, 20)); // WmiEventConsumer
    b.record(sysmon(3, 3));   // network connection
    b.record(sysmon(21, 21)); // WmiEventConsumerToFilter
    b.record(sysmon(11, 11)); // file create
    // A number equal to a selected id in any integer type keeps the record: a port 21 of
    // event 3 (UInt16), an Int32 or a HexInt32 of 19.
    b.record(instance(530, {{uint16_type, le(3, 2)}, {uint16_type, le(21, 2)}}));
    b.record(instance(530, {{0x07, le(19, 4)}}));
    b.record(instance(530, {{0x14, le(19, 4)}}));
    // A negative Int16 whose low byte is 20 is no id.
    b.record(instance(530, {{0x05, le(0xFF14, 2)}}));
    CHECK(decisions(screen, b) ==
          std::vector<bool>{false, true, false, true, false, true, true, true, false});
}

TEST_CASE("plan_records decodes every record whose layout it cannot bound") {
    Screen screen(wmi_selector());
    std::vector<std::pair<unsigned, std::vector<std::byte>>> plain{{uint16_type, le(5857, 2)}};
    SECTION("the definition inline at the top: where libevtx reads on depends on it") {
        ChunkBuilder b;
        auto body = instance(b.next_instance_header_end(), {});
        // An inline definition: next offset, GUID, declared size 0, then the values.
        std::vector<std::byte> inline_body(body.begin(), body.begin() + 10);
        inline_body.resize(inline_body.size() + 24);
        auto values = instance(0, plain);
        inline_body.insert(inline_body.end(), values.begin() + 10, values.end());
        b.record(inline_body);
        CHECK(decisions(screen, b) == std::vector<bool>{true});
    }
    SECTION("a definition further on, which libevtx rejects") {
        ChunkBuilder b;
        b.record(instance(b.next_instance_header_end() + 8, plain));
        CHECK(decisions(screen, b) == std::vector<bool>{true});
    }
    SECTION("no end-of-document token after the values") {
        ChunkBuilder b;
        b.record(instance(530, plain), {0x0F, 0x00});
        CHECK(decisions(screen, b) == std::vector<bool>{true});
    }
    SECTION("values larger than the record") {
        ChunkBuilder b;
        auto body = instance(530, plain);
        body[14] = std::byte{0xFF}; // the first descriptor's size
        b.record(body);
        CHECK(decisions(screen, b) == std::vector<bool>{true});
    }
    SECTION("not a template instance") {
        ChunkBuilder b;
        b.record({std::byte{0x01}, std::byte{0xFF}, std::byte{0xFF}});
        CHECK(decisions(screen, b) == std::vector<bool>{true});
    }
}

TEST_CASE("plan_records follows documents nested in BinXml values") {
    Screen screen(wmi_selector());
    auto nested = [](uint64_t id) {
        std::vector<std::byte> doc;
        append(doc, {0x0F, 0x01, 0x01, 0x00});
        auto inner = instance(530, {{uint16_type, le(id, 2)}});
        doc.insert(doc.end(), inner.begin(), inner.end());
        append(doc, {0x00});
        return doc;
    };
    ChunkBuilder b;
    b.record(instance(530, {{uint16_type, le(5857, 2)}, {binxml_type, nested(5858)}}));
    b.record(instance(530, {{uint16_type, le(5857, 2)}, {binxml_type, nested(5860)}}));
    // An element that uses the outer values: nothing new to read.
    b.record(instance(530, {{binxml_type, {std::byte{0x41}, std::byte{0x00}}}}));
    // Anything else in a BinXml value: decoded.
    b.record(instance(530, {{binxml_type, {std::byte{0x05}, std::byte{0x01}}}}));
    CHECK(decisions(screen, b) == std::vector<bool>{false, true, false, true});
}

TEST_CASE("plan_records has no plan when it cannot match the chunk's records exactly") {
    Screen screen(wmi_selector());
    ChunkBuilder b;
    b.record(instance(530, {{uint16_type, le(5857, 2)}}));
    b.record(instance(530, {{uint16_type, le(5857, 2)}}));
    auto [chunk, header] = b.build(3); // the header announces one more record
    CHECK_FALSE(screen.plan_records(chunk, header));
    auto [whole, sound] = b.build(2);
    CHECK(screen.plan_records(whole, sound));
    header = sound;
    header.status = ChunkStatus::bad_data_crc;
    CHECK_FALSE(screen.plan_records(whole, header));
    whole[sound.free_space_offset - 1] = std::byte{0x77}; // the last record's size copy
    CHECK_FALSE(screen.plan_records(whole, sound));
    RecordSelector all;
    all.all = true;
    CHECK_FALSE(Screen(all).plan_records(whole, sound));
    // An id above 65535 is screened like any other: by the numbers of the values.
    RecordSelector large;
    large.keys = {{"Microsoft-Windows-WMI-Activity", 70000}};
    auto [again, again_header] = b.build(2);
    auto plan = Screen(large).plan_records(again, again_header);
    REQUIRE(plan);
    CHECK(plan->decode == std::vector<bool>{false, false});
}
