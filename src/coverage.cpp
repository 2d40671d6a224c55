// coverage: per host and log source, the files, records and time span the scan read.
#include "wmihunt/coverage.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace wmihunt {

Coverage::Coverage(const std::vector<const Detection*>& selected) : m_selected(selected) {}

void Coverage::consume(const MatchedEvent& event) {
    m_matched_providers.insert(event.event.provider);
}

std::vector<CoverageRow> Coverage::rows(const std::vector<FileReport>& files) const {
    std::map<std::tuple<std::string, std::string>, CoverageRow> by_source;
    for (const auto& file : files) {
        const ReadStats& stats = file.stats;
        if (!file.error.empty() || !file.duplicate_of.empty() || stats.log_provider.empty())
            continue;
        bool read = std::any_of(m_selected.begin(), m_selected.end(), [&](const Detection* d) {
            return d->provider == stats.log_provider;
        });
        if (!read)
            continue;
        std::string source = stats.log_channel.empty() ? stats.log_provider : stats.log_channel;
        CoverageRow& row = by_source[{stats.log_host, source}];
        row.host = stats.log_host;
        row.source = source;
        row.provider = stats.log_provider;
        ++row.files;
        row.records += stats.records_total;
        row.first_time = std::min(row.first_time, stats.first_time);
        row.last_time = std::max(row.last_time, stats.last_time);
    }
    std::vector<CoverageRow> rows;
    for (auto& entry : by_source)
        rows.push_back(std::move(entry.second));
    return rows;
}

std::vector<std::pair<std::string, std::vector<std::string>>>
Coverage::missing_sources(const std::vector<FileReport>& files) const {
    std::vector<std::pair<std::string, std::vector<std::string>>> missing;
    for (const Detection* detection : m_selected) {
        std::string provider(detection->provider);
        bool present = m_matched_providers.count(provider) > 0 ||
                       std::any_of(files.begin(), files.end(), [&](const FileReport& file) {
                           return file.error.empty() && file.stats.log_provider == provider;
                       });
        if (present)
            continue;
        auto entry = std::find_if(missing.begin(), missing.end(),
                                  [&](const auto& m) { return m.first == provider; });
        if (entry == missing.end()) {
            missing.emplace_back(provider, std::vector<std::string>{});
            entry = missing.end() - 1;
        }
        entry->second.emplace_back(detection->name);
    }
    return missing;
}

} // namespace wmihunt
