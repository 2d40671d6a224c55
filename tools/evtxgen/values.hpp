// values.hpp: typed substitution values (EVTX value types), their binary encoding and text form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "byte_writer.hpp"

namespace evtxgen {

// EVTX binary XML value types used by evtxgen (libyal EVTX format, "Value types").
enum class ValueType : std::uint8_t {
    Null = 0x00,
    String = 0x01,
    UInt8 = 0x04,
    UInt16 = 0x06,
    UInt32 = 0x08,
    UInt64 = 0x0a,
    Bool = 0x0d,
    Binary = 0x0e,
    Guid = 0x0f,
    FileTime = 0x11,
    Sid = 0x13,
    HexInt32 = 0x14,
    HexInt64 = 0x15,
    BinXml = 0x21,
};

// One substitution value. Which member carries the value depends on `type`:
// String: `text` (UTF-8); Binary: `text` (raw bytes); Guid: `text` ("{8-4-4-4-12}" hex);
// Sid: `text` ("S-1-5-..."); integers, HexInt and FileTime (100 ns ticks since 1601): `number`;
// Null: `number` is the count of zero bytes Windows stores for it (0, 2 or 16).
struct Value {
    ValueType type = ValueType::Null;
    std::uint64_t number = 0;
    std::string text;

    static Value string(std::string_view s) { return {ValueType::String, 0, std::string(s)}; }
    static Value integer(ValueType t, std::uint64_t n) { return {t, n, {}}; }
    static Value null(std::uint64_t size = 0) { return {ValueType::Null, size, {}}; }
};

// Writes the value's data bytes (no descriptor). Strings become UTF-16LE, followed by a
// NUL code unit when `nul_terminated` (WMI-Activity and Security do, Sysmon and SCM do not).
// Throws std::invalid_argument for malformed GUID or SID text, or invalid UTF-8.
void encode_value(const Value& v, bool nul_terminated, ByteWriter& out);

// Canonical text of a value as written to manifests: strings as is, integers in decimal,
// Bool as "true"/"false" (as Windows renders win:Boolean),
// HexInt32/64 as 0x%08x / 0x%016x, GUID "{lower-case}", SID as given, FILETIME as
// "YYYY-MM-DDTHH:MM:SS.fffffffZ", Binary as upper-case hex, Null as "".
std::string value_text(const Value& v);

// FILETIME (100 ns ticks since 1601-01-01 UTC) <-> ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fffffff]Z".
// parse_iso_filetime throws std::invalid_argument on other formats.
std::uint64_t parse_iso_filetime(std::string_view iso);
std::string filetime_iso(std::uint64_t ticks);     // with 7 fraction digits
std::string filetime_seconds(std::uint64_t ticks); // "%Y-%m-%dT%H:%M:%S", truncated

// Parses "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" into the 16 bytes of its on-disk layout.
void parse_guid(std::string_view text, std::uint8_t out[16]);

} // namespace evtxgen
