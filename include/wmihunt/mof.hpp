// mof: reads the MOF instance text of WMI-Activity 5861 and Sysmon's WMI values and paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// One property value of a MOF instance, as Windows writes it with GetObjectText.
struct MofValue {
    enum class Kind {
        none,    // nothing read yet (a text cut right after "Name =")
        string,  // "..." or '...' (adjacent literals joined), escapes decoded
        number,  // 45, -1, 0x1F, 1.5e3
        boolean, // TRUE or FALSE, any case
        null,    // NULL
        array,   // {item, item, ...}
        other,   // anything else (an alias, an embedded instance), kept as written
    };
    Kind kind = Kind::none;
    // string: the decoded text; number, boolean, null, other: the token as written;
    // array: empty.
    std::string text;
    std::vector<MofValue> items; // array elements in order

    // The value of a number written in decimal or 0x hexadecimal that fits in int64_t.
    std::optional<int64_t> integer() const;
};

struct MofProperty {
    std::string name;
    MofValue value;
    // False when the text ends (or turns malformed) inside the value: `value` then holds
    // what was read, a prefix of the full value.
    bool complete = true;
};

// `instance of CLASS { Name = value; ... };`
struct MofInstance {
    // The text before "instance of", without its colon: "Binding EventFilter",
    // "Perm. Consumer". Empty when the instance follows the previous one directly.
    std::string label;
    std::string class_name;
    std::vector<MofProperty> properties; // in text order
    bool complete = false;               // its closing "};" was read

    // The property of that name (MOF names are case-insensitive), or nullptr.
    const MofValue* find(std::string_view name) const;
    // The property's text when it is a string, number or boolean; empty otherwise.
    std::string text(std::string_view name) const;
};

// Everything read from one text.
struct MofText {
    std::vector<MofInstance> instances;
    // True when every byte was read: instances, their labels, trailing white space.
    bool complete = false;
    // Where and why reading first stopped short ("unterminated string in Name"): the
    // text's size and empty when complete.
    size_t stopped_at = 0;
    std::string problem;

    // The binding's filter: the instance labelled "Binding EventFilter", else the first
    // __EventFilter. The consumer: the one labelled "Perm. Consumer", else the first whose
    // class ends in "EventConsumer". nullptr when absent.
    const MofInstance* filter() const;
    const MofInstance* consumer() const;
};

// Reads every instance of `text` (a 5861 PossibleCause). Never throws on any input: a
// cut or malformed text keeps the instances and properties read before the point where
// it stops, and says where and why (the first such point); after a malformed instance,
// reading resumes at the next "instance of". String escapes: \\ \" \' \n \t \r \b \f and \xH to
// \xHHHH (also \X), written as UTF-8; any other backslash is kept as written.
MofText parse_mof(std::string_view text);

// A binary SID as its string form, S-R-A-S1-S2...: revision (1 byte, must be 1),
// sub-authority count (1 byte, at most 15), identifier authority (6 bytes big-endian;
// decimal below 2^32, else 0x and 12 hex digits, as ConvertSidToStringSid writes it),
// then that many 32-bit little-endian sub-authorities, and nothing after them.
// nullopt when the bytes break any of these.
std::optional<std::string> sid_to_string(std::span<const uint8_t> bytes);

// A MOF array of byte values (CreatorSID = {1, 5, 0, ...}) as a SID string; nullopt when
// the value is not an array of integers 0-255 or the bytes are not a SID.
std::optional<std::string> sid_from_mof(const MofValue& value);

// What a consumer instance runs or writes, by its class:
//   CommandLineEventConsumer   CommandLineTemplate, else ExecutablePath
//   ActiveScriptEventConsumer  ScriptText, else ScriptFileName (engine: ScriptingEngine)
//   LogFileEventConsumer       "FileName: Text"
//   SMTPEventConsumer          "ToLine: Subject"
//   NTEventLogEventConsumer    SourceName, and " event N" when EventID is set
// Another class gives the first of CommandLineTemplate, ExecutablePath, ScriptText and
// ScriptFileName it holds, else nothing.
struct ConsumerAction {
    std::string action;
    std::string scripting_engine;
};
ConsumerAction consumer_action(const MofInstance& consumer);

// A Sysmon 19/20/21 value as written in EventData (` "BotConsumer23"`): without the
// white space around it and, when it opens with a double quote, without its quotes,
// with \\ and \" decoded (Sysmon's only escapes; other backslashes are kept). A value
// whose closing quote is missing (a cut text) keeps everything after the opening one.
std::string sysmon_value(std::string_view raw);

// Sysmon 20's Type as a consumer class: "Command Line" is CommandLineEventConsumer,
// "Script" is ActiveScriptEventConsumer; empty for anything else.
std::string_view sysmon_consumer_class(std::string_view type);

// A WMI object path: [\\SERVER\NAMESPACE:]CLASS[.KEY=VALUE[,KEY=VALUE...]] or
// CLASS=VALUE (one unnamed key) or CLASS=@ (a singleton). Slashes may be / or \.
struct ObjectPath {
    struct Key {
        std::string name; // empty for CLASS=VALUE
        std::string value;
    };
    std::string server;     // "." in \\.\root\subscription:...; empty when absent
    std::string name_space; // "ROOT\subscription" as written; empty when absent
    std::string class_name;
    std::vector<Key> keys;

    // The value of the key named `name` (case-insensitive) or, failing that, of the one
    // unnamed key; empty when neither exists.
    std::string key(std::string_view name) const;
};

// Splits `path` (already unquoted: CommandLineEventConsumer.Name="X"). Key values in
// double quotes have \\ and \" decoded. nullopt when there is no class name or a key is
// malformed (no '=', an unterminated quote).
std::optional<ObjectPath> parse_object_path(std::string_view path);

// A namespace for comparisons: lower case, '\' for '/', without its leading server
// ("//./root/subscription" and "ROOT\subscription" both give "root\subscription").
std::string canonical_namespace(std::string_view name_space);

} // namespace wmihunt
