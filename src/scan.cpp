// scan: the pipeline over files; one aggregator per detection.
#include "wmihunt/scan.hpp"

#include "wmihunt/dedupe.hpp"
#include "wmihunt/extractor.hpp"
#include "wmihunt/interrupt.hpp"

namespace wmihunt {

RecordSelector selector_for(const std::vector<CompiledDetection>& detections) {
    RecordSelector selector;
    for (const auto& compiled : detections) {
        const Detection& d = compiled.detection();
        std::pair<std::string, uint32_t> key{std::string(d.provider), d.event_id};
        if (std::find(selector.keys.begin(), selector.keys.end(), key) == selector.keys.end())
            selector.keys.push_back(std::move(key));
    }
    return selector;
}

ScanResult scan_files(const std::vector<std::filesystem::path>& files,
                      const std::vector<CompiledDetection>& detections,
                      const ScanOptions& options) {
    ScanResult result;
    for (const auto& compiled : detections)
        result.results.push_back({&compiled.detection(), {}});
    RecordSelector selector = selector_for(detections);
    selector.recovered = options.recover;
    FileDeduplicator same_files;
    EventDeduplicator same_events;
    for (const auto& path : files) {
        if (interrupted()) {
            result.interrupted = true;
            break;
        }
        FileReport report{path, {}, {}, {}, 0};
        std::optional<FileDigest> digest;
        if (!options.keep_duplicates)
            digest = file_digest(path);
        if (const auto* first = digest ? same_files.first_with(*digest) : nullptr) {
            report.duplicate_of = *first;
            result.files.push_back(std::move(report));
            continue;
        }
        try {
            report.stats = read_evtx(path, selector, [&](const RawRecord& record) {
                if (!options.keep_duplicates && !same_events.first_sighting(record)) {
                    ++report.duplicate_events;
                    return;
                }
                auto event = extract(record);
                if (!event)
                    return;
                for (size_t i = 0; i < detections.size(); ++i)
                    if (auto key = detections[i].group_key(*event))
                        result.results[i].aggregate.add(std::move(*key), event->time);
            });
            if (digest)
                same_files.add(*digest, path);
        } catch (const InputError& error) {
            report.error = error.what();
        }
        result.interrupted = result.interrupted || report.stats.interrupted;
        result.files.push_back(std::move(report));
    }
    return result;
}

} // namespace wmihunt
