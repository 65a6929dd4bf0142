#include "engine/exec/update.h"

#include <map>
#include <memory>

#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "query/sparql_parser.h"

namespace relata::engine {
namespace {

using query::GraphTarget;
using query::PatternTerm;
using query::QuadTemplate;
using query::UpdateOperation;
using storage::kNoTerm;
using storage::QuadIds;
using storage::TermId;
using storage::TermTag;
using Transaction = storage::QuadStore::Transaction;

bool CanBeSubject(TermId id) {
  const TermTag tag = storage::TagOf(id);
  return tag == TermTag::kIri || tag == TermTag::kBlank || tag == TermTag::kTriple;
}
bool IsIri(TermId id) { return storage::TagOf(id) == TermTag::kIri; }

std::string Describe(const GraphTarget& target) {
  switch (target.kind) {
    case GraphTarget::Kind::kDefault: return "the default graph";
    case GraphTarget::Kind::kGraph: return "graph " + target.iri.ToNTriples();
    case GraphTarget::Kind::kNamed: return "the named graphs";
    case GraphTarget::Kind::kAll: return "all graphs";
  }
  return "";
}

class Updater {
 public:
  Updater(const storage::QuadStore& store, Transaction& transaction, const UpdateOptions& options)
      : store_(store), txn_(transaction), options_(options) {}

  absl::Status Run(const UpdateOperation& op) {
    txn_.NewBlankNodeScope();
    switch (op.kind) {
      case UpdateOperation::Kind::kInsertData:
      case UpdateOperation::Kind::kDeleteData:
      case UpdateOperation::Kind::kModify:
        return Modify(op);
      case UpdateOperation::Kind::kLoad:
        return Load(op);
      case UpdateOperation::Kind::kClear:
      case UpdateOperation::Kind::kDrop: {
        if (op.target.kind == GraphTarget::Kind::kGraph) RETURN_IF_ERROR(MustExist(op.target));
        ASSIGN_OR_RETURN(const std::vector<QuadIds> quads, QuadsOf(op.target));
        return DeleteAll(quads);
      }
      case UpdateOperation::Kind::kCreate: {
        ASSIGN_OR_RETURN(const std::vector<QuadIds> quads, QuadsOf(op.target, /*first_only=*/true));
        if (!quads.empty()) {
          return absl::FailedPreconditionError(Describe(op.target) + " already exists");
        }
        // relata keeps no empty graphs: a graph exists while it has quads.
        return absl::OkStatus();
      }
      case UpdateOperation::Kind::kAdd:
      case UpdateOperation::Kind::kMove:
      case UpdateOperation::Kind::kCopy:
        return Transfer(op);
    }
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<const storage::QuadStore::Snapshot> View() { return txn_.View(); }

  absl::StatusOr<std::optional<TermId>> Find(const Term& term) {
    return store_.Lookup(term, View().get());
  }

  absl::Status MustExist(const GraphTarget& target) {
    ASSIGN_OR_RETURN(const std::vector<QuadIds> quads, QuadsOf(target, /*first_only=*/true));
    if (quads.empty()) return absl::NotFoundError(Describe(target) + " does not exist (SILENT ignores this)");
    return absl::OkStatus();
  }

  // Every quad in `target`.
  absl::StatusOr<std::vector<QuadIds>> QuadsOf(const GraphTarget& target, bool first_only = false) {
    storage::QuadStore::Pattern pattern;
    std::optional<TermId> graph;
    switch (target.kind) {
      case GraphTarget::Kind::kDefault:
        pattern.graph_bound = true;
        break;
      case GraphTarget::Kind::kGraph: {
        ASSIGN_OR_RETURN(graph, Find(target.iri));
        if (!graph) return std::vector<QuadIds>();
        pattern.graph_bound = true;
        pattern.ids.g = *graph;
        break;
      }
      case GraphTarget::Kind::kNamed:
      case GraphTarget::Kind::kAll:
        break;
    }
    std::vector<QuadIds> quads;
    auto cursor = store_.OpenCursor(pattern, false, View());
    for (; cursor->Valid(); cursor->Next()) {
      if (target.kind == GraphTarget::Kind::kNamed && cursor->quad().g == kNoTerm) continue;
      quads.push_back(cursor->quad());
      if (first_only) break;
    }
    RETURN_IF_ERROR(cursor->status());
    return quads;
  }

  absl::Status DeleteAll(const std::vector<QuadIds>& quads) {
    for (const QuadIds& q : quads) RETURN_IF_ERROR(txn_.Delete(q).status());
    return absl::OkStatus();
  }
  absl::Status InsertAll(const std::vector<QuadIds>& quads) {
    for (const QuadIds& q : quads) RETURN_IF_ERROR(txn_.Insert(q).status());
    return absl::OkStatus();
  }

  // The graph id of a target that is one graph: kNoTerm for the default.
  absl::StatusOr<TermId> GraphId(const GraphTarget& target) {
    if (target.kind == GraphTarget::Kind::kDefault) return kNoTerm;
    return txn_.Encode(target.iri);
  }

  // ADD, MOVE and COPY: the source's quads into the target, which COPY and
  // MOVE clear first; MOVE then drops the source.
  absl::Status Transfer(const UpdateOperation& op) {
    if (op.source == op.target) return absl::OkStatus();
    if (op.source.kind == GraphTarget::Kind::kGraph) RETURN_IF_ERROR(MustExist(op.source));
    ASSIGN_OR_RETURN(std::vector<QuadIds> quads, QuadsOf(op.source));
    if (op.kind != UpdateOperation::Kind::kAdd) {
      ASSIGN_OR_RETURN(const std::vector<QuadIds> old, QuadsOf(op.target));
      RETURN_IF_ERROR(DeleteAll(old));
    }
    if (op.kind == UpdateOperation::Kind::kMove) RETURN_IF_ERROR(DeleteAll(quads));
    ASSIGN_OR_RETURN(const TermId target, GraphId(op.target));
    for (QuadIds& q : quads) q.g = target;
    return InsertAll(quads);
  }

  absl::Status Load(const UpdateOperation& op) {
    if (!options_.load) return absl::UnimplementedError("LOAD is not available here");
    std::optional<Term> graph;
    if (op.target.kind == GraphTarget::Kind::kGraph) graph = op.target.iri;
    ASSIGN_OR_RETURN(const std::vector<Quad> quads, options_.load(op.load_source.value, graph));
    for (const Quad& quad : quads) RETURN_IF_ERROR(txn_.Insert(quad).status());
    return absl::OkStatus();
  }

  // The id of a template term in one solution; nullopt when a variable is
  // unbound or, for a delete, when the store has no such term (so no quad).
  absl::StatusOr<std::optional<TermId>> Value(const PatternTerm& t, const std::vector<Binding>& row,
                                              bool inserting, std::map<std::string, TermId>& blanks) {
    switch (t.kind) {
      case PatternTerm::Kind::kVariable: {
        const Binding& b = row.at(static_cast<std::size_t>(t.var));
        if (b.id != kNoTerm) return std::optional<TermId>(b.id);
        if (!b.term) return std::optional<TermId>();
        return Id(*b.term, inserting);
      }
      case PatternTerm::Kind::kConstant:
        if (t.constant.IsBlank()) {
          // Fresh per solution: a label no other solution uses.
          auto [it, inserted] = blanks.try_emplace(t.constant.value, kNoTerm);
          if (inserted) {
            ASSIGN_OR_RETURN(it->second, txn_.Encode(Term::Blank(Cat("update-", next_blank_++))));
          }
          return std::optional<TermId>(it->second);
        }
        return Id(t.constant, inserting);
      case PatternTerm::Kind::kTriple: {
        Term parts[3];
        for (std::size_t i = 0; i < 3; ++i) {
          ASSIGN_OR_RETURN(const std::optional<TermId> part, Value(t.triple[i], row, inserting, blanks));
          if (!part) return std::optional<TermId>();
          ASSIGN_OR_RETURN(parts[i], store_.Resolve(*part, View().get()));
        }
        if (parts[0].IsLiteral() || !parts[1].IsIri()) return std::optional<TermId>();
        return Id(Term::Triple(parts[0], parts[1], parts[2]), inserting);
      }
    }
    return std::optional<TermId>();
  }
  absl::StatusOr<std::optional<TermId>> Id(const Term& term, bool inserting) {
    if (inserting) {
      ASSIGN_OR_RETURN(const TermId id, txn_.Encode(term));
      return std::optional<TermId>(id);
    }
    return Find(term);
  }

  // The quads a template gives for one solution, added to `out`. A delete
  // without a graph, over the union default graph, takes the triple from
  // every graph that has it.
  absl::Status Instantiate(const std::vector<QuadTemplate>& templates, const std::optional<Term>& with,
                           const std::vector<Binding>& row, bool inserting, std::vector<QuadIds>* out) {
    std::map<std::string, TermId> blanks;
    for (const QuadTemplate& t : templates) {
      QuadIds q;
      ASSIGN_OR_RETURN(const auto s, Value(t.triple.subject, row, inserting, blanks));
      ASSIGN_OR_RETURN(const auto p, Value(t.triple.predicate, row, inserting, blanks));
      ASSIGN_OR_RETURN(const auto o, Value(t.triple.object, row, inserting, blanks));
      if (!s || !p || !o || !CanBeSubject(*s) || !IsIri(*p)) continue;
      q.s = *s, q.p = *p, q.o = *o;
      bool every_graph = false;
      if (t.graph) {
        ASSIGN_OR_RETURN(const auto g, Value(*t.graph, row, inserting, blanks));
        if (!g || !IsIri(*g)) continue;
        q.g = *g;
      } else if (with) {
        ASSIGN_OR_RETURN(const auto g, Id(*with, inserting));
        if (!g) continue;
        q.g = *g;
      } else {
        every_graph = !inserting && options_.union_default_graph;
      }
      if (!every_graph) {
        out->push_back(q);
        continue;
      }
      storage::QuadStore::Pattern pattern;
      pattern.ids = {q.s, q.p, q.o, kNoTerm};
      auto cursor = store_.OpenCursor(pattern, false, View());
      for (; cursor->Valid(); cursor->Next()) out->push_back(cursor->quad());
      RETURN_IF_ERROR(cursor->status());
    }
    return absl::OkStatus();
  }

  // Every solution of an update's WHERE over the transaction's view. The
  // execution, and with it every iterator over the pending writes, is gone
  // before anything is written.
  absl::StatusOr<std::vector<std::vector<Binding>>> Solutions(const std::shared_ptr<const query::Query>& where) {
    ExecutionOptions limits = options_.limits;
    limits.view = View();
    ASSIGN_OR_RETURN(limits.stats, txn_.Stats());
    limits.transaction = &txn_;
    limits.union_default_graph = options_.union_default_graph;
    ASSIGN_OR_RETURN(std::unique_ptr<Execution> execution, Execution::Start(store_, where, limits));
    std::vector<std::vector<Binding>> solutions;
    std::vector<Binding> row;
    while (true) {
      ASSIGN_OR_RETURN(const bool more, execution->NextBindings(&row));
      if (!more) break;
      solutions.push_back(row);
    }
    return solutions;
  }

  // INSERT DATA, DELETE DATA, DELETE WHERE and DELETE/INSERT WHERE: every
  // solution of the WHERE (one empty solution for the DATA forms), found
  // before anything changes; then all deletes, then all inserts.
  absl::Status Modify(const UpdateOperation& op) {
    std::vector<std::vector<Binding>> solutions;
    if (op.where == nullptr) {
      solutions.emplace_back();
    } else {
      ASSIGN_OR_RETURN(solutions, Solutions(op.where));
    }
    std::vector<QuadIds> deletes, inserts;
    for (const auto& row : solutions) {
      RETURN_IF_ERROR(Instantiate(op.delete_templates, op.with, row, false, &deletes));
    }
    for (const auto& row : solutions) {
      RETURN_IF_ERROR(Instantiate(op.insert_templates, op.with, row, true, &inserts));
    }
    RETURN_IF_ERROR(DeleteAll(deletes));
    return InsertAll(inserts);
  }

  const storage::QuadStore& store_;
  Transaction& txn_;
  const UpdateOptions& options_;
  std::uint64_t next_blank_ = 0;
};

}  // namespace

absl::Status RunUpdate(const query::Update& update, std::string_view text, const storage::QuadStore& store,
                       Transaction& transaction, const UpdateOptions& options) {
  Updater updater(store, transaction, options);
  for (const UpdateOperation& op : update.operations) {
    const absl::Status status = updater.Run(op);
    if (status.ok() || op.silent) continue;
    return absl::Status(status.code(), query::TextPosition(text, op.position) + ": " + std::string(status.message()));
  }
  return absl::OkStatus();
}

}  // namespace relata::engine
