// reader: libevtx calls, wrapped in RAII, turned into RawRecord values.
#include "wmihunt/reader.hpp"

#include "wmihunt/chunks.hpp"
#include "wmihunt/guard.hpp"
#include "wmihunt/interrupt.hpp"
#include "wmihunt/platform.hpp"

#include <libdeflate.h>
#include <libevtx.h>
#ifdef WMIHUNT_LIBEVTX_CRC
#include <dlfcn.h>
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <span>
#include <vector>

#ifdef WMIHUNT_LIBEVTX_CRC
// libevtx checks every chunk header, record data and record it reads against a CRC-32
// computed one byte at a time, and calls that function through its dynamic symbol table:
// this definition takes its place. The same CRC (IEEE 802.3, reflected, 0xEDB88320, with
// libevtx's convention for initial_value: the CRC so far, 0 to start) from libdeflate,
// many times faster; libevtx still compares it with the stored one, so a wrong CRC is
// reported as before. Counted for the test that shows libevtx calls it.
std::atomic<uint64_t> wmihunt_libevtx_crc_calls{0};

extern "C" int libevtx_checksum_calculate_little_endian_crc32(uint32_t* crc32,
                                                              const uint8_t* buffer, size_t size,
                                                              uint32_t initial_value,
                                                              libevtx_error_t** /*error*/) {
    if (crc32 == nullptr || (buffer == nullptr && size > 0))
        return -1;
    wmihunt_libevtx_crc_calls.fetch_add(1, std::memory_order_relaxed);
    *crc32 = static_cast<uint32_t>(libdeflate_crc32(initial_value, buffer, size));
    return 1;
}

// libevtx renders every string of a record, in its XML and as a value, through two libuna
// functions that convert UTF-16 to UTF-8 one character at a time, each character through
// two more calls: most of the time of decoding a record. These definitions take their
// place. A string of the usual kind (little-endian, without a byte order mark, no
// surrogate, room enough in the buffer) is converted here with libuna's results: the same
// bytes, terminator and index. Every other call, the ones that end in an error among them,
// goes to libuna's own function, found after this program in the link order. Counted per
// thread for the test that shows libevtx calls them.
namespace {

constexpr int libuna_endian_little = 'l';

template <typename Function> Function libuna_original(const char* name) {
    auto* function = reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
    if (function == nullptr) {
        std::fprintf(stderr, "wmihunt: libevtx has no %s to fall back on\n", name);
        std::abort();
    }
    return function;
}

// Whether the four UTF-16LE code units in `w` are all in 1..0x7F.
bool four_ascii_units(uint64_t w) {
    return (w & 0xFF80FF80FF80FF80u) == 0 &&
           ((w - 0x0001000100010001u) & ~w & 0x8000800080008000u) == 0;
}

bool usual_utf16(const uint8_t* stream, size_t size, int byte_order) {
    return stream != nullptr && size != 0 && size % 2 == 0 && size <= SSIZE_MAX &&
           byte_order == libuna_endian_little &&
           !((stream[0] == 0xFF && stream[1] == 0xFE) || (stream[0] == 0xFE && stream[1] == 0xFF));
}

bool is_surrogate(unsigned unit) {
    return unit >= 0xD800 && unit <= 0xDFFF;
}

size_t utf8_length(unsigned unit) {
    return unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
}

} // namespace

namespace {
thread_local uint64_t libuna_fast_calls = 0;
} // namespace

// The conversions done here on the calling thread so far.
uint64_t wmihunt_libuna_fast_calls() {
    return libuna_fast_calls;
}

// The UTF-8 size of a UTF-16 stream up to its first NUL, with a terminator.
extern "C" int libuna_utf8_string_size_from_utf16_stream(const uint8_t* stream, size_t size,
                                                         int byte_order, size_t* utf8_size,
                                                         libevtx_error_t** error) {
    using Function = int (*)(const uint8_t*, size_t, int, size_t*, libevtx_error_t**);
    static const Function original =
        libuna_original<Function>("libuna_utf8_string_size_from_utf16_stream");
    if (utf8_size == nullptr || !usual_utf16(stream, size, byte_order))
        return original(stream, size, byte_order, utf8_size, error);
    size_t out = 0;
    size_t at = 0;
    for (;;) {
        for (; at + 8 <= size; at += 8, out += 4) {
            uint64_t units;
            std::memcpy(&units, stream + at, 8);
            if (!four_ascii_units(units))
                break;
        }
        if (at + 1 >= size)
            break; // the end without a NUL: a terminator is added
        unsigned unit = stream[at] | (unsigned{stream[at + 1]} << 8);
        if (unit == 0)
            break; // the NUL is the terminator
        if (is_surrogate(unit))
            return original(stream, size, byte_order, utf8_size, error);
        out += utf8_length(unit);
        at += 2;
    }
    ++libuna_fast_calls;
    *utf8_size = out + 1;
    return 1;
}

// Writes a UTF-16 stream up to its first NUL as UTF-8 with a terminator at `*index` of
// `utf8`, and moves `*index` past it.
extern "C" int libuna_utf8_string_with_index_copy_from_utf16_stream(uint8_t* utf8, size_t utf8_size,
                                                                    size_t* index,
                                                                    const uint8_t* stream,
                                                                    size_t size, int byte_order,
                                                                    libevtx_error_t** error) {
    using Function =
        int (*)(uint8_t*, size_t, size_t*, const uint8_t*, size_t, int, libevtx_error_t**);
    static const Function original =
        libuna_original<Function>("libuna_utf8_string_with_index_copy_from_utf16_stream");
    if (utf8 == nullptr || index == nullptr || utf8_size > SSIZE_MAX || *index > utf8_size ||
        !usual_utf16(stream, size, byte_order))
        return original(utf8, utf8_size, index, stream, size, byte_order, error);
    // Stopping part way leaves written only what libuna writes before it stops too.
    uint8_t* out = utf8 + *index;
    uint8_t* const limit = utf8 + utf8_size;
    size_t at = 0;
    for (;;) {
        for (; at + 8 <= size && limit - out >= 4; at += 8, out += 4) {
            uint64_t units;
            std::memcpy(&units, stream + at, 8);
            if (!four_ascii_units(units))
                break;
            for (int i = 0; i < 4; ++i)
                out[i] = stream[at + 2 * static_cast<size_t>(i)];
        }
        if (at + 1 >= size) { // the end without a NUL: a terminator follows
            if (out == limit)
                return original(utf8, utf8_size, index, stream, size, byte_order, error);
            *out++ = 0;
            break;
        }
        unsigned unit = stream[at] | (unsigned{stream[at + 1]} << 8);
        at += 2;
        size_t length = utf8_length(unit);
        if (is_surrogate(unit) || static_cast<size_t>(limit - out) < length)
            return original(utf8, utf8_size, index, stream, size, byte_order, error);
        if (length == 1) {
            *out++ = static_cast<uint8_t>(unit);
            if (unit == 0)
                break;
        } else if (length == 2) {
            *out++ = static_cast<uint8_t>(0xC0 | (unit >> 6));
            *out++ = static_cast<uint8_t>(0x80 | (unit & 0x3F));
        } else {
            *out++ = static_cast<uint8_t>(0xE0 | (unit >> 12));
            *out++ = static_cast<uint8_t>(0x80 | ((unit >> 6) & 0x3F));
            *out++ = static_cast<uint8_t>(0x80 | (unit & 0x3F));
        }
    }
    ++libuna_fast_calls;
    *index = static_cast<size_t>(out - utf8);
    return 1;
}
#endif

namespace wmihunt {

namespace {

// Closing a file that never opened is a harmless no-op error inside libevtx.
struct FileDeleter {
    void operator()(libevtx_file_t* file) const {
        libevtx_file_close(file, nullptr);
        libevtx_file_free(&file, nullptr);
    }
};
using FilePtr = std::unique_ptr<libevtx_file_t, FileDeleter>;

// libevtx takes a file name in the system's own path characters (UTF-16 on Windows).
[[maybe_unused]] int open_named(libevtx_file_t* file, const char* name, libevtx_error_t** error) {
    return libevtx_file_open(file, name, LIBEVTX_OPEN_READ, error);
}
#if defined(LIBEVTX_HAVE_WIDE_CHARACTER_TYPE)
[[maybe_unused]] int open_named(libevtx_file_t* file, const wchar_t* name,
                                libevtx_error_t** error) {
    return libevtx_file_open_wide(file, name, LIBEVTX_OPEN_READ, error);
}
#endif

struct RecordDeleter {
    void operator()(libevtx_record_t* record) const { libevtx_record_free(&record, nullptr); }
};
using RecordPtr = std::unique_ptr<libevtx_record_t, RecordDeleter>;

// Collects a libevtx error out-parameter and releases it on scope exit.
class ErrorSlot {
  public:
    ErrorSlot() = default;
    ErrorSlot(const ErrorSlot&) = delete;
    ErrorSlot& operator=(const ErrorSlot&) = delete;
    ~ErrorSlot() { release(); }
    // The out-parameter for the next libevtx call; drops any earlier error.
    libevtx_error_t** out() {
        release();
        return &m_raw;
    }
    // The innermost message of the error chain, on one line.
    std::string message() {
        if (m_raw == nullptr)
            return "unknown libevtx error";
        char buffer[2048] = {};
        libevtx_error_sprint(m_raw, buffer, sizeof buffer);
        std::string text(buffer);
        auto last = text.find_last_not_of("\r\n");
        text.erase(last == std::string::npos ? 0 : last + 1);
        auto nl = text.find_last_of('\n');
        if (nl != std::string::npos)
            text = text.substr(nl + 1);
        return text;
    }

  private:
    void release() {
        if (m_raw != nullptr)
            libevtx_error_free(&m_raw);
        m_raw = nullptr;
    }

    libevtx_error_t* m_raw = nullptr;
};

// Reads a UTF-8 string attribute through libevtx's size/get function pair. An absent
// value (return 0) or an error yields an empty string.
template <typename SizeFn, typename GetFn>
std::string get_utf8(libevtx_record_t* record, SizeFn size_fn, GetFn get_fn) {
    size_t size = 0;
    if (size_fn(record, &size, nullptr) != 1 || size == 0)
        return {};
    std::string out(size, '\0');
    if (get_fn(record, reinterpret_cast<uint8_t*>(out.data()), size, nullptr) != 1)
        return {};
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::string get_value(libevtx_record_t* record, int index) {
    size_t size = 0;
    if (libevtx_record_get_utf8_string_size(record, index, &size, nullptr) != 1 || size == 0)
        return {};
    std::string out(size, '\0');
    if (libevtx_record_get_utf8_string(record, index, reinterpret_cast<uint8_t*>(out.data()), size,
                                       nullptr) != 1)
        return {};
    out.resize(std::strlen(out.c_str()));
    return out;
}

// The record's XML in a per-thread buffer, valid until the next call on this thread.
// Asking libevtx for the size first would render the XML twice; a buffer that is already
// large enough is tried directly and grown only when libevtx says it is too small.
std::string_view record_xml(libevtx_record_t* record) {
    thread_local std::string buffer(64 * 1024, '\0');
    auto data = [&] { return reinterpret_cast<uint8_t*>(buffer.data()); };
    if (libevtx_record_get_utf8_xml_string(record, data(), buffer.size(), nullptr) != 1) {
        size_t size = 0;
        if (libevtx_record_get_utf8_xml_string_size(record, &size, nullptr) != 1 || size == 0)
            return {};
        buffer.assign(size, '\0');
        if (libevtx_record_get_utf8_xml_string(record, data(), buffer.size(), nullptr) != 1)
            return {};
    }
    return std::string_view(buffer.c_str());
}

bool time_from_xml(std::string_view xml, int64_t& ticks) {
    static constexpr std::string_view key = "<TimeCreated SystemTime=\"";
    auto pos = xml.find(key);
    if (pos == std::string::npos)
        return false;
    pos += key.size();
    auto end = xml.find('"', pos);
    if (end == std::string::npos)
        return false;
    return parse_system_time(std::string_view(xml).substr(pos, end - pos), ticks);
}

// The text of the first element opened by `open` ("<Name>", without attributes) and
// closed by `close` ("</Name>"), or empty.
std::string element_text(std::string_view xml, std::string_view open, std::string_view close) {
    auto pos = xml.find(open);
    if (pos == std::string_view::npos)
        return {};
    pos += open.size();
    auto end = xml.find(close, pos);
    return end == std::string_view::npos ? std::string() : std::string(xml.substr(pos, end - pos));
}

// The end of the element whose start tag begins at `at` ("<Name ...>" or "<Name .../>"),
// or npos. libevtx escapes '<' and '&' in text, so every '<' in the XML starts a tag.
size_t element_end(std::string_view xml, size_t at) {
    auto close = xml.find('>', at);
    if (close == std::string_view::npos)
        return close;
    if (xml[close - 1] == '/')
        return close + 1;
    int depth = 1;
    size_t pos = close + 1;
    while (depth > 0) {
        pos = xml.find('<', pos);
        if (pos == std::string_view::npos || pos + 1 >= xml.size())
            return std::string_view::npos;
        auto end = xml.find('>', pos);
        if (end == std::string_view::npos)
            return end;
        if (xml[pos + 1] == '/')
            --depth;
        else if (xml[end - 1] != '/' && xml[pos + 1] != '?' && xml[pos + 1] != '!')
            ++depth;
        pos = end + 1;
    }
    return pos;
}

// The tag name of the start tag at `at` (without its namespace prefix).
std::string_view tag_name(std::string_view xml, size_t at) {
    size_t begin = at + 1;
    size_t end = xml.find_first_of(" \t\r\n/>", begin);
    if (end == std::string_view::npos)
        return {};
    auto name = xml.substr(begin, end - begin);
    if (auto colon = name.find(':'); colon != std::string_view::npos)
        name.remove_prefix(colon + 1);
    return name;
}

// The Name="..." attribute of the start tag at `at`, or empty.
std::string_view name_attribute(std::string_view xml, size_t at) {
    auto close = xml.find('>', at);
    auto tag = xml.substr(at, close == std::string_view::npos ? xml.size() - at : close - at);
    auto pos = tag.find(" Name=\"");
    if (pos == std::string_view::npos)
        return {};
    pos += 7;
    auto end = tag.find('"', pos);
    return end == std::string_view::npos ? std::string_view() : tag.substr(pos, end - pos);
}

// The names of the values libevtx lists as the record's strings, in document order:
// EventData's Data elements by their Name attribute, or the children of UserData's one
// element by their tag names. Empty when the record has neither.
std::vector<std::string> value_names(std::string_view xml) {
    std::vector<std::string> names;
    auto children = [&](size_t parent) {
        auto open_end = xml.find('>', parent);
        if (open_end == std::string_view::npos || xml[open_end - 1] == '/')
            return;
        size_t pos = open_end + 1;
        while ((pos = xml.find('<', pos)) != std::string_view::npos && pos + 1 < xml.size() &&
               xml[pos + 1] != '/') {
            auto name = tag_name(xml, pos);
            if (name == "Data")
                names.emplace_back(name_attribute(xml, pos));
            else
                names.emplace_back(name);
            pos = element_end(xml, pos);
        }
    };
    if (auto pos = xml.find("<EventData"); pos != std::string_view::npos) {
        children(pos);
    } else if (auto user = xml.find("<UserData"); user != std::string_view::npos) {
        auto open_end = xml.find('>', user);
        if (open_end == std::string_view::npos || xml[open_end - 1] == '/')
            return names;
        auto inner = xml.find('<', open_end);
        if (inner != std::string_view::npos && inner + 1 < xml.size() && xml[inner + 1] != '/')
            children(inner);
    }
    return names;
}

void fill_record(libevtx_record_t* record, uint32_t event_id, std::string provider,
                 RawRecord& out) {
    out.event_id = event_id;
    out.provider = std::move(provider);
    libevtx_record_get_identifier(record, &out.record_id, nullptr);
    out.computer = get_utf8(record, libevtx_record_get_utf8_computer_name_size,
                            libevtx_record_get_utf8_computer_name);
    int count = 0;
    out.values.clear();
    if (libevtx_record_get_number_of_strings(record, &count, nullptr) == 1) {
        out.values.reserve(static_cast<size_t>(count));
        for (int i = 0; i < count; ++i)
            out.values.push_back(get_value(record, i));
    }
    std::string_view xml = record_xml(record);
    out.names = value_names(xml);
    out.channel = element_text(xml, "<Channel>", "</Channel>");
    // System/EventRecordID is the number Windows shows; the record header's copy can
    // differ in damaged or carved files.
    std::string number = element_text(xml, "<EventRecordID>", "</EventRecordID>");
    uint64_t xml_record_id = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), xml_record_id);
    if (!number.empty() && ec == std::errc() && end == number.data() + number.size())
        out.record_id = xml_record_id;
    out.time_from_header = !time_from_xml(xml, out.time_created);
    if (out.time_from_header) {
        uint64_t filetime = 0;
        libevtx_record_get_written_time(record, &filetime, nullptr);
        out.time_created = static_cast<int64_t>(filetime) - filetime_epoch_offset;
    }
}

struct HandleDeleter {
    void operator()(libbfio_handle_t* handle) const { libbfio_handle_free(&handle, nullptr); }
};
using HandlePtr = std::unique_ptr<libbfio_handle_t, HandleDeleter>;

FilePtr new_file(ErrorSlot& error) {
    libevtx_file_t* raw_file = nullptr;
    if (libevtx_file_initialize(&raw_file, error.out()) != 1)
        throw InputError("libevtx could not initialise: " + error.message());
    return FilePtr(raw_file);
}

// Decodes every record of an opened file, handing the selected ones to `sink`.
ReadStats read_records(libevtx_file_t* file, const RecordSelector& selector,
                       const std::function<void(const RawRecord&)>& sink,
                       const RecordPlan* plan = nullptr) {
    ErrorSlot error;
    ReadStats stats;
    uint32_t flags = 0;
    if (libevtx_file_get_flags(file, &flags, nullptr) == 1)
        stats.dirty = (flags & LIBEVTX_FILE_FLAG_IS_DIRTY) != 0;
    stats.corrupted = libevtx_file_is_corrupted(file, nullptr) == 1;

    int count = 0;
    if (libevtx_file_get_number_of_records(file, &count, error.out()) != 1)
        throw InputError("libevtx could not count the records: " + error.message());
    stats.records_total = static_cast<uint64_t>(count);
    stats.records_decoded = stats.records_total;
    int recovered_count = 0;
    if (libevtx_file_get_number_of_recovered_records(file, &recovered_count, nullptr) == 1)
        stats.recovered_total = static_cast<uint64_t>(recovered_count);

    // A plan must describe libevtx's own records: the same count and, record by record
    // (checked in read_one), the same identifiers.
    if (plan != nullptr && plan->ids.size() != stats.records_total)
        throw RecordPlanMismatch("libevtx counts other records than the screen");
    RawRecord out;
    // Reads record `index` of one list; returns false when libevtx rejects it.
    auto read_one = [&](int index, bool recovered) {
        libevtx_record_t* raw_record = nullptr;
        int got =
            recovered
                ? libevtx_file_get_recovered_record_by_index(file, index, &raw_record, error.out())
                : libevtx_file_get_record_by_index(file, index, &raw_record, error.out());
        if (got != 1 || raw_record == nullptr)
            return false;
        RecordPtr record(raw_record);
        if (plan != nullptr && !recovered) {
            uint64_t id = 0;
            if (libevtx_record_get_identifier(record.get(), &id, nullptr) == 1 &&
                id != plan->ids[static_cast<size_t>(index)])
                throw RecordPlanMismatch("libevtx numbers the records otherwise");
        }
        uint64_t written = 0;
        bool needs_channel = false; // the first record tells the log's channel
        if (!recovered) {
            // A zero time is a record header never filled in, not a time.
            if (libevtx_record_get_written_time(record.get(), &written, nullptr) == 1 &&
                written != 0)
                stats.saw_time(static_cast<int64_t>(written) - filetime_epoch_offset);
            if (stats.log_provider.empty()) {
                stats.log_provider =
                    get_utf8(record.get(), libevtx_record_get_utf8_source_name_size,
                             libevtx_record_get_utf8_source_name);
                needs_channel = true;
            }
            stats.log_host = get_utf8(record.get(), libevtx_record_get_utf8_computer_name_size,
                                      libevtx_record_get_utf8_computer_name);
        }
        // The log's channel from the first record: from its event when it is selected,
        // which renders the XML once.
        auto take_channel = [&](const std::string* channel) {
            if (!needs_channel)
                return;
            needs_channel = false;
            stats.log_channel = channel != nullptr ? *channel
                                                   : element_text(record_xml(record.get()),
                                                                  "<Channel>", "</Channel>");
        };
        uint32_t event_id = 0;
        if (libevtx_record_get_event_identifier(record.get(), &event_id, nullptr) != 1) {
            take_channel(nullptr);
            return false;
        }
        bool selected = selector.wants_event_id(event_id);
        std::string provider;
        if (selected) {
            provider = get_utf8(record.get(), libevtx_record_get_utf8_source_name_size,
                                libevtx_record_get_utf8_source_name);
            selected = selector.wants(provider, event_id);
        }
        if (!selected) {
            take_channel(nullptr);
            return true;
        }
        ++stats.records_selected;
        fill_record(record.get(), event_id, std::move(provider), out);
        take_channel(&out.channel);
        out.recovered = recovered;
        sink(out);
        return true;
    };
    for (int index = 0; index < count; ++index) {
        if (interrupted()) {
            stats.interrupted = true;
            return stats;
        }
        if (plan != nullptr && !plan->decode[static_cast<size_t>(index)])
            ++stats.records_screened;
        else if (read_one(index, false))
            ++stats.records_read;
        else
            ++stats.records_failed;
    }
    if (!selector.recovered)
        return stats;
    for (int index = 0; index < recovered_count; ++index) {
        if (interrupted()) {
            stats.interrupted = true;
            return stats;
        }
        if (read_one(index, true))
            ++stats.recovered_read;
        else
            ++stats.recovered_failed;
    }
    return stats;
}

// Reads every chunk of a file that libevtx is to read whole and counts them as the screen
// counts the chunks it reads: bad magic or CRC, a last chunk the file ends inside
// (libevtx reads only whole chunks, so the records there are lost), and chunks refused
// for a hazard (guard.hpp). Sets stats.bytes. Returns, per chunk, whether libevtx may
// read it.
std::vector<bool> check_chunks(const std::filesystem::path& path, ReadStats& stats) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(evtx_header_block_size));
    std::vector<char> buffer(evtx_chunk_size);
    std::vector<bool> safe;
    stats.bytes = evtx_header_block_size;
    while (in && !interrupted()) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        auto got = static_cast<size_t>(in.gcount());
        if (got == 0)
            break;
        stats.bytes += got;
        auto chunk = std::as_bytes(std::span(buffer.data(), got));
        ChunkHeader header = inspect_chunk(chunk);
        stats.count_chunk(header.status);
        auto hazard = find_chunk_hazard(chunk);
        if (hazard)
            stats.refuse_chunk(header.record_count(), hazard->describe());
        safe.push_back(!hazard);
    }
    return safe;
}

// Reads the whole chunks that `safe` allows as libevtx images of a few chunks each, as
// the screen does, so that libevtx never sees the others.
ReadStats read_safe_chunks(const std::filesystem::path& path, const std::vector<bool>& safe,
                           const RecordSelector& selector,
                           const std::function<void(const RawRecord&)>& sink) {
    constexpr uint64_t image_chunks = 16;
    std::ifstream in(path, std::ios::binary);
    std::vector<std::byte> header(evtx_header_block_size);
    in.read(reinterpret_cast<char*>(header.data()), static_cast<std::streamsize>(header.size()));
    if (static_cast<size_t>(in.gcount()) != header.size())
        throw InputError("read failed: the file ended inside its header");
    ReadStats stats;
    std::vector<std::byte> image;
    uint64_t chunks = 0;
    auto decode = [&] {
        if (chunks > 0) {
            describe_chunks(image, chunks);
            stats += read_evtx_image(image, selector, sink);
        }
        image = header;
        chunks = 0;
    };
    decode();
    std::vector<std::byte> chunk(evtx_chunk_size);
    for (bool allowed : safe) {
        in.read(reinterpret_cast<char*>(chunk.data()), static_cast<std::streamsize>(chunk.size()));
        if (static_cast<size_t>(in.gcount()) != chunk.size())
            break;
        if (!allowed)
            continue;
        image.insert(image.end(), chunk.begin(), chunk.end());
        if (++chunks == image_chunks)
            decode();
    }
    decode();
    return stats;
}

} // namespace

std::string evtx_precheck(const std::filesystem::path& path) {
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec)
        return ec == std::errc::no_such_file_or_directory ? "no such file" : ec.message();
    if (std::filesystem::is_directory(status))
        return "is a directory";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::strerror(errno);
    char signature[8] = {};
    in.read(signature, sizeof signature);
    return evtx_signature_problem(
        std::as_bytes(std::span(signature, static_cast<size_t>(in.gcount()))));
}

std::string evtx_signature_problem(std::span<const std::byte> head) {
    if (head.empty())
        return "empty file (0 bytes), not an EVTX log";
    if (head.size() < 8 || std::memcmp(head.data(), "ElfFile", 8) != 0)
        return "not an EVTX file (no \"ElfFile\" signature)";
    return {};
}

bool RecordSelector::wants_event_id(uint32_t event_id) const {
    if (all)
        return true;
    for (const auto& key : keys)
        if (key.second == event_id)
            return true;
    return false;
}

bool RecordSelector::wants(std::string_view provider, uint32_t event_id) const {
    if (all)
        return true;
    for (const auto& key : keys)
        if (key.second == event_id && key.first == provider)
            return true;
    return false;
}

bool parse_system_time(std::string_view text, int64_t& ticks) {
    // YYYY-MM-DDTHH:MM:SS[.fraction]Z
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':')
        return false;
    auto number = [&](size_t pos, size_t len, int& value) {
        value = 0;
        for (size_t i = pos; i < pos + len; ++i) {
            if (text[i] < '0' || text[i] > '9')
                return false;
            value = value * 10 + (text[i] - '0');
        }
        return true;
    };
    int year, month, day, hour, minute, second;
    if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) || !number(11, 2, hour) ||
        !number(14, 2, minute) || !number(17, 2, second))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return false;
    size_t pos = 19;
    int64_t fraction = 0;
    int digits = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 7) {
                fraction = fraction * 10 + (text[pos] - '0');
                ++digits;
            }
            ++pos;
        }
    }
    if (pos + 1 != text.size() || text[pos] != 'Z')
        return false;
    for (; digits < 7; ++digits)
        fraction *= 10;
    using namespace std::chrono;
    auto ymd = year_month_day{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                              std::chrono::day{unsigned(day)}};
    if (!ymd.ok())
        return false;
    int64_t days = sys_days{ymd}.time_since_epoch().count();
    int64_t seconds = ((days * 24 + hour) * 60 + minute) * 60 + second;
    ticks = seconds * 10'000'000 + fraction;
    return true;
}

void ReadStats::count_chunk(ChunkStatus status) {
    ++chunks_total;
    switch (status) {
    case ChunkStatus::ok:
        break;
    case ChunkStatus::unused:
        ++chunks_unused;
        break;
    case ChunkStatus::truncated:
        ++chunks_truncated;
        break;
    default:
        ++chunks_bad;
    }
}

void ReadStats::refuse_chunk(uint64_t announced, std::string reason) {
    ++chunks_refused;
    records_total += announced;
    if (refusal.empty())
        refusal = std::move(reason);
}

ReadStats& ReadStats::operator+=(const ReadStats& other) {
    records_total += other.records_total;
    records_decoded += other.records_decoded;
    records_read += other.records_read;
    records_failed += other.records_failed;
    records_screened += other.records_screened;
    recovered_total += other.recovered_total;
    recovered_read += other.recovered_read;
    recovered_failed += other.recovered_failed;
    records_selected += other.records_selected;
    records_missing += other.records_missing;
    chunks_total += other.chunks_total;
    chunks_decoded += other.chunks_decoded;
    chunks_unused += other.chunks_unused;
    chunks_bad += other.chunks_bad;
    chunks_truncated += other.chunks_truncated;
    chunks_refused += other.chunks_refused;
    if (refusal.empty())
        refusal = other.refusal;
    bytes += other.bytes;
    corrupted = corrupted || other.corrupted;
    dirty = dirty || other.dirty;
    interrupted = interrupted || other.interrupted;
    changed = changed || other.changed;
    chunks_announced = std::max(chunks_announced, other.chunks_announced);
    chunks_present = std::max(chunks_present, other.chunks_present);
    header_crc_bad = header_crc_bad || other.header_crc_bad;
    if (log_provider.empty()) {
        log_provider = other.log_provider;
        log_channel = other.log_channel;
    }
    if (!other.log_host.empty())
        log_host = other.log_host;
    first_time = std::min(first_time, other.first_time);
    last_time = std::max(last_time, other.last_time);
    return *this;
}

ReadStats read_evtx(const std::filesystem::path& path, const RecordSelector& selector,
                    const std::function<void(const RawRecord&)>& sink) {
    if (auto reason = evtx_precheck(path); !reason.empty())
        throw InputError(reason);
    ReadStats checked;
    std::vector<bool> safe = check_chunks(path, checked);
    if (interrupted()) {
        checked.interrupted = true;
        return checked;
    }
    ReadStats stats;
    if (checked.chunks_refused > 0) {
        stats = read_safe_chunks(path, safe, selector, sink);
    } else {
        ErrorSlot error;
        FilePtr file = new_file(error);
        if (open_named(file.get(), platform::path_for_library(path).c_str(), error.out()) != 1)
            throw InputError("not a readable EVTX file: " + error.message());
        stats = read_records(file.get(), selector, sink);
    }
    // The chunks as wmihunt read them, not as the images libevtx was given describe them.
    stats.records_total += checked.records_total;
    stats.chunks_total = checked.chunks_total;
    stats.chunks_unused = checked.chunks_unused;
    stats.chunks_bad = checked.chunks_bad;
    stats.chunks_truncated = checked.chunks_truncated;
    stats.chunks_refused = checked.chunks_refused;
    stats.refusal = checked.refusal;
    stats.bytes = checked.bytes;
    return stats;
}

ReadStats read_evtx_image(std::span<const std::byte> image, const RecordSelector& selector,
                          const std::function<void(const RawRecord&)>& sink,
                          const RecordPlan* plan) {
    libbfio_handle_t* raw_handle = nullptr;
    if (libbfio_memory_range_initialize(&raw_handle, nullptr) != 1)
        throw InputError("libbfio could not initialise a memory range");
    HandlePtr handle(raw_handle);
    // libbfio's signature takes a mutable pointer; a read-only open never writes through it.
    auto* start = reinterpret_cast<uint8_t*>(const_cast<std::byte*>(image.data()));
    if (libbfio_memory_range_set(handle.get(), start, image.size(), nullptr) != 1)
        throw InputError("libbfio could not map the memory range");
    ErrorSlot error;
    FilePtr file = new_file(error);
    if (libevtx_file_open_file_io_handle(file.get(), handle.get(), LIBEVTX_OPEN_READ,
                                         error.out()) != 1)
        throw InputError("not a readable EVTX image: " + error.message());
    // The file must be closed (FilePtr) before the handle it reads is freed (HandlePtr):
    // locals are destroyed in reverse order of declaration.
    return read_records(file.get(), selector, sink, plan);
}

} // namespace wmihunt
