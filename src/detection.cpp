// detection: the table of every log source's analytics and the search engine they run on.
#include "wmihunt/detection.hpp"

#include <algorithm>

namespace wmihunt {

const std::vector<std::string_view>& Detection::output_fields() const {
    if (const auto* table = std::get_if<Table>(&output))
        return table->fields;
    return std::get<Stats>(output).by;
}

std::vector<std::string> Detection::columns() const {
    std::vector<std::string> names;
    for (auto field : output_fields()) {
        auto rename = std::find_if(renames.begin(), renames.end(),
                                   [&](const Rename& r) { return r.from == field; });
        names.emplace_back(rename == renames.end() ? field : rename->to);
    }
    if (!is_table())
        names.insert(names.end(), {"count", "firstTime", "lastTime"});
    return names;
}

const std::vector<Detection>& detections() {
    static const std::vector<Detection> all = [] {
        std::vector<Detection> table;
        for (const auto* source : {&wmi_activity_detections(), &sysmon_detections()})
            table.insert(table.end(), source->begin(), source->end());
        return table;
    }();
    return all;
}

const Detection* find_detection(std::string_view name) {
    for (const auto& detection : detections())
        if (detection.name == name)
            return &detection;
    return nullptr;
}

std::vector<std::string_view> field_names() {
    std::vector<std::string_view> names;
    for (const auto& detection : detections())
        for (const auto& field : detection.fields)
            if (std::find(names.begin(), names.end(), field.name) == names.end())
                names.push_back(field.name);
    return names;
}

CompiledDetection::CompiledDetection(const Detection& detection, bool default_exclusions)
    : m_detection(&detection) {
    if (detection.rex) {
        m_regex.emplace(detection.rex->pattern);
        m_group = m_regex->group_number(detection.rex->group);
        if (m_group < 0)
            throw RegexError("the regex has no group named " + std::string(detection.rex->group),
                             0);
    }
    if (default_exclusions)
        for (const auto& exclusion : detection.default_exclusions)
            m_exclusions.emplace_back(exclusion.field, SplunkValue(exclusion.value));
}

const std::string* CompiledDetection::value(const Event& event, const Extracted& extracted,
                                            std::string_view name) {
    for (const auto& [key, value] : extracted)
        if (key == name)
            return &value;
    return event.field(name);
}

std::optional<Extracted> CompiledDetection::match(const Event& event) const {
    const Detection& d = *m_detection;
    if (event.provider != d.provider ||
        std::find(d.event_ids.begin(), d.event_ids.end(), event.event_id) == d.event_ids.end())
        return std::nullopt;
    if (d.term) {
        const std::string* text = event.field(d.term->field);
        if (text == nullptr || !term_matches(*text, d.term->word))
            return std::nullopt;
    }
    Extracted extracted;
    if (d.rex) {
        const std::string* source = event.field(d.rex->field);
        if (source == nullptr)
            return std::nullopt;
        if (auto captured = m_regex->first_capture(*source, m_group))
            extracted.emplace_back(d.rex->group, std::string(*captured));
    }
    for (const auto& [field, exclusion] : m_exclusions) {
        const std::string* value = CompiledDetection::value(event, extracted, field);
        if (value == nullptr || exclusion.matches(*value))
            return std::nullopt;
    }
    // stats drops the events it cannot group: they are in no row, so in no result.
    if (!d.is_table())
        for (auto field : d.output_fields()) {
            const std::string* value = CompiledDetection::value(event, extracted, field);
            if (value == nullptr || value->empty())
                return std::nullopt;
        }
    return extracted;
}

const std::string* CompiledDetection::field_value(const Event& event, const Extracted& extracted,
                                                  std::string_view name) const {
    for (const auto& field : m_detection->fields)
        if (field.name == name)
            return value(event, extracted, field.source);
    return nullptr;
}

} // namespace wmihunt
