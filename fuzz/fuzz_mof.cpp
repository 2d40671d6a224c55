// fuzz_mof: libFuzzer target feeding arbitrary text through the MOF instance reader, the
// consumer action and SID readers, the indicators, and Sysmon's value and path readers,
// and checking what the reader promises about where it stopped.
#include "wmihunt/mof.hpp"
#include "wmihunt/verdicts.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);

    wmihunt::MofText mof = wmihunt::parse_mof(text);
    if (mof.stopped_at > text.size() || mof.complete != mof.problem.empty() ||
        (mof.complete && mof.stopped_at != text.size()))
        std::abort();
    for (const wmihunt::MofInstance& instance : mof.instances) {
        for (const wmihunt::MofProperty& property : instance.properties)
            (void)wmihunt::sid_from_mof(property.value);
        wmihunt::ConsumerAction action = wmihunt::consumer_action(instance);
        (void)wmihunt::indicators({.consumer_type = instance.class_name,
                                   .action = action.action,
                                   .scripting_engine = action.scripting_engine,
                                   .query = instance.text("Query")});
    }
    (void)mof.filter();
    (void)mof.consumer();

    std::string value = wmihunt::sysmon_value(text);
    if (value.size() > text.size())
        std::abort();
    (void)wmihunt::sysmon_consumer_class(text);
    (void)wmihunt::parse_object_path(value);
    (void)wmihunt::parse_object_path(text);
    (void)wmihunt::canonical_namespace(text);
    return 0;
}
