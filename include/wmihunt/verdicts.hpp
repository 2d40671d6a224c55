// verdicts: suspicious-payload indicators for WMI subscriptions, one table row per
// published rule, each naming its source.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// What a subscription runs, as the indicators test it.
struct SubscriptionPayload {
    std::string consumer_type = {};    // the consumer's class: CommandLineEventConsumer, ...
    std::string action = {};           // what it runs or writes (consumer_action in mof.hpp)
    std::string scripting_engine = {}; // ActiveScriptEventConsumer's ScriptingEngine
    std::string query = {};            // the filter's WQL query
};

enum class PayloadField { consumer_type, action, scripting_engine, query };

// One indicator. `pattern` is a PCRE2 pattern, unanchored and caseless: the indicator
// fires when it matches anywhere in the tested field.
struct IndicatorRule {
    std::string_view name; // short, stable: printed in the `indicators` column
    PayloadField tests;
    std::string_view pattern;
    std::string_view source; // the published rule(s) it comes from
};

// Every indicator, in the order `indicators` reports them.
std::span<const IndicatorRule> indicator_rules();

// The names of the indicators that fire on `payload`, in table order; empty when none
// does. Known-benign subscriptions are the allowlist's business (tuning.hpp), not this.
std::vector<std::string_view> indicators(const SubscriptionPayload& payload);

} // namespace wmihunt
