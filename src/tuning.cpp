// tuning: rule parsing, allowlist files and the keep/drop decision per event.
#include "wmihunt/tuning.hpp"

#include "wmihunt/platform.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>

namespace wmihunt {

namespace {

std::string joined(const std::vector<std::string_view>& names) {
    std::string out;
    for (auto name : names)
        out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

bool has_field(const Detection& detection, std::string_view field) {
    return std::any_of(detection.fields.begin(), detection.fields.end(),
                       [&](const FieldSource& f) { return f.name == field; });
}

std::string_view trim(std::string_view text) {
    size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos)
        return {};
    size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}

} // namespace

TuningRule parse_rule(std::string_view text, bool include, const std::string& origin) {
    size_t equals = text.find('=');
    if (equals == std::string_view::npos)
        throw TuningError(fmt::format(
            "{}: expected [DETECTION:]FIELD=REGEX, such as query=Win32_Process", origin));
    std::string_view name = text.substr(0, equals);
    std::string detection;
    if (size_t colon = name.find(':'); colon != std::string_view::npos) {
        detection = std::string(name.substr(0, colon));
        name = name.substr(colon + 1);
        if (find_detection(detection) == nullptr) {
            std::vector<std::string_view> names;
            for (const auto& d : detections())
                names.push_back(d.name);
            throw TuningError(fmt::format("{}: unknown detection '{}' (choose from {})", origin,
                                          detection, joined(names)));
        }
    }
    // Field names are compared case-insensitively: "Message" is message.
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto fields = field_names();
    if (std::find(fields.begin(), fields.end(), lower) == fields.end())
        throw TuningError(
            fmt::format("{}: unknown field '{}' (choose from {})", origin, name, joined(fields)));
    name = *std::find(fields.begin(), fields.end(), lower);
    if (!detection.empty() && !has_field(*find_detection(detection), name))
        throw TuningError(
            fmt::format("{}: detection {} has no field '{}'", origin, detection, name));
    std::string_view pattern = text.substr(equals + 1);
    try {
        return TuningRule{detection, std::string(name), Regex(pattern), include,
                          origin,    std::string(text)};
    } catch (const RegexError& error) {
        throw TuningError(fmt::format("{}: bad regex at offset {} ({}^ here): {}", origin,
                                      error.offset(), pattern.substr(0, error.offset()),
                                      error.what()));
    }
}

std::vector<TuningRule> load_allowlist(const std::filesystem::path& path) {
    // Opened without blocking (a FIFO without a writer), then read blocking: a regular
    // file, or a pipe (`--allowlist <(...)`), of at most allowlist_max_bytes.
    const std::string name = platform::utf8_of(path);
    int fd = platform::open_read_only(path);
    if (fd < 0)
        throw TuningError(fmt::format("{}: {}", name, std::strerror(errno)));
    std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { platform::close_file(*f); });
    using platform::FileKind;
    platform::FileStatus info;
    if (!platform::status_of(fd, info))
        throw TuningError(fmt::format("{}: {}", name, std::strerror(errno)));
    if (info.kind != FileKind::regular && info.kind != FileKind::fifo)
        throw TuningError(fmt::format("{}: not a regular file", name));
    if (info.kind == FileKind::regular && info.size > allowlist_max_bytes)
        throw TuningError(fmt::format("{}: larger than {} MiB, not an allowlist", name,
                                      allowlist_max_bytes >> 20));
    platform::set_blocking(fd);
    std::string content;
    char buffer[65536];
    for (;;) {
        long long got = platform::read_some(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw TuningError(fmt::format("{}: {}", name, std::strerror(errno)));
        if (got == 0)
            break;
        content.append(buffer, static_cast<size_t>(got));
        if (content.size() > allowlist_max_bytes)
            throw TuningError(fmt::format("{}: larger than {} MiB, not an allowlist", name,
                                          allowlist_max_bytes >> 20));
    }
    std::istringstream in(content);
    std::vector<TuningRule> rules;
    std::string line;
    for (size_t number = 1; std::getline(in, line); ++number) {
        std::string_view text = trim(line);
        if (number == 1 && text.substr(0, 3) == "\xEF\xBB\xBF")
            text = trim(text.substr(3));
        if (text.empty() || text.front() == '#')
            continue;
        rules.push_back(parse_rule(text, false, fmt::format("{}:{}", name, number)));
    }
    return rules;
}

std::vector<std::string> Tuning::unused_rules(const std::vector<const Detection*>& selected) const {
    std::vector<std::string> unused;
    for (const auto& rule : m_rules) {
        if (!rule.detection.empty())
            continue; // scoped to one detection on purpose, as allowlists do
        bool applies = std::any_of(selected.begin(), selected.end(), [&](const Detection* d) {
            return (rule.detection.empty() || rule.detection == d->name) &&
                   has_field(*d, rule.field);
        });
        if (!applies)
            unused.push_back(rule.origin);
    }
    return unused;
}

bool Tuning::keeps(const CompiledDetection& detection, const Event& event,
                   const Extracted& extracted) const {
    // Inclusion fields seen, and which of them some inclusion matched.
    std::vector<std::string_view> wanted, satisfied;
    for (const auto& rule : m_rules) {
        if (!rule.detection.empty() && rule.detection != detection.detection().name)
            continue;
        if (!has_field(detection.detection(), rule.field))
            continue;
        const std::string* value = detection.field_value(event, extracted, rule.field);
        bool match = value != nullptr && rule.regex.matches(*value);
        if (!rule.include) {
            if (match)
                return false;
            continue;
        }
        if (std::find(wanted.begin(), wanted.end(), rule.field) == wanted.end())
            wanted.push_back(rule.field);
        if (match && std::find(satisfied.begin(), satisfied.end(), rule.field) == satisfied.end())
            satisfied.push_back(rule.field);
    }
    return wanted.size() == satisfied.size();
}

bool EventFilter::keeps(const CompiledDetection& detection, const Event& event,
                        const Extracted& extracted) const {
    if (!in_window(event))
        return false;
    return tuning == nullptr || tuning->empty() || tuning->keeps(detection, event, extracted);
}

} // namespace wmihunt
