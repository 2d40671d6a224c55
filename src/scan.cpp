// scan: the pipeline over files; one aggregator per detection.
#include "wmihunt/scan.hpp"

#include "wmihunt/extractor.hpp"

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
                      const std::vector<CompiledDetection>& detections, const ScanHooks& hooks) {
    ScanResult result;
    for (const auto& compiled : detections)
        result.results.push_back({&compiled.detection(), {}});
    RecordSelector selector = selector_for(detections);
    for (const auto& path : files) {
        FileReport report{path, {}, {}};
        try {
            report.stats = read_evtx(path, selector, [&](const RawRecord& record) {
                auto event = extract(record);
                if (!event)
                    return;
                for (size_t i = 0; i < detections.size(); ++i)
                    if (auto key = detections[i].group_key(*event))
                        if (!hooks.accept || hooks.accept(i, *event, path))
                            result.results[i].aggregate.add(std::move(*key), event->time);
            });
        } catch (const InputError& error) {
            report.error = error.what();
        }
        if (hooks.file_done)
            hooks.file_done(report);
        result.files.push_back(std::move(report));
    }
    return result;
}

} // namespace wmihunt
