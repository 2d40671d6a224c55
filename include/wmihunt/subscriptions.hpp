// subscriptions: the story of each WMI event subscription on each host, joined from every
// event that names it (WMI-Activity 5859, 5860, 5861; Sysmon 19, 20, 21), with a verdict.
#pragma once

#include "wmihunt/consumer.hpp"
#include "wmihunt/detection.hpp"
#include "wmihunt/event.hpp"
#include "wmihunt/tuning.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace wmihunt {

// What one event says about a subscription's payload: for 5861 the parsed MOF text of
// its filter and consumer, for Sysmon 19/20/21 their unquoted values. Empty fields where
// the event does not tell.
struct EventPayload {
    std::string filter;          // the filter's Name
    std::string query;           // the filter's query
    std::string query_namespace; // the namespace the query runs in (EventNamespace)
    std::string consumer_type;   // the consumer's class
    std::string consumer;        // the consumer's Name
    std::string action;          // what it runs or writes (consumer_action in mof.hpp)
    std::string scripting_engine;
    std::string creator_sid; // CreatorSID of the filter, else of the consumer
    std::string name_space;  // where the binding lives (5861 Namespace, a Sysmon 21 path)
    std::string problem;     // why the 5861 MOF text was not read whole; empty when it was
};

// The payload of a WMI-Activity 5861 or a Sysmon 19, 20 or 21 event; nullopt for any
// other event.
std::optional<EventPayload> event_payload(const Event& event);

// An event the correlator read, with its place in the run's event stream
// (MatchedEvent::sequence): what `wmihunt merge` correlates again.
struct StreamEvent {
    uint64_t sequence = 0;
    Event event;
};

// One event that told of a subscription: when, its source ("5861", "5859", "5860",
// "sysmon19", "sysmon20", "sysmon21") and, for Sysmon, its Operation (Created, Modified,
// Deleted; empty for WMI-Activity).
struct SubscriptionSighting {
    int64_t time = 0; // 100 ns ticks since the Unix epoch, UTC
    std::string source;
    std::string operation;
    bool operator==(const SubscriptionSighting&) const = default;
};

// One subscription, as --subscriptions prints it (subscription_columns names the fields).
struct Subscription {
    std::string host;
    std::string kind;       // "permanent" or "temporary"
    std::string name_space; // where it lives: root\subscription (server prefix dropped)
    std::string filter;
    std::string query;
    std::string query_namespace;
    std::string consumer_type;
    std::string consumer;
    std::string action;
    std::string scripting_engine;
    std::string creator_sid;
    std::string user;
    int64_t first_seen = 0; // 100 ns ticks since the Unix epoch, UTC
    int64_t last_seen = 0;
    std::string state; // active, created, modified or deleted
    // Events per source, in the order 5861 5859 5860 sysmon19 sysmon20 sysmon21; sources
    // without events are left out.
    std::vector<std::pair<std::string, uint64_t>> evidence;
    std::string verdict; // known-benign, suspicious or unknown
    std::vector<std::string> indicators;
    std::string allowlist_rule; // the rule that made it known-benign
    std::string notes;          // a 5861 MOF text that was not read whole, and why
    // Every event behind evidence, by time (then in evidence's source order): what the
    // report's timeline chart draws. No printer writes them.
    std::vector<SubscriptionSighting> sightings;

    // The events behind the subscriptions, for JSON Lines only (attach_sources).
    std::vector<StreamEvent> sources;
    // "5861:1 5859:3 sysmon21:1"
    std::string evidence_text() const;
    // The indicators separated by spaces.
    std::string indicators_text() const;
};

// Subscriptions are findings of MITRE ATT&CK T1546.003 (Event Triggered Execution: WMI
// Event Subscription).
inline constexpr std::string_view subscription_mitre = "T1546.003";

// The fields of a subscription, in order, as CSV header and JSON keys.
const std::vector<std::string_view>& subscription_columns();

// Builds subscriptions from the event stream (a consumer that also reads the events no
// analytic keeps). A permanent subscription is one per host and (namespace, filter,
// consumer); a filter or consumer never seen bound, and a 5859 whose query no known
// filter has, are rows of their own with the other side empty. A temporary one is one per
// host and (namespace, query) of 5860. Names compare without regard to case, namespaces
// as canonical_namespace, queries exactly; a Sysmon 21 whose paths carry no namespace
// joins the one binding of that filter and consumer that has one.
class SubscriptionCorrelator : public EventConsumer {
  public:
    void consume(const MatchedEvent& event) override;
    std::vector<EventKey> also_reads() const override;

    // The subscriptions, without verdicts, sorted by host, kind (permanent first), first
    // sighting, filter, consumer and query.
    std::vector<Subscription> subscriptions() const;
    // Gives the events it read to `rows` (judged), so that rows printed as JSON Lines
    // carry what merging them needs: each host's events go to its first row, those of a
    // host without a row (every one left out by --include rules) to the first row.
    void attach_sources(std::vector<Subscription>& rows) const;

  private:
    struct Sighting {
        int64_t time = 0;
        std::string source;    // "5861", "sysmon19", ...
        std::string operation; // Sysmon's Operation: Created, Modified, Deleted
        std::string user;
    };
    // What is known of one filter, consumer or binding: the payload fields, each from its
    // latest event that tells it, and every event that named it.
    struct Part {
        EventPayload payload;
        std::map<std::string, int64_t> told_at; // payload field -> time of its value
        std::vector<Sighting> sightings;
    };
    void merge(Part& part, const EventPayload& payload, int64_t time) const;
    std::vector<StreamEvent> m_read; // every event that told of a subscription

    // (host, lower-case name)
    std::map<std::pair<std::string, std::string>, Part> m_filters, m_consumers;
    // (host, canonical namespace or "", lower-case filter, lower-case consumer)
    std::map<std::tuple<std::string, std::string, std::string, std::string>, Part> m_bindings;
    // (host, canonical query namespace, query): 5859 activations; 5860 temporaries
    std::map<std::tuple<std::string, std::string, std::string>, Part> m_activations, m_temporaries;
};

// Sets each subscription's verdict: known-benign when an exclusion rule of `tuning`
// (--exclude, --allowlist) or, with `default_exclusions`, a detection's default exclusion
// matches it (allowlist_rule names which); else suspicious when an indicator of
// verdicts.hpp fires (on its consumer_type, action, scripting_engine or query); else
// unknown. Rules apply as to events: one naming no detection, or a detection of the
// subscription's kind (temporary; permanent, sysmon-persistence, permanent-sysmon), on
// the fields host, query, namespace, filter, user, consumer (as 5861 writes it:
// CLASS="NAME"), consumer_name, consumer_type and destination (the action). Subscriptions
// that --include rules leave out are removed.
void judge(std::vector<Subscription>& subscriptions, const Tuning& tuning, bool default_exclusions);

} // namespace wmihunt
