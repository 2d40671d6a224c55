// mof: the MOF instance reader, SID strings, consumer actions, Sysmon values and paths.
#include "wmihunt/mof.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace wmihunt {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool is_ident(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

bool iends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() &&
           iequals(text.substr(text.size() - suffix.size()), suffix);
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// True when `token` is a MOF integer or real: [+-] then 0x hex digits, or decimal digits
// with an optional fraction and exponent.
bool is_number(std::string_view token) {
    if (!token.empty() && (token.front() == '-' || token.front() == '+'))
        token.remove_prefix(1);
    if (token.size() > 2 && token[0] == '0' && lower(token[1]) == 'x')
        return std::all_of(token.begin() + 2, token.end(),
                           [](char c) { return hex_digit(c) >= 0; });
    size_t i = 0;
    size_t digits = 0;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9')
        ++i, ++digits;
    if (i < token.size() && token[i] == '.')
        for (++i; i < token.size() && token[i] >= '0' && token[i] <= '9'; ++i)
            ++digits;
    if (digits == 0)
        return false;
    if (i < token.size() && lower(token[i]) == 'e') {
        ++i;
        if (i < token.size() && (token[i] == '-' || token[i] == '+'))
            ++i;
        size_t exponent = i;
        while (i < token.size() && token[i] >= '0' && token[i] <= '9')
            ++i;
        if (i == exponent)
            return false;
    }
    return i == token.size();
}

void classify(MofValue& value, std::string_view token) {
    value.text = std::string(token);
    if (iequals(token, "true") || iequals(token, "false"))
        value.kind = MofValue::Kind::boolean;
    else if (iequals(token, "null"))
        value.kind = MofValue::Kind::null;
    else if (is_number(token))
        value.kind = MofValue::Kind::number;
    else
        value.kind = MofValue::Kind::other;
}

// Reads one text left to right; each step either advances or stops for good.
class MofReader {
  public:
    explicit MofReader(std::string_view text) : m_text(text) {}

    // After a malformed instance, reading goes on at the next "instance of", so a broken
    // filter does not hide its consumer; the first problem is the one reported.
    MofText run() {
        while (true) {
            if (read_instance())
                continue;
            if (m_out.complete || at_end() || find_instance(m_pos) == std::string_view::npos)
                break;
        }
        return std::move(m_out);
    }

  private:
    std::string_view m_text;
    size_t m_pos = 0;
    MofText m_out;

    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    void skip_space() {
        while (!at_end() && is_space(peek()))
            ++m_pos;
    }

    // Records that reading stopped at m_pos (or `at`) for `problem`, unless an earlier
    // problem was recorded; returns false for the callers.
    bool stop(std::string problem) { return stop_at(m_pos, std::move(problem)); }
    bool stop_at(size_t at, std::string problem) {
        if (m_out.problem.empty()) {
            m_out.stopped_at = at;
            m_out.problem = std::move(problem);
        }
        m_out.complete = false;
        return false;
    }

    std::string_view identifier() {
        size_t begin = m_pos;
        while (!at_end() && is_ident(peek()))
            ++m_pos;
        return m_text.substr(begin, m_pos - begin);
    }

    // Where the next "instance of" starts at or after `from` (both words whole, each
    // followed by white space), or npos.
    size_t find_instance(size_t from) const {
        constexpr std::string_view instance = "instance";
        for (size_t i = from; i + instance.size() < m_text.size(); ++i) {
            if (lower(m_text[i]) != 'i' || (i > 0 && is_ident(m_text[i - 1])))
                continue;
            if (!iequals(m_text.substr(i, instance.size()), instance))
                continue;
            size_t j = i + instance.size();
            if (!is_space(m_text[j]))
                continue;
            while (j < m_text.size() && is_space(m_text[j]))
                ++j;
            if (j + 2 < m_text.size() && iequals(m_text.substr(j, 2), "of") &&
                is_space(m_text[j + 2]))
                return i;
        }
        return std::string_view::npos;
    }

    // Reads [label] instance of CLASS { properties };  Returns false once reading ends.
    bool read_instance() {
        skip_space();
        if (at_end()) {
            m_out.complete = m_out.problem.empty();
            if (m_out.complete)
                m_out.stopped_at = m_text.size();
            return false;
        }
        size_t label_begin = m_pos;
        size_t keyword = find_instance(m_pos);
        if (keyword == std::string_view::npos)
            return stop(m_out.instances.empty()
                            ? "no \"instance of\" in the text"
                            : "text after the last instance is not an instance");
        // The label follows the last ';' or '}' before the keyword: only after a malformed
        // instance is there one.
        std::string_view label = m_text.substr(label_begin, keyword - label_begin);
        if (size_t end = label.find_last_of(";}"); end != std::string_view::npos)
            label.remove_prefix(end + 1);
        label = trim(label);
        if (!label.empty() && label.back() == ':')
            label = trim(label.substr(0, label.size() - 1));
        m_pos = keyword + 8; // "instance"
        skip_space();
        m_pos += 2; // "of"
        skip_space();
        size_t class_begin = m_pos;
        std::string_view class_name = identifier();
        if (class_name.empty())
            return stop("expected a class name after \"instance of\"");
        if (at_end())
            return stop_at(class_begin, "text ends in a class name");
        MofInstance& instance = m_out.instances.emplace_back();
        instance.label = std::string(label);
        instance.class_name = std::string(class_name);
        skip_space();
        if (at_end())
            return stop("text ends before the instance's '{'");
        if (peek() != '{')
            return stop("expected '{' after the class name");
        ++m_pos;
        while (true) {
            skip_space();
            if (at_end())
                return stop("text ends inside the instance");
            if (peek() == '}') {
                ++m_pos;
                skip_space();
                if (at_end())
                    return stop("text ends before the ';' closing the instance");
                if (peek() != ';')
                    return stop("expected ';' after the instance's '}'");
                ++m_pos;
                instance.complete = true;
                return true;
            }
            if (!read_property(instance))
                return false;
        }
    }

    // Reads NAME = VALUE;  The property is kept once its '=' is read.
    bool read_property(MofInstance& instance) {
        size_t name_begin = m_pos;
        std::string_view name = identifier();
        if (name.empty())
            return stop("expected a property name");
        skip_space();
        if (at_end())
            return stop_at(name_begin, "text ends before a property's '='");
        if (peek() != '=')
            return stop(fmt::format("expected '=' after {}", name));
        ++m_pos;
        MofProperty& property = instance.properties.emplace_back();
        property.name = std::string(name);
        property.complete = false;
        if (!read_value(property.value, false, name))
            return false;
        skip_space();
        if (at_end())
            return stop(fmt::format("text ends before the ';' after {}", name));
        if (peek() != ';')
            return stop(fmt::format("expected ';' after the value of {}", name));
        ++m_pos;
        property.complete = true;
        return true;
    }

    // Reads a string, an array (outside arrays only) or a token into `value`, which keeps
    // what was read when this returns false.
    bool read_value(MofValue& value, bool in_array, std::string_view name) {
        skip_space();
        if (at_end())
            return stop(fmt::format("text ends before the value of {}", name));
        char c = peek();
        if (c == '"' || c == '\'') {
            value.kind = MofValue::Kind::string;
            while (true) {
                if (!read_string(value.text, name))
                    return false;
                size_t after = m_pos;
                skip_space();
                if (at_end() || (peek() != '"' && peek() != '\'')) {
                    m_pos = after;
                    return true;
                }
            }
        }
        if (c == '{') {
            if (in_array)
                return stop(fmt::format("an array inside the array of {}", name));
            return read_array(value, name);
        }
        return read_token(value, in_array, name);
    }

    bool read_array(MofValue& value, std::string_view name) {
        value.kind = MofValue::Kind::array;
        ++m_pos;
        skip_space();
        if (at_end())
            return stop(fmt::format("text ends inside the array of {}", name));
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        while (true) {
            MofValue item;
            bool read = read_value(item, true, name);
            if (item.kind != MofValue::Kind::none)
                value.items.push_back(std::move(item));
            if (!read)
                return false;
            skip_space();
            if (at_end())
                return stop(fmt::format("text ends inside the array of {}", name));
            if (peek() == '}') {
                ++m_pos;
                return true;
            }
            if (peek() != ',')
                return stop(fmt::format("expected ',' or '}}' in the array of {}", name));
            ++m_pos;
        }
    }

    // A token: in an array, up to white space or one of , ; { } " '; outside, up to the ';' that
    // ends the property (braces and quoted text skipped, so an embedded instance is one
    // token) or an unmatched '}', white space around it dropped.
    bool read_token(MofValue& value, bool in_array, std::string_view name) {
        size_t begin = m_pos;
        int depth = 0;
        char quote = 0;
        while (!at_end()) {
            char c = peek();
            if (quote != 0) {
                if (c == '\\')
                    ++m_pos;
                else if (c == quote)
                    quote = 0;
            } else if (in_array ? (is_space(c) || c == ',' || c == ';' || c == '{' || c == '}' ||
                                   c == '"' || c == '\'')
                                : ((c == ';' || c == '}') && depth == 0)) {
                break;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '{') {
                ++depth;
            } else if (c == '}') {
                --depth;
            }
            ++m_pos;
        }
        m_pos = std::min(m_pos, m_text.size());
        std::string_view token = trim(m_text.substr(begin, m_pos - begin));
        if (!token.empty())
            classify(value, token);
        if (at_end())
            return stop(fmt::format("text ends inside the value of {}", name));
        if (token.empty())
            return stop(fmt::format("expected a value for {}", name));
        return true;
    }

    // Reads one quoted literal at m_pos, appending its decoded text to `out`.
    bool read_string(std::string& out, std::string_view name) {
        char quote = peek();
        ++m_pos;
        while (true) {
            if (at_end())
                return stop(fmt::format("unterminated string in {}", name));
            char c = peek();
            if (c == quote) {
                ++m_pos;
                return true;
            }
            if (c != '\\') {
                out += c;
                ++m_pos;
                continue;
            }
            if (m_pos + 1 >= m_text.size()) {
                ++m_pos;
                return stop(fmt::format("unterminated string in {}", name));
            }
            char escaped = m_text[m_pos + 1];
            m_pos += 2;
            switch (escaped) {
            case '\\':
            case '"':
            case '\'':
                out += escaped;
                break;
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'x':
            case 'X': {
                std::optional<uint32_t> unit = hex_unit();
                if (!unit) {
                    if (at_end())
                        return stop(fmt::format("unterminated string in {}", name));
                    out += '\\';
                    out += escaped;
                    break;
                }
                uint32_t cp = *unit;
                if (cp >= 0xD800 && cp <= 0xDBFF && m_pos + 2 < m_text.size() &&
                    m_text[m_pos] == '\\' && lower(m_text[m_pos + 1]) == 'x') {
                    size_t save = m_pos;
                    m_pos += 2;
                    std::optional<uint32_t> low = hex_unit();
                    if (low && *low >= 0xDC00 && *low <= 0xDFFF)
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
                    else
                        m_pos = save;
                }
                append_utf8(out, (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp);
                break;
            }
            default:
                out += '\\';
                out += escaped;
                break;
            }
        }
    }

    // One to four hex digits at m_pos. nullopt when there are none, or when they run to
    // the end of the text with fewer than four (a cut escape).
    std::optional<uint32_t> hex_unit() {
        uint32_t unit = 0;
        size_t digits = 0;
        while (digits < 4 && m_pos + digits < m_text.size() &&
               hex_digit(m_text[m_pos + digits]) >= 0)
            unit = unit * 16 + static_cast<uint32_t>(hex_digit(m_text[m_pos + digits++]));
        if (digits == 0 || (digits < 4 && m_pos + digits >= m_text.size())) {
            m_pos = std::min(m_pos + digits, m_text.size());
            return std::nullopt;
        }
        m_pos += digits;
        return unit;
    }
};

} // namespace

std::optional<int64_t> MofValue::integer() const {
    if (kind != Kind::number)
        return std::nullopt;
    std::string_view digits = text;
    bool negative = false;
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
        negative = digits.front() == '-';
        digits.remove_prefix(1);
    }
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && lower(digits[1]) == 'x') {
        base = 16;
        digits.remove_prefix(2);
    }
    uint64_t magnitude = 0;
    auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    if (error != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    constexpr uint64_t max = static_cast<uint64_t>(INT64_MAX);
    if (negative)
        return magnitude <= max + 1 ? std::optional<int64_t>(static_cast<int64_t>(0 - magnitude))
                                    : std::nullopt;
    return magnitude <= max ? std::optional<int64_t>(static_cast<int64_t>(magnitude))
                            : std::nullopt;
}

const MofValue* MofInstance::find(std::string_view name) const {
    for (const MofProperty& property : properties)
        if (iequals(property.name, name))
            return &property.value;
    return nullptr;
}

std::string MofInstance::text(std::string_view name) const {
    const MofValue* value = find(name);
    if (value == nullptr)
        return {};
    switch (value->kind) {
    case MofValue::Kind::string:
    case MofValue::Kind::number:
    case MofValue::Kind::boolean:
        return value->text;
    default:
        return {};
    }
}

const MofInstance* MofText::filter() const {
    for (const MofInstance& instance : instances)
        if (iequals(instance.label, "Binding EventFilter"))
            return &instance;
    for (const MofInstance& instance : instances)
        if (iequals(instance.class_name, "__EventFilter"))
            return &instance;
    return nullptr;
}

const MofInstance* MofText::consumer() const {
    for (const MofInstance& instance : instances)
        if (iequals(instance.label, "Perm. Consumer"))
            return &instance;
    for (const MofInstance& instance : instances)
        if (iends_with(instance.class_name, "EventConsumer"))
            return &instance;
    return nullptr;
}

MofText parse_mof(std::string_view text) {
    return MofReader(text).run();
}

std::optional<std::string> sid_to_string(std::span<const uint8_t> bytes) {
    if (bytes.size() < 8 || bytes[0] != 1)
        return std::nullopt;
    size_t count = bytes[1];
    if (count > 15 || bytes.size() != 8 + 4 * count)
        return std::nullopt;
    uint64_t authority = 0;
    for (size_t i = 2; i < 8; ++i)
        authority = (authority << 8) | bytes[i];
    std::string out = authority >> 32 ? fmt::format("S-1-0x{:012X}", authority)
                                      : fmt::format("S-1-{}", authority);
    for (size_t i = 0; i < count; ++i) {
        const uint8_t* p = bytes.data() + 8 + 4 * i;
        uint32_t sub = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                       static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
        out += fmt::format("-{}", sub);
    }
    return out;
}

std::optional<std::string> sid_from_mof(const MofValue& value) {
    if (value.kind != MofValue::Kind::array)
        return std::nullopt;
    std::vector<uint8_t> bytes;
    for (const MofValue& item : value.items) {
        std::optional<int64_t> byte = item.integer();
        if (!byte || *byte < 0 || *byte > 255)
            return std::nullopt;
        bytes.push_back(static_cast<uint8_t>(*byte));
    }
    return sid_to_string(bytes);
}

ConsumerAction consumer_action(const MofInstance& consumer) {
    auto first_of = [&](std::initializer_list<std::string_view> names) {
        for (std::string_view name : names)
            if (std::string text = consumer.text(name); !text.empty())
                return text;
        return std::string();
    };
    auto joined = [](std::string a, const std::string& b) {
        if (a.empty())
            return b;
        return b.empty() ? a : a + ": " + b;
    };
    std::string_view type = consumer.class_name;
    ConsumerAction out;
    if (iequals(type, "CommandLineEventConsumer")) {
        out.action = first_of({"CommandLineTemplate", "ExecutablePath"});
    } else if (iequals(type, "ActiveScriptEventConsumer")) {
        out.action = first_of({"ScriptText", "ScriptFileName"});
        out.scripting_engine = consumer.text("ScriptingEngine");
    } else if (iequals(type, "LogFileEventConsumer")) {
        out.action = joined(consumer.text("FileName"), consumer.text("Text"));
    } else if (iequals(type, "SMTPEventConsumer")) {
        out.action = joined(consumer.text("ToLine"), consumer.text("Subject"));
    } else if (iequals(type, "NTEventLogEventConsumer")) {
        out.action = consumer.text("SourceName");
        if (std::string event = consumer.text("EventID"); !event.empty())
            out.action += (out.action.empty() ? "event " : " event ") + event;
    } else {
        out.action =
            first_of({"CommandLineTemplate", "ExecutablePath", "ScriptText", "ScriptFileName"});
        out.scripting_engine = consumer.text("ScriptingEngine");
    }
    return out;
}

std::string sysmon_value(std::string_view raw) {
    std::string_view text = trim(raw);
    if (text.empty() || text.front() != '"')
        return std::string(text);
    std::string out;
    for (size_t i = 1; i < text.size(); ++i) {
        char c = text[i];
        if (c == '"')
            break;
        if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || text[i + 1] == '"'))
            c = text[++i];
        out += c;
    }
    return out;
}

std::string_view sysmon_consumer_class(std::string_view type) {
    type = trim(type);
    if (iequals(type, "Command Line"))
        return "CommandLineEventConsumer";
    if (iequals(type, "Script"))
        return "ActiveScriptEventConsumer";
    return {};
}

std::string ObjectPath::key(std::string_view name) const {
    for (const Key& k : keys)
        if (iequals(k.name, name))
            return k.value;
    for (const Key& k : keys)
        if (k.name.empty())
            return k.value;
    return {};
}

namespace {

bool is_slash(char c) {
    return c == '\\' || c == '/';
}

// Reads a key's value at the front of `rest`: "quoted" (\\ and \" decoded) or a bare
// token up to ','. Advances `rest`; nullopt for an unterminated quote or nothing at all.
std::optional<std::string> key_value(std::string_view& rest) {
    if (rest.empty())
        return std::nullopt;
    std::string out;
    if (rest.front() != '"') {
        size_t end = rest.find(',');
        out = std::string(trim(rest.substr(0, end)));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
        return out.empty() ? std::nullopt : std::optional<std::string>(out);
    }
    for (size_t i = 1; i < rest.size(); ++i) {
        char c = rest[i];
        if (c == '"') {
            rest.remove_prefix(i + 1);
            return out;
        }
        if (c == '\\' && i + 1 < rest.size() && (rest[i + 1] == '\\' || rest[i + 1] == '"'))
            c = rest[++i];
        out += c;
    }
    return std::nullopt;
}

} // namespace

std::optional<ObjectPath> parse_object_path(std::string_view path) {
    std::string_view rest = trim(path);
    ObjectPath out;
    if (rest.size() >= 2 && is_slash(rest[0]) && is_slash(rest[1])) {
        rest.remove_prefix(2);
        size_t slash = std::find_if(rest.begin(), rest.end(), is_slash) - rest.begin();
        if (slash == rest.size())
            return std::nullopt;
        out.server = std::string(rest.substr(0, slash));
        rest.remove_prefix(slash + 1);
        size_t colon = rest.find(':');
        if (colon == std::string_view::npos)
            return std::nullopt;
        out.name_space = std::string(rest.substr(0, colon));
        rest.remove_prefix(colon + 1);
    } else if (size_t stop = rest.find_first_of(":=\"");
               stop != std::string_view::npos && rest[stop] == ':') {
        out.name_space = std::string(rest.substr(0, stop));
        rest.remove_prefix(stop + 1);
    }
    size_t class_end = std::find_if_not(rest.begin(), rest.end(), is_ident) - rest.begin();
    if (class_end == 0)
        return std::nullopt;
    out.class_name = std::string(rest.substr(0, class_end));
    rest.remove_prefix(class_end);
    if (rest.empty())
        return out;
    if (rest.front() == '=') {
        rest.remove_prefix(1);
        std::optional<std::string> value = key_value(rest);
        if (!value || !rest.empty())
            return std::nullopt;
        out.keys.push_back({"", std::move(*value)});
        return out;
    }
    if (rest.front() != '.')
        return std::nullopt;
    rest.remove_prefix(1);
    while (true) {
        size_t name_end = std::find_if_not(rest.begin(), rest.end(), is_ident) - rest.begin();
        if (name_end == 0 || name_end == rest.size() || rest[name_end] != '=')
            return std::nullopt;
        std::string name(rest.substr(0, name_end));
        rest.remove_prefix(name_end + 1);
        std::optional<std::string> value = key_value(rest);
        if (!value)
            return std::nullopt;
        out.keys.push_back({std::move(name), std::move(*value)});
        if (rest.empty())
            return out;
        if (rest.front() != ',')
            return std::nullopt;
        rest.remove_prefix(1);
    }
}

std::string canonical_namespace(std::string_view name_space) {
    std::string out(trim(name_space));
    for (char& c : out)
        c = c == '/' ? '\\' : lower(c);
    if (out.size() >= 2 && out[0] == '\\' && out[1] == '\\') {
        size_t slash = out.find('\\', 2);
        out.erase(0, slash == std::string::npos ? out.size() : slash + 1);
    }
    return out;
}

} // namespace wmihunt
