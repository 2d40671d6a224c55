// test_values.cpp: typed values: binary encodings, text forms and FILETIME conversions.
#include <catch2/catch.hpp>

#include <vector>

#include "values.hpp"

using namespace evtxgen;

namespace {

std::vector<std::uint8_t> encode(const Value& v, bool nul_terminated = false) {
    std::vector<std::uint8_t> buf(256);
    ByteWriter w(buf.data(), buf.size());
    encode_value(v, nul_terminated, w);
    buf.resize(w.pos());
    return buf;
}

} // namespace

TEST_CASE("FILETIME conversions", "[values]") {
    SECTION("the epochs") {
        CHECK(parse_iso_filetime("1601-01-01T00:00:00Z") == 0);
        // 369 years (89 leap days) of 86400 s at 10^7 ticks: 134774 days * 864000000000.
        CHECK(parse_iso_filetime("1970-01-01T00:00:00Z") == 116444736000000000ULL);
    }
    SECTION("fractions have up to 7 digits and are not rounded when printed to the second") {
        const auto t = parse_iso_filetime("2024-03-04T10:11:12.9999999Z");
        CHECK(t % 10'000'000 == 9'999'999);
        CHECK(filetime_seconds(t) == "2024-03-04T10:11:12");
        CHECK(filetime_iso(t) == "2024-03-04T10:11:12.9999999Z");
        CHECK(parse_iso_filetime("2024-03-04T10:11:12.5Z") % 10'000'000 == 5'000'000);
    }
    SECTION("a leap day round-trips") {
        CHECK(filetime_iso(parse_iso_filetime("2024-02-29T23:59:59.0000001Z")) ==
              "2024-02-29T23:59:59.0000001Z");
    }
    SECTION("other formats are rejected") {
        CHECK_THROWS_AS(parse_iso_filetime("2024-03-04 10:11:12Z"), std::invalid_argument);
        CHECK_THROWS_AS(parse_iso_filetime("2024-03-04T10:11:12"), std::invalid_argument);
        CHECK_THROWS_AS(parse_iso_filetime("2024-13-04T10:11:12Z"), std::invalid_argument);
        CHECK_THROWS_AS(parse_iso_filetime("2024-03-04T10:11:12.12345678Z"), std::invalid_argument);
    }
}

TEST_CASE("value encodings", "[values]") {
    SECTION("SID: revision, count, 48-bit big-endian authority, little-endian sub-authorities") {
        CHECK(encode({ValueType::Sid, 0, "S-1-5-18"}) ==
              std::vector<std::uint8_t>{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0});
        CHECK(encode({ValueType::Sid, 0, "S-1-5-32-544"}) ==
              std::vector<std::uint8_t>{1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0});
        CHECK_THROWS_AS(encode({ValueType::Sid, 0, "S-1-x"}), std::invalid_argument);
    }
    SECTION("GUID: the first three groups little-endian, as in WMI-Activity's provider GUID") {
        // Bytes as they appear in a real WMI-Activity record (04 ef 18 14 b4 b0 23 46 ...).
        CHECK(encode({ValueType::Guid, 0, "{1418ef04-b0b4-4623-bf7e-d74ab47bbdaa}"}) ==
              std::vector<std::uint8_t>{0x04, 0xef, 0x18, 0x14, 0xb4, 0xb0, 0x23, 0x46, 0xbf, 0x7e,
                                        0xd7, 0x4a, 0xb4, 0x7b, 0xbd, 0xaa});
        CHECK_THROWS_AS(encode({ValueType::Guid, 0, "{1418ef04}"}), std::invalid_argument);
    }
    SECTION("strings are UTF-16LE, NUL-terminated on request, surrogate pairs for U+10000+") {
        CHECK(encode(Value::string("A\xc3\xa9"), true) ==
              std::vector<std::uint8_t>{0x41, 0, 0xe9, 0, 0, 0});
        CHECK(encode(Value::string("A\xc3\xa9"), false) ==
              std::vector<std::uint8_t>{0x41, 0, 0xe9, 0});
        // U+1F600 = D83D DE00
        CHECK(encode(Value::string("\xf0\x9f\x98\x80")) ==
              std::vector<std::uint8_t>{0x3d, 0xd8, 0x00, 0xde});
        CHECK(encode(Value::string(""), true) == std::vector<std::uint8_t>{0, 0});
        CHECK(encode(Value::string("")).empty());
        CHECK_THROWS_AS(encode(Value::string("\xc3")), std::invalid_argument);
    }
    SECTION("integers are little-endian at their width; Null keeps its zero bytes") {
        CHECK(encode(Value::integer(ValueType::UInt16, 5860)) ==
              std::vector<std::uint8_t>{0xe4, 0x16});
        CHECK(encode(Value::integer(ValueType::HexInt32, 0x8004100c)) ==
              std::vector<std::uint8_t>{0x0c, 0x10, 0x04, 0x80});
        CHECK(encode(Value::null(2)) == std::vector<std::uint8_t>{0, 0});
    }
}

TEST_CASE("value text as parsers print it", "[values]") {
    CHECK(value_text(Value::integer(ValueType::HexInt32, 0x8004100c)) == "0x8004100c");
    CHECK(value_text(Value::integer(ValueType::HexInt32, 0)) == "0x00000000");
    CHECK(value_text(Value::integer(ValueType::HexInt64, 0x3e7)) == "0x00000000000003e7");
    CHECK(value_text(Value::integer(ValueType::UInt32, 4242)) == "4242");
    CHECK(value_text({ValueType::Guid, 0, "{05D46084-0186-0000-8B64-D4058601DA01}"}) ==
          "{05d46084-0186-0000-8b64-d4058601da01}");
    CHECK(value_text({ValueType::Binary, 0, std::string("w\0u\0", 4)}) == "77007500");
    CHECK(value_text(Value::null(16)).empty());
}
