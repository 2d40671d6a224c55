// binxml.hpp: EVTX binary XML templates: their element trees and their serialization in a chunk.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "byte_writer.hpp"
#include "schema.hpp"
#include "values.hpp"

namespace evtxgen {

// Binary XML tokens (libyal EVTX format, "Binary XML tokens").
namespace token {
constexpr std::uint8_t kEndOfFragment = 0x00;
constexpr std::uint8_t kOpenStartElement = 0x01;
constexpr std::uint8_t kCloseStartElement = 0x02;
constexpr std::uint8_t kCloseEmptyElement = 0x03;
constexpr std::uint8_t kEndElement = 0x04;
constexpr std::uint8_t kValue = 0x05;
constexpr std::uint8_t kAttribute = 0x06;
constexpr std::uint8_t kTemplateInstance = 0x0c;
constexpr std::uint8_t kNormalSubstitution = 0x0d;
constexpr std::uint8_t kOptionalSubstitution = 0x0e;
constexpr std::uint8_t kFragmentHeader = 0x0f;
constexpr std::uint8_t kHasMoreDataFlag = 0x40;
} // namespace token

struct XmlAttribute;

// A node of a template's element tree: an element, a literal text, or a substitution.
struct XmlNode {
    enum class Kind { Element, Text, Substitution };
    Kind kind = Kind::Element;
    std::string_view name;                // Element: name (static storage)
    std::vector<XmlAttribute> attributes; // Element
    std::vector<XmlNode> children;        // Element
    std::string text;                     // Text: UTF-8
    std::uint16_t index = 0;              // Substitution: value index
    ValueType type = ValueType::Null;     // Substitution: declared type
    bool optional = false;                // Substitution: 0x0e instead of 0x0d

    static XmlNode element(std::string_view name, std::vector<XmlAttribute> attributes,
                           std::vector<XmlNode> children);
    static XmlNode literal(std::string text);
    static XmlNode substitution(std::uint16_t index, ValueType type, bool optional);
};

struct XmlAttribute {
    std::string_view name;
    XmlNode value; // Text or Substitution
};

// A template: identifier GUID (its first 4 bytes are the template id) and element tree.
struct Template {
    std::array<std::uint8_t, 16> guid{};
    std::uint32_t id = 0;
    XmlNode root;
};

// A deterministic version-5-style GUID derived from `key` (FNV-1a based; stable across builds).
std::array<std::uint8_t, 16> derived_guid(std::string_view key);

// The chunk's common string table: names are defined once per chunk and referenced by offset.
class NameTable {
  public:
    // Writes a 4-byte name offset at out.pos(); when `name` is new in this chunk the name
    // structure (next offset, hash, length, UTF-16 characters, NUL) follows inline and is
    // linked at the head of its hash bucket.
    void write_name_ref(std::string_view name, ByteWriter& out);
    void clear();
    // Bucket heads as stored at chunk offset 128 (64 x uint32).
    const std::array<std::uint32_t, 64>& buckets() const { return m_buckets; }

    struct State {
        std::array<std::uint32_t, 64> buckets;
        std::size_t count;
    };
    State save() const { return {m_buckets, m_names.size()}; }
    void restore(const State& s);

  private:
    std::array<std::uint32_t, 64> m_buckets{};
    std::vector<std::pair<std::string_view, std::uint32_t>> m_names;
};

// The 16-bit hash the string table uses (h = h * 65599 + code unit, low 16 bits kept).
std::uint16_t name_hash(std::string_view ascii_name);

// Writes a template definition at out.pos(): next-offset `next`, GUID, data size, then the
// fragment header, the element tree and the end-of-fragment token.
void write_template_definition(const Template& t, std::uint32_t next, NameTable& names,
                               ByteWriter& out);

// Owns the templates of all files written in a run: one System template per
// (provider, data style, computer) and one data template per event kind.
class TemplateRegistry {
  public:
    const Template& system_template(const EventSpec& spec, std::string_view computer);
    const Template& data_template(const EventSpec& spec);

  private:
    std::map<std::string, std::unique_ptr<Template>, std::less<>> m_system;
    std::map<const EventSpec*, std::unique_ptr<Template>> m_data;
};

// Number of values of the System template: indices 0..16 are System values, 17 is the data.
constexpr std::uint16_t kSystemValueCount = 18;

} // namespace evtxgen
