// scan: plans units of work (a file, or a range of its chunks), runs them in parallel, and
// hands their matched events on in input order as the completed units allow.
#include "wmihunt/scan.hpp"

#include "wmihunt/dedupe.hpp"
#include "wmihunt/event.hpp"
#include "wmihunt/interrupt.hpp"
#include "wmihunt/platform.hpp"
#include "wmihunt/screen.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace wmihunt {

namespace {

// One piece of work: a whole file for libevtx (unscreened), or a range of its chunks.
struct WorkUnit {
    size_t file = 0;
    bool whole_file = false;
    uint64_t first_chunk = 0;
    uint64_t chunk_count = 0;
    std::vector<std::byte> header_block; // shared by the units of one file (copied: small)
};

// A selected event as one unit saw it, kept until it is handed on in input order, so that
// which copy of a duplicated event counts does not depend on thread timing. Events no
// detection keeps are kept by identity alone: their copies are duplicates too.
struct UnitEvent {
    EventIdentity identity;
    std::optional<Event> event;          // set when it is handed on: matched or read
    std::vector<DetectionMatch> matches; // every detection that keeps it
};

struct UnitOutcome {
    ReadStats stats;
    std::string error;
    std::vector<UnitEvent> events;
    bool done = false; // guarded by the emission lock
};

// What tells that a file changed while it was read.
struct FileState {
    uint64_t device = 0;
    uint64_t file_number = 0;
    uint64_t size = 0;
    int64_t modified = 0;

    explicit FileState(const platform::FileStatus& info)
        : device(info.device), file_number(info.file_number), size(info.size),
          modified(info.modified) {}
    bool operator==(const FileState& other) const = default;
};

class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor() {
        if (m_fd >= 0)
            platform::close_file(m_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

  private:
    int m_fd;
};

// Splits one file into units, or returns the reason it cannot be read at all. The file's
// size and header come from one open file; `state` is set to what it was then.
std::string plan_file(size_t index, const std::filesystem::path& path, const ScanOptions& options,
                      std::vector<WorkUnit>& units, ReadStats& file_stats,
                      std::optional<FileState>& state) {
    FileDescriptor fd(platform::open_evidence(path));
    if (fd.get() < 0)
        return errno == ENOENT ? "no such file" : std::strerror(errno);
    platform::FileStatus info;
    if (!platform::status_of(fd.get(), info))
        return std::strerror(errno);
    if (info.kind == platform::FileKind::directory)
        return "is a directory";
    if (info.kind != platform::FileKind::regular)
        return "not a regular file";
    state.emplace(info);
    std::vector<std::byte> header(evtx_header_block_size);
    long long got = platform::read_at(fd.get(), header.data(), header.size(), 0);
    if (got < 0)
        return std::strerror(errno);
    if (auto reason = evtx_signature_problem(std::span(header.data(), static_cast<size_t>(got)));
        !reason.empty())
        return reason;
    // A file that grew between fstat and pread is at least as long as what was read.
    uint64_t size = std::max<uint64_t>(info.size, static_cast<uint64_t>(got));
    auto parsed = parse_file_header(std::span(header.data(), static_cast<size_t>(got)));
    file_stats.header_crc_bad = parsed && !parsed->crc_ok;
    if (parsed && parsed->well_formed() && size >= evtx_header_block_size) {
        // A file cut at a chunk boundary holds only whole chunks: only its header tells. (One
        // cut inside a chunk is also told by that chunk: chunks_truncated.)
        file_stats.chunks_announced = parsed->chunk_count;
        file_stats.chunks_present =
            (size - evtx_header_block_size + evtx_chunk_size - 1) / evtx_chunk_size;
    }
    if (!options.screen || !parsed || !parsed->well_formed() ||
        static_cast<size_t>(got) < header.size()) {
        // The screen cannot vouch for a file whose header it does not fully understand:
        // libevtx reads it whole, as with --no-screen.
        units.push_back(WorkUnit{index, true, 0, 0, {}});
        return {};
    }
    file_stats.dirty = parsed->dirty();
    uint64_t data = size - evtx_header_block_size;
    uint64_t chunks = (data + evtx_chunk_size - 1) / evtx_chunk_size;
    for (uint64_t first = 0; first < chunks; first += scan_unit_chunks)
        units.push_back(
            WorkUnit{index, false, first, std::min(scan_unit_chunks, chunks - first), header});
    return {};
}

// True when `path` is no longer the file `before` describes (size, modification time, or
// another file under its name).
bool changed_since(const std::filesystem::path& path, const FileState& before) {
    platform::FileStatus info;
    return !platform::status_of(path, info) || !(FileState(info) == before);
}

// Which files may have the same bytes as another input. Byte-identical files have equal
// sizes and equal file headers: only files that share both are read whole for a digest,
// so a collection of distinct logs, even of equal sizes, is not read twice.
std::vector<bool> files_with_possible_twins(const std::vector<std::filesystem::path>& files) {
    std::vector<std::optional<uintmax_t>> sizes(files.size());
    std::map<uintmax_t, size_t> files_of_size;
    for (size_t i = 0; i < files.size(); ++i) {
        std::error_code ec;
        auto size = std::filesystem::file_size(files[i], ec);
        if (!ec) {
            sizes[i] = size;
            ++files_of_size[size];
        }
    }
    std::vector<std::optional<FileDigest>> heads(files.size());
    std::map<std::pair<uintmax_t, FileDigest>, size_t> files_of_head;
    for (size_t i = 0; i < files.size(); ++i)
        if (sizes[i] && files_of_size[*sizes[i]] > 1) {
            heads[i] = file_digest(files[i], evtx_header_block_size);
            if (heads[i])
                ++files_of_head[{*sizes[i], *heads[i]}];
        }
    std::vector<bool> result(files.size());
    for (size_t i = 0; i < files.size(); ++i)
        result[i] = heads[i] && files_of_head[{*sizes[i], *heads[i]}] > 1;
    return result;
}

} // namespace

RecordSelector selector_for(const std::vector<CompiledDetection>& detections) {
    RecordSelector selector;
    for (const auto& compiled : detections) {
        const Detection& d = compiled.detection();
        for (uint32_t id : d.event_ids) {
            std::pair<std::string, uint32_t> key{std::string(d.provider), id};
            if (std::find(selector.keys.begin(), selector.keys.end(), key) == selector.keys.end())
                selector.keys.push_back(std::move(key));
        }
    }
    return selector;
}

ScanResult scan_files(const std::vector<std::filesystem::path>& files,
                      const std::vector<CompiledDetection>& detections,
                      const std::vector<EventConsumer*>& consumers, const ScanOptions& options,
                      const EventFilter& filter, const ScanHooks& hooks) {
    ScanResult result;
    RecordSelector selector = selector_for(detections);
    selector.recovered = options.recover;
    // What the consumers read whatever the detections say (EventConsumer::also_reads).
    std::vector<EventConsumer::EventKey> also_read;
    for (const EventConsumer* consumer : consumers)
        for (const auto& key : consumer->also_reads()) {
            also_read.push_back(key);
            std::pair<std::string, uint32_t> wanted{std::string(key.provider), key.event_id};
            if (std::find(selector.keys.begin(), selector.keys.end(), wanted) ==
                selector.keys.end())
                selector.keys.push_back(std::move(wanted));
        }
    auto read_anyway = [&also_read](const Event& event) {
        return std::any_of(also_read.begin(), also_read.end(), [&](const auto& key) {
            return key.event_id == event.event_id && key.provider == event.provider;
        });
    };
    Screen screen(selector);
    std::mutex hook_mutex; // the hooks are never called concurrently

    // The units of one file are contiguous in `units`, from first_unit[file] on.
    std::vector<WorkUnit> units;
    std::vector<std::optional<FileState>> planned(files.size()); // each file when planned
    std::vector<size_t> first_unit(files.size());
    std::vector<std::atomic<size_t>> remaining(files.size());
    FileDeduplicator same_files;
    std::vector<bool> may_have_twin = options.keep_duplicates ? std::vector<bool>(files.size())
                                                              : files_with_possible_twins(files);
    for (size_t i = 0; i < files.size(); ++i) {
        FileReport report{files[i], {}, {}, {}, 0};
        first_unit[i] = units.size();
        std::optional<FileDigest> digest;
        if (may_have_twin[i])
            digest = file_digest(files[i]);
        if (const auto* first = digest ? same_files.first_with(*digest) : nullptr) {
            report.duplicate_of = *first;
        } else {
            report.error = plan_file(i, files[i], options, units, report.stats, planned[i]);
            if (digest && report.error.empty())
                same_files.add(*digest, files[i]);
        }
        remaining[i] = units.size() - first_unit[i];
        result.files.push_back(std::move(report));
        if (remaining[i] == 0 && hooks.file_done)
            hooks.file_done(result.files[i]);
    }

    // Each unit writes only its own outcome slot, and the thread that finishes a file's
    // last unit alone completes that file's report. Under the hook lock, the completed
    // units at the head of the input order hand their events on and free them: consumers
    // see input order, one call at a time, and memory holds only units that finished
    // ahead of an earlier one.
    std::vector<UnitOutcome> outcomes(units.size());
    EventDeduplicator same_events;
    size_t next_unit = 0;   // the first unit not yet handed on; guarded by hook_mutex
    uint64_t handed_on = 0; // events handed to the consumers; guarded by hook_mutex
    auto hand_on = [&] {
        for (; next_unit < units.size() && outcomes[next_unit].done; ++next_unit) {
            UnitOutcome& outcome = outcomes[next_unit];
            FileReport& report = result.files[units[next_unit].file];
            result.interrupted = result.interrupted || outcome.stats.interrupted;
            for (auto& seen : outcome.events) {
                if (!options.keep_duplicates && !same_events.first_sighting(seen.identity)) {
                    ++report.duplicate_events;
                    continue;
                }
                if (!seen.event)
                    continue;
                if (!seen.matches.empty())
                    ++result.matched;
                MatchedEvent event{*seen.event, files[units[next_unit].file], seen.matches,
                                   handed_on++};
                for (EventConsumer* consumer : consumers)
                    consumer->consume(event);
            }
            outcome.events = {};
        }
    };
    auto finish_file = [&](size_t file) {
        FileReport& report = result.files[file];
        for (size_t u = first_unit[file]; u < units.size() && units[u].file == file; ++u) {
            report.stats += outcomes[u].stats;
            if (!outcomes[u].error.empty() && report.error.empty())
                report.error = outcomes[u].error;
        }
        if (planned[file] && !report.stats.interrupted)
            report.stats.changed = changed_since(report.path, *planned[file]);
    };
    auto read_unit = [&](size_t u) {
        const WorkUnit& unit = units[u];
        const auto& path = files[unit.file];
        auto sink = [&](const RawRecord& record) {
            UnitEvent seen{identity_of(record), make_event(record), {}};
            for (size_t i = 0; i < detections.size(); ++i) {
                auto extracted = detections[i].match(*seen.event);
                if (extracted && filter.keeps(detections[i], *seen.event, *extracted))
                    seen.matches.push_back(DetectionMatch{i, std::move(*extracted)});
            }
            if (seen.matches.empty() &&
                !(read_anyway(*seen.event) && filter.in_window(*seen.event)))
                seen.event.reset();
            outcomes[u].events.push_back(std::move(seen));
        };
        try {
            if (unit.whole_file) {
                outcomes[u].stats = read_evtx(path, selector, sink);
            } else {
                FileDescriptor fd(platform::open_evidence(path));
                if (fd.get() < 0)
                    throw InputError(std::strerror(errno));
                outcomes[u].stats = screen_and_read(fd.get(), unit.header_block, unit.first_chunk,
                                                    unit.chunk_count, screen, selector, sink);
            }
        } catch (const InputError& error) {
            outcomes[u].error = error.what();
        }
    };
    auto run_unit = [&](size_t u) {
        if (interrupted())
            outcomes[u].stats.interrupted = true;
        else
            read_unit(u);
        size_t file = units[u].file;
        bool file_complete = remaining[file].fetch_sub(1, std::memory_order_acq_rel) == 1;
        if (file_complete)
            finish_file(file);
        // One critical section for both hooks, the file first: a progress display then
        // always sees the file counts and the unit's figures together.
        std::lock_guard lock(hook_mutex);
        if (file_complete && hooks.file_done)
            hooks.file_done(result.files[file]);
        if (hooks.unit_done) {
            const auto& events = outcomes[u].events;
            auto kept = std::count_if(events.begin(), events.end(), [](const UnitEvent& event) {
                return !event.matches.empty();
            });
            hooks.unit_done(outcomes[u].stats, static_cast<uint64_t>(kept));
        }
        outcomes[u].done = true;
        hand_on();
    };

    unsigned threads =
        options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    tbb::task_arena arena(static_cast<int>(threads));
    arena.execute(
        [&] { tbb::parallel_for(size_t{0}, units.size(), [&](size_t u) { run_unit(u); }); });
    return result;
}

} // namespace wmihunt
