// EXPLAIN: a plan as indented text, one line per node and per scan step,
// with the planner's estimates and, given a profile, what each one did.
#ifndef RELATA_ENGINE_PLAN_EXPLAIN_H_
#define RELATA_ENGINE_PLAN_EXPLAIN_H_

#include <string>
#include <vector>

#include "engine/plan/plan.h"
#include "query/rdf_writer.h"

namespace relata::engine::plan {

// `variable_names` is the query's (query::Query::variable_names); with a
// profile, each line ends with the rows, opens and time it recorded.
// Constants are written with `prefixes` where one fits.
std::string Explain(const Plan& plan, const std::vector<std::string>& variable_names,
                    const Profile* profile = nullptr, const query::PrefixList& prefixes = {});

// A property path as SPARQL writes it: `kg:partner_of+`, or without a
// prefix that fits `<https://relata.dev/kg/partner_of>+`.
std::string PathText(const query::PropertyPath& path, const query::PrefixList& prefixes = {});

}  // namespace relata::engine::plan

#endif  // RELATA_ENGINE_PLAN_EXPLAIN_H_
