// test_binxml.cpp: binary XML names, string table and template definitions.
#include <catch2/catch.hpp>

#include <vector>

#include "binxml.hpp"

using namespace evtxgen;

TEST_CASE("name hash and string table", "[binxml]") {
    SECTION("the hash is h*65599+c over the name, low 16 bits") {
        // A real WMI-Activity chunk stores "Event" with hash 0x0cba, "System" with 0x546f.
        CHECK(name_hash("Event") == 0x0cba);
        CHECK(name_hash("System") == 0x546f);
    }
    SECTION("a name is defined inline once, then referenced by offset") {
        std::vector<std::uint8_t> buf(256, 0xAA);
        ByteWriter w(buf.data(), buf.size(), 100);
        NameTable names;
        names.write_name_ref("Event", w);
        // offset(4) + next(4) + hash(2) + length(2) + 5 UTF-16 chars(10) + NUL(2) = 24 bytes
        REQUIRE(w.pos() == 124);
        CHECK(load_u32(&buf[100]) == 104);
        CHECK(load_u32(&buf[104]) == 0); // bucket was empty
        CHECK(buf[108] == 0xba);
        CHECK(buf[109] == 0x0c);
        CHECK(buf[110] == 5);
        CHECK(buf[112] == 'E');
        CHECK(buf[120] == 't');
        CHECK(buf[122] == 0);
        CHECK(buf[123] == 0);
        CHECK(names.buckets()[0x0cba % 64] == 104);
        names.write_name_ref("Event", w);
        CHECK(w.pos() == 128);
        CHECK(load_u32(&buf[124]) == 104);
    }
    SECTION("a new name in an occupied bucket becomes its head and links to the old one") {
        // "B" hashes to 66 and "AC" to 65*65599+67 = 0x411042 -> 0x1042: both in bucket 2.
        std::vector<std::uint8_t> buf(256, 0);
        ByteWriter w(buf.data(), buf.size(), 0);
        NameTable names;
        names.write_name_ref("B", w); // name struct at 4, 4+4+2+2+2+2 = 16 bytes in all
        CHECK(names.buckets()[2] == 4);
        names.write_name_ref("AC", w); // offset field at 16, struct at 20
        CHECK(names.buckets()[2] == 20);
        CHECK(load_u32(&buf[20]) == 4);
    }
}

TEST_CASE("template definition layout", "[binxml]") {
    // <A>%0</A>: def header 24 bytes, then fragment header, element, EOF.
    Template t;
    t.guid = derived_guid("test");
    t.id = load_u32(t.guid.data());
    t.root = XmlNode::element("A", {}, {XmlNode::substitution(0, ValueType::String, false)});
    std::vector<std::uint8_t> buf(512, 0);
    ByteWriter w(buf.data(), buf.size(), 0);
    NameTable names;
    write_template_definition(t, 0x1234, names, w);
    REQUIRE_FALSE(w.overflowed());
    CHECK(load_u32(&buf[0]) == 0x1234); // next template in the bucket
    CHECK(std::equal(t.guid.begin(), t.guid.end(), buf.begin() + 4));
    // element: name offset 4 + name struct (4+2+2+2+2 = 12) + 0x02 + substitution 4 + 0x04 = 22
    // data: fragment header 4 + token 1 + dependency 2 + size 4 + 22 + EOF 1 = 34
    CHECK(load_u32(&buf[20]) == 34);
    CHECK(w.pos() == 24 + 34);
    CHECK(buf[24] == 0x0f);
    CHECK(buf[28] == 0x01); // open start element without attributes
    CHECK(buf[29] == 0xff);
    CHECK(buf[30] == 0xff);
    CHECK(load_u32(&buf[31]) == 22);
    CHECK(load_u32(&buf[35]) == 39); // name defined right after its offset field
    CHECK(buf[51] == 0x02);          // close start element
    CHECK(buf[52] == 0x0d);          // normal substitution, index 0, type String
    CHECK(buf[53] == 0);
    CHECK(buf[55] == 0x01);
    CHECK(buf[56] == 0x04); // end element
    CHECK(buf[57] == 0x00); // end of fragment
}

TEST_CASE("derived template GUIDs", "[binxml]") {
    const auto a = derived_guid("data|Microsoft-Windows-WMI-Activity|5860");
    CHECK(a == derived_guid("data|Microsoft-Windows-WMI-Activity|5860"));
    CHECK(a != derived_guid("data|Microsoft-Windows-WMI-Activity|5861"));
    CHECK((a[7] & 0xF0) == 0x50); // version 5, like Windows' template GUIDs
}
