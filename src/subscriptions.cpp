// subscriptions: the correlator (events to subscriptions) and the verdicts on them.
#include "wmihunt/subscriptions.hpp"

#include "wmihunt/mof.hpp"
#include "wmihunt/splunk.hpp"
#include "wmihunt/verdicts.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace wmihunt {

namespace {

constexpr std::string_view wmi_activity = "Microsoft-Windows-WMI-Activity";
constexpr std::string_view sysmon = "Microsoft-Windows-Sysmon";

// The evidence sources, in the order `evidence` lists them.
constexpr std::array<std::string_view, 6> source_order = {"5861",     "5859",     "5860",
                                                          "sysmon19", "sysmon20", "sysmon21"};

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// A namespace as printed: without its server ("//./root/subscription" is
// "root\subscription"), with '\' for '/', its letter case kept.
std::string display_namespace(std::string_view name_space) {
    std::string canonical = canonical_namespace(name_space);
    std::string out;
    for (char c : name_space)
        out += c == '/' ? '\\' : c;
    // canonical_namespace trims and drops the server: keep the same tail of `out`.
    size_t start = out.find_first_not_of(" \t\r\n");
    if (start == std::string::npos)
        return {};
    out.erase(0, start);
    out.resize(std::min(out.size(), out.find_last_not_of(" \t\r\n") + 1));
    return out.substr(out.size() - std::min(out.size(), canonical.size()));
}

std::string field_or_empty(const Event& event, std::string_view name) {
    const std::string* value = event.field(name);
    return value != nullptr ? *value : std::string();
}

// The class and name of `CLASS="NAME"` (5861's CONSUMER field).
std::pair<std::string, std::string> class_and_name(std::string_view text) {
    if (auto path = parse_object_path(text))
        return {path->class_name, path->key("Name")};
    return {{}, std::string(text)};
}

EventPayload payload_of_5861(const Event& event) {
    EventPayload p;
    p.name_space = display_namespace(field_or_empty(event, "Namespace"));
    p.filter = field_or_empty(event, "ESS");
    std::tie(p.consumer_type, p.consumer) = class_and_name(field_or_empty(event, "CONSUMER"));
    const std::string* cause = event.field("PossibleCause");
    if (cause == nullptr)
        return p;
    MofText mof = parse_mof(*cause);
    if (!mof.complete)
        p.problem = "its MOF text was not read whole: " + mof.problem;
    if (const MofInstance* filter = mof.filter()) {
        if (auto name = filter->text("Name"); !name.empty())
            p.filter = name;
        p.query = filter->text("Query");
        p.query_namespace = display_namespace(filter->text("EventNamespace"));
        if (const MofValue* sid = filter->find("CreatorSID"))
            p.creator_sid = sid_from_mof(*sid).value_or("");
    }
    if (const MofInstance* consumer = mof.consumer()) {
        if (!consumer->class_name.empty())
            p.consumer_type = consumer->class_name;
        if (auto name = consumer->text("Name"); !name.empty())
            p.consumer = name;
        ConsumerAction action = consumer_action(*consumer);
        p.action = action.action;
        p.scripting_engine = action.scripting_engine;
        if (const MofValue* sid = consumer->find("CreatorSID"); sid && p.creator_sid.empty())
            p.creator_sid = sid_from_mof(*sid).value_or("");
    }
    return p;
}

EventPayload payload_of_sysmon(const Event& event) {
    EventPayload p;
    switch (event.event_id) {
    case 19:
        p.filter = sysmon_value(field_or_empty(event, "Name"));
        p.query = sysmon_value(field_or_empty(event, "Query"));
        p.query_namespace =
            display_namespace(sysmon_value(field_or_empty(event, "EventNamespace")));
        break;
    case 20: {
        p.consumer = sysmon_value(field_or_empty(event, "Name"));
        std::string type = sysmon_value(field_or_empty(event, "Type"));
        std::string_view type_class = sysmon_consumer_class(type);
        p.consumer_type = type_class.empty() ? type : std::string(type_class);
        p.action = sysmon_value(field_or_empty(event, "Destination"));
        break;
    }
    default: { // 21
        std::string consumer = sysmon_value(field_or_empty(event, "Consumer"));
        std::string filter = sysmon_value(field_or_empty(event, "Filter"));
        if (auto path = parse_object_path(consumer)) {
            p.consumer_type = path->class_name;
            p.consumer = path->key("Name");
            p.name_space = display_namespace(path->name_space);
        } else {
            p.consumer = consumer;
        }
        if (auto path = parse_object_path(filter)) {
            p.filter = path->key("Name");
            if (p.name_space.empty())
                p.name_space = display_namespace(path->name_space);
        } else {
            p.filter = filter;
        }
        break;
    }
    }
    return p;
}

// Whether `a` happened after `b`: by time, then by source order (a binding after its
// parts), then by operation, so that the latest sighting does not depend on input order.
bool later(const auto& a, const auto& b) {
    auto rank = [](const std::string& source) {
        return std::find(source_order.begin(), source_order.end(), source) - source_order.begin();
    };
    return std::tuple(a.time, rank(a.source), a.operation) >
           std::tuple(b.time, rank(b.source), b.operation);
}

// Fills a subscription's times, evidence, state and user from its sightings.
template <typename Sighting>
void summarise(Subscription& s, const std::vector<const Sighting*>& sightings) {
    std::map<std::string, uint64_t> counts;
    const Sighting* latest_sysmon = nullptr;
    const Sighting* latest_activity = nullptr;
    const Sighting* latest_sysmon_user = nullptr;
    const Sighting* latest_activity_user = nullptr;
    bool first = true;
    for (const Sighting* x : sightings) {
        s.first_seen = first ? x->time : std::min(s.first_seen, x->time);
        s.last_seen = first ? x->time : std::max(s.last_seen, x->time);
        first = false;
        ++counts[x->source];
        bool from_sysmon = x->source.starts_with("sysmon");
        auto& latest = from_sysmon ? latest_sysmon : latest_activity;
        if (latest == nullptr || later(*x, *latest))
            latest = x;
        auto& latest_user = from_sysmon ? latest_sysmon_user : latest_activity_user;
        if (!x->user.empty() && (latest_user == nullptr || later(*x, *latest_user)))
            latest_user = x;
    }
    for (std::string_view source : source_order)
        if (auto it = counts.find(std::string(source)); it != counts.end())
            s.evidence.emplace_back(it->first, it->second);
    for (const Sighting* x : sightings)
        s.sightings.push_back({x->time, x->source, x->operation});
    auto rank = [](const SubscriptionSighting& x) {
        return std::find(source_order.begin(), source_order.end(), x.source) - source_order.begin();
    };
    std::stable_sort(s.sightings.begin(), s.sightings.end(),
                     [&](const SubscriptionSighting& a, const SubscriptionSighting& b) {
                         return std::tuple(a.time, rank(a)) < std::tuple(b.time, rank(b));
                     });
    if (latest_sysmon == nullptr ||
        (latest_activity && latest_activity->time > latest_sysmon->time))
        s.state = "active";
    else
        s.state = lower(latest_sysmon->operation.empty() ? "created" : latest_sysmon->operation);
    if (latest_sysmon_user)
        s.user = latest_sysmon_user->user;
    else if (latest_activity_user)
        s.user = latest_activity_user->user;
}

// The value of tuning field `name` for a subscription; nullptr when it has none.
const std::string* rule_field(const Subscription& s, std::string_view name, std::string& scratch) {
    if (name == "host")
        return &s.host;
    if (name == "query")
        return &s.query;
    if (name == "namespace")
        return &s.name_space;
    if (name == "filter")
        return s.kind == "permanent" ? &s.filter : nullptr;
    if (name == "user")
        return &s.user;
    if (s.kind != "permanent")
        return nullptr;
    if (name == "consumer") {
        scratch =
            s.consumer_type.empty() ? s.consumer : s.consumer_type + "=\"" + s.consumer + "\"";
        return &scratch;
    }
    if (name == "consumer_name")
        return &s.consumer;
    if (name == "consumer_type")
        return &s.consumer_type;
    if (name == "destination")
        return &s.action;
    return nullptr;
}

bool rule_applies(const TuningRule& rule, const Subscription& s) {
    if (rule.detection.empty())
        return true;
    if (s.kind == "temporary")
        return rule.detection == "temporary";
    return rule.detection == "permanent" || rule.detection == "sysmon-persistence" ||
           rule.detection == "permanent-sysmon";
}

// The default exclusions of the detections of a subscription's kind that match it, as
// "Splunk default exclusion of DETECTION: FIELD!=VALUE"; empty when none does.
std::string default_exclusion(const Subscription& s) {
    std::string scratch;
    for (const Detection& d : detections()) {
        bool of_kind = s.kind == "temporary" ? d.name == "temporary" : d.name == "permanent";
        if (!of_kind)
            continue;
        for (const Exclusion& e : d.default_exclusions) {
            const std::string* value = rule_field(s, e.field, scratch);
            if (value != nullptr && SplunkValue(e.value).matches(*value)) {
                std::string quoted;
                for (char c : e.value)
                    quoted += c == '"' ? std::string("\\\"") : std::string(1, c);
                return "Splunk default exclusion of " + std::string(d.name) + ": " +
                       std::string(e.field) + "!=\"" + quoted + "\"";
            }
        }
    }
    return {};
}

} // namespace

std::optional<EventPayload> event_payload(const Event& event) {
    if (event.provider == wmi_activity && event.event_id == 5861)
        return payload_of_5861(event);
    if (event.provider == sysmon && event.event_id >= 19 && event.event_id <= 21)
        return payload_of_sysmon(event);
    return std::nullopt;
}

std::string Subscription::evidence_text() const {
    std::string text;
    for (const auto& [source, count] : evidence)
        text += (text.empty() ? "" : " ") + source + ":" + std::to_string(count);
    return text;
}

std::string Subscription::indicators_text() const {
    std::string text;
    for (const auto& name : indicators)
        text += (text.empty() ? "" : " ") + name;
    return text;
}

const std::vector<std::string_view>& subscription_columns() {
    static const std::vector<std::string_view> columns = {"host",           "kind",
                                                          "namespace",      "filter",
                                                          "query",          "query_namespace",
                                                          "consumer_type",  "consumer",
                                                          "action",         "scripting_engine",
                                                          "creator_sid",    "user",
                                                          "first_seen",     "last_seen",
                                                          "state",          "evidence",
                                                          "verdict",        "indicators",
                                                          "allowlist_rule", "mitre",
                                                          "notes"};
    return columns;
}

std::vector<EventConsumer::EventKey> SubscriptionCorrelator::also_reads() const {
    return {{wmi_activity, 5859}, {wmi_activity, 5860}, {wmi_activity, 5861},
            {sysmon, 19},         {sysmon, 20},         {sysmon, 21}};
}

void SubscriptionCorrelator::merge(Part& part, const EventPayload& payload, int64_t time) const {
    auto take = [&](std::string EventPayload::*field, const char* name) {
        const std::string& value = payload.*field;
        if (value.empty())
            return;
        auto [it, fresh] = part.told_at.try_emplace(name, time);
        if (fresh || time >= it->second) {
            it->second = time;
            part.payload.*field = value;
        }
    };
    take(&EventPayload::filter, "filter");
    take(&EventPayload::query, "query");
    take(&EventPayload::query_namespace, "query_namespace");
    take(&EventPayload::consumer_type, "consumer_type");
    take(&EventPayload::consumer, "consumer");
    take(&EventPayload::action, "action");
    take(&EventPayload::scripting_engine, "scripting_engine");
    take(&EventPayload::creator_sid, "creator_sid");
    take(&EventPayload::name_space, "name_space");
    if (!payload.problem.empty() && part.payload.problem.empty())
        part.payload.problem = payload.problem;
}

void SubscriptionCorrelator::consume(const MatchedEvent& matched) {
    const Event& event = matched.event;
    const std::string& host = event.host;
    // Only the events that tell of a subscription (also_reads), each kept for attach_sources.
    bool tells = event.provider == wmi_activity
                     ? event.event_id >= 5859 && event.event_id <= 5861
                     : event.provider == sysmon && event.event_id >= 19 && event.event_id <= 21;
    if (!tells)
        return;
    m_read.push_back({matched.sequence, event});
    if (event.provider == wmi_activity) {
        Sighting sighting{
            event.time, std::to_string(event.event_id), {}, field_or_empty(event, "User")};
        if (event.event_id == 5861) {
            EventPayload p = payload_of_5861(event);
            sighting.user.clear();
            auto key = std::tuple(host, canonical_namespace(p.name_space), lower(p.filter),
                                  lower(p.consumer));
            Part& binding = m_bindings[key];
            merge(binding, p, event.time);
            binding.sightings.push_back(sighting);
            merge(m_filters[{host, lower(p.filter)}], p, event.time);
            merge(m_consumers[{host, lower(p.consumer)}], p, event.time);
            return;
        }
        EventPayload p;
        p.query_namespace = display_namespace(field_or_empty(event, "NamespaceName"));
        p.query = field_or_empty(event, "Query");
        auto key = std::tuple(host, canonical_namespace(p.query_namespace), p.query);
        Part& part = event.event_id == 5859 ? m_activations[key] : m_temporaries[key];
        merge(part, p, event.time);
        part.sightings.push_back(std::move(sighting));
        return;
    }
    EventPayload p = payload_of_sysmon(event);
    Sighting sighting{event.time, "sysmon" + std::to_string(event.event_id),
                      sysmon_value(field_or_empty(event, "Operation")),
                      field_or_empty(event, "User")};
    if (event.event_id == 19) {
        Part& filter = m_filters[{host, lower(p.filter)}];
        merge(filter, p, event.time);
        filter.sightings.push_back(std::move(sighting));
    } else if (event.event_id == 20) {
        Part& consumer = m_consumers[{host, lower(p.consumer)}];
        merge(consumer, p, event.time);
        consumer.sightings.push_back(std::move(sighting));
    } else {
        auto key =
            std::tuple(host, canonical_namespace(p.name_space), lower(p.filter), lower(p.consumer));
        Part& binding = m_bindings[key];
        merge(binding, p, event.time);
        binding.sightings.push_back(std::move(sighting));
        // Only the names: a binding's path tells the consumer's class, nothing more.
        EventPayload consumer;
        consumer.consumer = p.consumer;
        consumer.consumer_type = p.consumer_type;
        merge(m_consumers[{host, lower(p.consumer)}], consumer, event.time);
    }
}

std::vector<Subscription> SubscriptionCorrelator::subscriptions() const {
    // A Sysmon 21 without a namespace joins the one binding of its filter and consumer
    // that has one.
    auto bindings = m_bindings;
    for (auto it = bindings.begin(); it != bindings.end();) {
        const auto& [host, ns, filter, consumer] = it->first;
        if (!ns.empty()) {
            ++it;
            continue;
        }
        auto* twin = static_cast<Part*>(nullptr);
        int twins = 0;
        for (auto& [key, part] : bindings)
            if (std::get<0>(key) == host && !std::get<1>(key).empty() &&
                std::get<2>(key) == filter && std::get<3>(key) == consumer) {
                twin = &part;
                ++twins;
            }
        if (twins != 1) {
            ++it;
            continue;
        }
        for (auto& [field, time] : it->second.told_at)
            twin->told_at.try_emplace(field, time);
        twin->sightings.insert(twin->sightings.end(), it->second.sightings.begin(),
                               it->second.sightings.end());
        it = bindings.erase(it);
    }

    std::vector<Subscription> out;
    std::set<std::pair<std::string, std::string>> bound_filters, bound_consumers;
    std::set<std::tuple<std::string, std::string, std::string>> used_activations;
    auto fill_filter = [](Subscription& s, const EventPayload& p) {
        if (!p.filter.empty())
            s.filter = p.filter;
        s.query = p.query;
        s.query_namespace = p.query_namespace;
        if (!p.creator_sid.empty())
            s.creator_sid = p.creator_sid;
    };
    auto fill_consumer = [](Subscription& s, const EventPayload& p) {
        if (!p.consumer.empty())
            s.consumer = p.consumer;
        if (!p.consumer_type.empty())
            s.consumer_type = p.consumer_type;
        s.action = p.action;
        s.scripting_engine = p.scripting_engine;
        if (s.creator_sid.empty())
            s.creator_sid = p.creator_sid;
    };
    // The 5859s of a filter's query, marked used.
    auto add_activations = [&](const std::string& host, const Subscription& s,
                               std::vector<const Sighting*>& sightings) {
        if (s.query.empty())
            return;
        auto key = std::tuple(host, canonical_namespace(s.query_namespace), s.query);
        if (auto it = m_activations.find(key); it != m_activations.end()) {
            used_activations.insert(key);
            for (const Sighting& x : it->second.sightings)
                sightings.push_back(&x);
        }
    };
    auto finish = [&](Subscription& s, const std::vector<const Sighting*>& sightings,
                      const std::string& problem) {
        summarise(s, sightings);
        s.notes = problem.empty() ? "" : "5861: " + problem;
        out.push_back(std::move(s));
    };

    for (const auto& [key, binding] : bindings) {
        const auto& [host, ns, filter_key, consumer_key] = key;
        Subscription s{.host = host, .kind = "permanent"};
        s.name_space = binding.payload.name_space;
        s.filter = binding.payload.filter;
        s.consumer = binding.payload.consumer;
        s.consumer_type = binding.payload.consumer_type;
        std::vector<const Sighting*> sightings;
        for (const Sighting& x : binding.sightings)
            sightings.push_back(&x);
        std::string problem = binding.payload.problem;
        if (auto it = m_filters.find({host, filter_key}); it != m_filters.end()) {
            bound_filters.insert(it->first);
            fill_filter(s, it->second.payload);
            for (const Sighting& x : it->second.sightings)
                sightings.push_back(&x);
        }
        if (auto it = m_consumers.find({host, consumer_key}); it != m_consumers.end()) {
            bound_consumers.insert(it->first);
            fill_consumer(s, it->second.payload);
            for (const Sighting& x : it->second.sightings)
                sightings.push_back(&x);
        }
        add_activations(host, s, sightings);
        finish(s, sightings, problem);
    }
    for (const auto& [key, filter] : m_filters) {
        if (bound_filters.count(key) != 0)
            continue;
        Subscription s{.host = key.first, .kind = "permanent"};
        fill_filter(s, filter.payload);
        std::vector<const Sighting*> sightings;
        for (const Sighting& x : filter.sightings)
            sightings.push_back(&x);
        add_activations(key.first, s, sightings);
        finish(s, sightings, {});
    }
    for (const auto& [key, consumer] : m_consumers) {
        if (bound_consumers.count(key) != 0)
            continue;
        Subscription s{.host = key.first, .kind = "permanent"};
        fill_consumer(s, consumer.payload);
        std::vector<const Sighting*> sightings;
        for (const Sighting& x : consumer.sightings)
            sightings.push_back(&x);
        finish(s, sightings, {});
    }
    for (const auto& [key, activation] : m_activations) {
        if (used_activations.count(key) != 0)
            continue;
        Subscription s{.host = std::get<0>(key), .kind = "permanent"};
        s.query = activation.payload.query;
        s.query_namespace = activation.payload.query_namespace;
        std::vector<const Sighting*> sightings;
        for (const Sighting& x : activation.sightings)
            sightings.push_back(&x);
        finish(s, sightings, {});
    }
    for (const auto& [key, temporary] : m_temporaries) {
        Subscription s{.host = std::get<0>(key), .kind = "temporary"};
        s.name_space = temporary.payload.query_namespace;
        s.query = temporary.payload.query;
        s.query_namespace = temporary.payload.query_namespace;
        std::vector<const Sighting*> sightings;
        for (const Sighting& x : temporary.sightings)
            sightings.push_back(&x);
        finish(s, sightings, {});
    }
    std::sort(out.begin(), out.end(), [](const Subscription& a, const Subscription& b) {
        // "permanent" sorts before "temporary".
        return std::tie(a.host, a.kind, a.first_seen, a.filter, a.consumer, a.query) <
               std::tie(b.host, b.kind, b.first_seen, b.filter, b.consumer, b.query);
    });
    return out;
}

void SubscriptionCorrelator::attach_sources(std::vector<Subscription>& rows) const {
    if (rows.empty())
        return;
    std::map<std::string, Subscription*> first_of_host;
    for (Subscription& row : rows)
        first_of_host.try_emplace(row.host, &row);
    for (const StreamEvent& read : m_read) {
        auto it = first_of_host.find(read.event.host);
        (it != first_of_host.end() ? it->second : &rows.front())->sources.push_back(read);
    }
}

void judge(std::vector<Subscription>& subscriptions, const Tuning& tuning,
           bool default_exclusions) {
    std::vector<Subscription> kept;
    for (Subscription& s : subscriptions) {
        std::string scratch;
        std::vector<std::string_view> wanted, satisfied;
        for (const TuningRule& rule : tuning.rules()) {
            if (!rule_applies(rule, s))
                continue;
            const std::string* value = rule_field(s, rule.field, scratch);
            if (value == nullptr)
                continue;
            bool match = rule.regex.matches(*value);
            if (!rule.include) {
                if (match && s.allowlist_rule.empty())
                    s.allowlist_rule = rule.origin;
                continue;
            }
            if (std::find(wanted.begin(), wanted.end(), rule.field) == wanted.end())
                wanted.push_back(rule.field);
            if (match &&
                std::find(satisfied.begin(), satisfied.end(), rule.field) == satisfied.end())
                satisfied.push_back(rule.field);
        }
        if (wanted.size() != satisfied.size())
            continue;
        if (s.allowlist_rule.empty() && default_exclusions)
            s.allowlist_rule = default_exclusion(s);
        SubscriptionPayload payload{s.consumer_type, s.action, s.scripting_engine, s.query};
        for (std::string_view name : indicators(payload))
            s.indicators.emplace_back(name);
        s.verdict = !s.allowlist_rule.empty() ? "known-benign"
                    : !s.indicators.empty()   ? "suspicious"
                                              : "unknown";
        kept.push_back(std::move(s));
    }
    subscriptions = std::move(kept);
}

} // namespace wmihunt
