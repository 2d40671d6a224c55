// binxml.cpp: EVTX binary XML templates: their element trees and their serialization in a chunk.
#include "binxml.hpp"

#include <fmt/format.h>

#include "utf16.hpp"

namespace evtxgen {

XmlNode XmlNode::element(std::string_view name, std::vector<XmlAttribute> attributes,
                         std::vector<XmlNode> children) {
    XmlNode n;
    n.kind = Kind::Element;
    n.name = name;
    n.attributes = std::move(attributes);
    n.children = std::move(children);
    return n;
}

XmlNode XmlNode::literal(std::string text) {
    XmlNode n;
    n.kind = Kind::Text;
    n.text = std::move(text);
    return n;
}

XmlNode XmlNode::substitution(std::uint16_t index, ValueType type, bool optional) {
    XmlNode n;
    n.kind = Kind::Substitution;
    n.index = index;
    n.type = type;
    n.optional = optional;
    return n;
}

std::array<std::uint8_t, 16> derived_guid(std::string_view key) {
    std::array<std::uint8_t, 16> g{};
    std::uint64_t h1 = 0xcbf29ce484222325ULL;
    std::uint64_t h2 = 0x84222325cbf29ce4ULL;
    for (unsigned char c : key) {
        h1 = (h1 ^ c) * 0x100000001b3ULL;
        h2 = (h2 ^ c) * 0x100000001b3ULL;
        h2 ^= h2 >> 29;
    }
    store_u64(g.data(), h1);
    store_u64(g.data() + 8, h2);
    g[7] = static_cast<std::uint8_t>((g[7] & 0x0F) | 0x50); // version 5 (data3 high nibble)
    g[8] = static_cast<std::uint8_t>((g[8] & 0x3F) | 0x80); // RFC 4122 variant
    return g;
}

std::uint16_t name_hash(std::string_view ascii_name) {
    std::uint32_t h = 0;
    for (unsigned char c : ascii_name)
        h = h * 65599u + c;
    return static_cast<std::uint16_t>(h);
}

void NameTable::clear() {
    m_buckets.fill(0);
    m_names.clear();
}

void NameTable::restore(const State& s) {
    m_buckets = s.buckets;
    m_names.resize(s.count);
}

void NameTable::write_name_ref(std::string_view name, ByteWriter& out) {
    for (const auto& [n, offset] : m_names) {
        if (n == name) {
            out.u32(offset);
            return;
        }
    }
    const auto offset = static_cast<std::uint32_t>(out.pos() + 4);
    const std::uint16_t hash = name_hash(name);
    out.u32(offset);
    out.u32(m_buckets[hash % 64]);
    out.u16(hash);
    out.u16(static_cast<std::uint16_t>(name.size()));
    for (unsigned char c : name)
        out.u16(c);
    out.u16(0);
    m_buckets[hash % 64] = offset;
    m_names.emplace_back(name, offset);
}

namespace {

void write_node(const XmlNode& n, NameTable& names, ByteWriter& out);

void write_text(const std::string& text, ByteWriter& out) {
    out.u8(token::kValue);
    out.u8(static_cast<std::uint8_t>(ValueType::String));
    out.u16(static_cast<std::uint16_t>(utf16_length(text)));
    write_utf16le(text, out);
}

void write_substitution(const XmlNode& n, ByteWriter& out) {
    out.u8(n.optional ? token::kOptionalSubstitution : token::kNormalSubstitution);
    out.u16(n.index);
    out.u8(static_cast<std::uint8_t>(n.type));
}

void write_element(const XmlNode& n, NameTable& names, ByteWriter& out) {
    const bool has_attributes = !n.attributes.empty();
    out.u8(has_attributes ? token::kOpenStartElement | token::kHasMoreDataFlag
                          : token::kOpenStartElement);
    out.u16(0xFFFF); // dependency identifier: none
    const std::size_t size_at = out.pos();
    out.u32(0);
    names.write_name_ref(n.name, out);
    if (has_attributes) {
        const std::size_t list_at = out.pos();
        out.u32(0);
        for (std::size_t i = 0; i < n.attributes.size(); ++i) {
            const bool more = i + 1 < n.attributes.size();
            out.u8(more ? token::kAttribute | token::kHasMoreDataFlag : token::kAttribute);
            names.write_name_ref(n.attributes[i].name, out);
            write_node(n.attributes[i].value, names, out);
        }
        out.patch_u32(list_at, static_cast<std::uint32_t>(out.pos() - list_at - 4));
    }
    if (n.children.empty()) {
        out.u8(token::kCloseEmptyElement);
    } else {
        out.u8(token::kCloseStartElement);
        for (const auto& c : n.children)
            write_node(c, names, out);
        out.u8(token::kEndElement);
    }
    out.patch_u32(size_at, static_cast<std::uint32_t>(out.pos() - size_at - 4));
}

void write_node(const XmlNode& n, NameTable& names, ByteWriter& out) {
    switch (n.kind) {
    case XmlNode::Kind::Element:
        write_element(n, names, out);
        break;
    case XmlNode::Kind::Text:
        write_text(n.text, out);
        break;
    case XmlNode::Kind::Substitution:
        write_substitution(n, out);
        break;
    }
}

XmlNode opt(std::uint16_t index, ValueType type) {
    return XmlNode::substitution(index, type, true);
}

XmlNode el(std::string_view name, std::vector<XmlNode> children) {
    return XmlNode::element(name, {}, std::move(children));
}

// The System template every manifest-based provider shares (value indices as Windows uses).
XmlNode system_tree(const EventSpec& spec, std::string_view computer) {
    using VT = ValueType;
    XmlNode system =
        el("System",
           {XmlNode::element("Provider",
                             {{"Name", opt(14, VT::String)}, {"Guid", opt(15, VT::Guid)}}, {}),
            XmlNode::element("EventID", {{"Qualifiers", opt(4, VT::UInt16)}}, {opt(3, VT::UInt16)}),
            el("Version", {opt(11, VT::UInt8)}), el("Level", {opt(0, VT::UInt8)}),
            el("Task", {opt(2, VT::UInt16)}), el("Opcode", {opt(1, VT::UInt8)}),
            el("Keywords", {opt(5, VT::HexInt64)}),
            XmlNode::element("TimeCreated", {{"SystemTime", opt(6, VT::FileTime)}}, {}),
            el("EventRecordID", {opt(10, VT::UInt64)}),
            XmlNode::element(
                "Correlation",
                {{"ActivityID", opt(7, VT::Guid)}, {"RelatedActivityID", opt(13, VT::Guid)}}, {}),
            XmlNode::element("Execution",
                             {{"ProcessID", opt(8, VT::UInt32)}, {"ThreadID", opt(9, VT::UInt32)}},
                             {}),
            el("Channel", {opt(16, VT::String)}),
            el("Computer", {XmlNode::literal(std::string(computer))}),
            XmlNode::element("Security", {{"UserID", opt(12, VT::Sid)}}, {})});
    std::vector<XmlNode> event_children;
    event_children.push_back(std::move(system));
    if (spec.style == DataStyle::UserData)
        event_children.push_back(el("UserData", {opt(17, VT::BinXml)}));
    else
        event_children.push_back(opt(17, VT::BinXml));
    return XmlNode::element(
        "Event",
        {{"xmlns", XmlNode::literal("http://schemas.microsoft.com/win/2004/08/events/event")}},
        std::move(event_children));
}

XmlNode data_tree(const EventSpec& spec) {
    std::vector<XmlNode> children;
    for (std::size_t i = 0; i < spec.fields.size(); ++i) {
        const auto& f = spec.fields[i];
        XmlNode sub = XmlNode::substitution(static_cast<std::uint16_t>(i), f.type, false);
        if (spec.style == DataStyle::UserData)
            children.push_back(el(f.name, {std::move(sub)}));
        else if (f.is_binary_element)
            children.push_back(el("Binary", {std::move(sub)}));
        else
            children.push_back(XmlNode::element(
                "Data", {{"Name", XmlNode::literal(std::string(f.name))}}, {std::move(sub)}));
    }
    if (spec.style == DataStyle::UserData)
        return XmlNode::element(spec.user_data_element,
                                {{"xmlns", XmlNode::literal(std::string(spec.user_data_ns))}},
                                std::move(children));
    return el("EventData", std::move(children));
}

std::unique_ptr<Template> make_template(std::string_view key, XmlNode root) {
    auto t = std::make_unique<Template>();
    t->guid = derived_guid(key);
    t->id = load_u32(t->guid.data());
    t->root = std::move(root);
    return t;
}

} // namespace

void write_template_definition(const Template& t, std::uint32_t next, NameTable& names,
                               ByteWriter& out) {
    out.u32(next);
    out.raw(t.guid.data(), t.guid.size());
    const std::size_t size_at = out.pos();
    out.u32(0);
    out.u8(token::kFragmentHeader);
    out.u8(1); // major version
    out.u8(1); // minor version
    out.u8(0); // flags
    write_node(t.root, names, out);
    out.u8(token::kEndOfFragment);
    out.patch_u32(size_at, static_cast<std::uint32_t>(out.pos() - size_at - 4));
}

const Template& TemplateRegistry::system_template(const EventSpec& spec,
                                                  std::string_view computer) {
    const std::string key =
        fmt::format("system|{}|{}|{}", spec.provider->name,
                    spec.style == DataStyle::UserData ? "UserData" : "EventData", computer);
    auto it = m_system.find(key);
    if (it == m_system.end())
        it = m_system.emplace(key, make_template(key, system_tree(spec, computer))).first;
    return *it->second;
}

const Template& TemplateRegistry::data_template(const EventSpec& spec) {
    auto it = m_data.find(&spec);
    if (it == m_data.end()) {
        // Each Sysmon schema version has its own manifest template for an event id.
        std::string key = fmt::format("data|{}|{}", spec.provider->name, spec.event_id);
        if (!spec.sysmon_schema.empty())
            key += fmt::format("|{}", spec.sysmon_schema);
        it = m_data.emplace(&spec, make_template(key, data_tree(spec))).first;
    }
    return *it->second;
}

} // namespace evtxgen
