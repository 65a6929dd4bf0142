// relata._relata: the engine's public API for Python (pybind11). Terms are
// small immutable classes; a query's rows stream in batches read with the
// GIL released; Ctrl-C cancels what runs; errors are Python exceptions
// carrying the positions relata's messages give. The package's Python side
// (tools/python/relata/) adds load_records, pandas and the rdflib store.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <shared_mutex>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/hash/hash.h"
#include "relata/database.h"
#include "tools/result_format.h"

namespace py = pybind11;

namespace relata::python {
namespace {

constexpr char kXsd[] = "http://www.w3.org/2001/XMLSchema#";

// ---- exceptions ----

PyObject* g_error = nullptr;         // relata.Error, the base of all
PyObject* g_syntax_error = nullptr;  // with line, column, text (the line and a caret)
PyObject* g_load_error = nullptr;    // with file, line, column
PyObject* g_timeout = nullptr;
PyObject* g_cancelled = nullptr;

[[noreturn]] void Raise(PyObject* type, const std::string& message,
                        const std::vector<std::pair<const char*, py::object>>& attributes = {}) {
  py::object error = py::reinterpret_borrow<py::object>(type)(message);
  for (const auto& [name, value] : attributes) py::setattr(error, name, value);
  PyErr_SetObject(type, error.ptr());
  throw py::error_already_set();
}

// Raises the Python exception for `status`. `query` is the text a
// "line:column: " message points into (none for loads, whose messages start
// with "file:line:column: ").
[[noreturn]] void RaiseStatus(const absl::Status& status, std::string_view query = {}) {
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kDeadlineExceeded:
      Raise(g_timeout, message);
    case absl::StatusCode::kCancelled:
      // Ctrl-C set the query's flag: Python's handler raises KeyboardInterrupt.
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      Raise(g_cancelled, message);
    case absl::StatusCode::kInvalidArgument: {
      static const std::regex kQueryPosition(R"(^(\d+):(\d+): )");
      static const std::regex kFilePosition(R"(^(.*):(\d+):(\d+): )");
      std::smatch match;
      if (!query.empty() && std::regex_search(message, match, kQueryPosition)) {
        const int line = std::stoi(match[1]), column = std::stoi(match[2]);
        Raise(g_syntax_error, message,
              {{"line", py::int_(line)}, {"column", py::int_(column)}, {"text", py::str(tools::SourceWithCaret(query, line, column))}});
      }
      if (query.empty() && std::regex_search(message, match, kFilePosition)) {
        Raise(g_load_error, message,
              {{"file", py::str(match[1].str())}, {"line", py::int_(std::stoi(match[2]))},
               {"column", py::int_(std::stoi(match[3]))}});
      }
      Raise(g_error, message);
    }
    default:
      Raise(g_error, message);
  }
}

template <typename T>
T Check(absl::StatusOr<T> value, std::string_view query = {}) {
  if (!value.ok()) RaiseStatus(value.status(), query);
  return std::move(*value);
}
void Check(const absl::Status& status, std::string_view query = {}) {
  if (!status.ok()) RaiseStatus(status, query);
}

// ---- Ctrl-C ----
//
// Python runs its SIGINT handler only between bytecodes, and relata's work
// runs with the GIL released: a handler of ours, chained before Python's,
// sets the cancel flag of every call running now, and Python's then raises
// KeyboardInterrupt once the call has returned.

constexpr int kSlots = 256;
std::atomic<std::atomic<bool>*> g_running[kSlots];
struct sigaction g_python_handler;
std::mutex g_install;

extern "C" void OnInterrupt(int signal) {
  for (auto& slot : g_running) {
    if (std::atomic<bool>* flag = slot.load(std::memory_order_relaxed)) flag->store(true, std::memory_order_relaxed);
  }
  if (g_python_handler.sa_handler == SIG_DFL) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  } else if (g_python_handler.sa_handler != SIG_IGN && g_python_handler.sa_handler != nullptr) {
    g_python_handler.sa_handler(signal);
  }
}

// While alive, Ctrl-C sets `*cancel`. Installs the chained handler when
// Python's is in place (a program that ignores SIGINT keeps ignoring it).
class Interruptible {
 public:
  explicit Interruptible(std::atomic<bool>* cancel) {
    {
      std::lock_guard<std::mutex> lock(g_install);
      struct sigaction current {};
      if (sigaction(SIGINT, nullptr, &current) == 0 && current.sa_handler != OnInterrupt &&
          current.sa_handler != SIG_IGN && !(current.sa_flags & SA_SIGINFO)) {
        g_python_handler = current;
        struct sigaction ours = current;
        ours.sa_handler = OnInterrupt;
        sigaction(SIGINT, &ours, nullptr);
      }
    }
    for (auto& slot : g_running) {
      std::atomic<bool>* empty = nullptr;
      if (slot.compare_exchange_strong(empty, cancel)) {
        slot_ = &slot;
        break;
      }
    }
  }
  ~Interruptible() {
    if (slot_ != nullptr) slot_->store(nullptr);
  }
  Interruptible(const Interruptible&) = delete;
  Interruptible& operator=(const Interruptible&) = delete;

 private:
  std::atomic<std::atomic<bool>*>* slot_ = nullptr;
};

// ---- terms ----
//
// Term objects are plain CPython objects holding a relata::Term inline, made
// with one allocation: a query's rows make millions of them, and a pybind11
// instance costs two more allocations and an entry in pybind11's registry of
// instances, each undone when it is freed. The types are made in the module's
// init (MakeTermTypes) and their methods bound there with pybind11.
struct TermObject {
  PyObject_HEAD
  Term term;
};

PyTypeObject* g_term_type = nullptr;  // relata.Term, the base of the four
PyTypeObject* g_named_node_type = nullptr;
PyTypeObject* g_blank_node_type = nullptr;
PyTypeObject* g_literal_type = nullptr;
PyTypeObject* g_triple_type = nullptr;

bool IsTerm(PyObject* object) { return PyObject_TypeCheck(object, g_term_type) != 0; }
const Term& TermOf(PyObject* object) { return reinterpret_cast<TermObject*>(object)->term; }

py::object NewTerm(PyTypeObject* type, Term term) {
  PyObject* object = type->tp_alloc(type, 0);
  if (object == nullptr) throw py::error_already_set();
  new (&reinterpret_cast<TermObject*>(object)->term) Term(std::move(term));
  return py::reinterpret_steal<py::object>(object);
}

std::size_t HashOfTerm(const Term& t) {
  if (t.kind == TermKind::kTriple) return absl::HashOf(t.ToNTriples());
  return absl::HashOf(static_cast<int>(t.kind), t.value, t.datatype, t.language, t.direction);
}

struct PyQuad {
  Term subject, predicate, object;
  std::optional<Term> graph;  // none: the default graph
};

py::object ToPython(Term term);

// Python objects kept for the life of the process are leaked on purpose: a
// static py::object would be released after the interpreter has finalised.
const py::module_& Datetime() {
  static const auto* datetime = new py::module_(py::module_::import("datetime"));
  return *datetime;
}

const py::object& DecimalType() {
  static const auto* decimal = new py::object(py::module_::import("decimal").attr("Decimal"));
  return *decimal;
}

// A literal's value as Python has it: int, Decimal, float, bool, date,
// datetime; its lexical form when that does not parse.
py::object Native(const Term& term) {
  switch (term.kind) {
    case TermKind::kIri: return py::str(term.value);
    case TermKind::kBlank: return py::str("_:" + term.value);
    case TermKind::kTriple: return ToPython(term);
    case TermKind::kLiteral: break;
  }
  if (!term.datatype.starts_with(kXsd)) return py::str(term.value);
  const std::string_view type = std::string_view(term.datatype).substr(sizeof(kXsd) - 1);
  static const std::set<std::string_view> kIntegers = {
      "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
      "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"};
  // A lexical form that does not parse as its type stays a str.
  const auto or_lexical = [&](PyObject* value) {
    if (value == nullptr) {
      PyErr_Clear();
      return py::object(py::str(term.value));
    }
    return py::reinterpret_steal<py::object>(value);
  };
  const auto call = [&](const py::object& f) {
    PyObject* value = PyObject_CallOneArg(f.ptr(), py::str(term.value).ptr());
    return or_lexical(value);
  };
  if (kIntegers.contains(type)) return or_lexical(PyLong_FromString(term.value.c_str(), nullptr, 10));
  if (type == "decimal") {
    return call(DecimalType());
  }
  if (type == "double" || type == "float") {
    const std::string text = term.value == "INF" ? "inf" : term.value == "-INF" ? "-inf" : term.value;
    return or_lexical(PyFloat_FromString(py::str(text).ptr()));
  }
  if (type == "boolean") return py::bool_(term.value == "true" || term.value == "1");
  if (type == "dateTime") return call(Datetime().attr("datetime").attr("fromisoformat"));
  if (type == "date") {
    // A date's time zone has no place in datetime.date.
    PyObject* value = PyObject_CallOneArg(Datetime().attr("date").attr("fromisoformat").ptr(),
                                          py::str(term.value.substr(0, 10)).ptr());
    return or_lexical(value);
  }
  return py::str(term.value);
}

py::object ToPython(Term term) {
  switch (term.kind) {
    case TermKind::kIri: return NewTerm(g_named_node_type, std::move(term));
    case TermKind::kBlank: return NewTerm(g_blank_node_type, std::move(term));
    case TermKind::kLiteral: return NewTerm(g_literal_type, std::move(term));
    case TermKind::kTriple: return NewTerm(g_triple_type, std::move(term));
  }
  return py::none();
}

// A Python value as a term: a relata term, or a str, bool, int, float,
// Decimal, date or datetime as a literal of its XSD type.
Term FromPython(const py::handle& value) {
  if (IsTerm(value.ptr())) return TermOf(value.ptr());
  if (py::isinstance<py::bool_>(value)) return Term::Literal(value.cast<bool>() ? "true" : "false", std::string(kXsd) + "boolean");
  if (py::isinstance<py::int_>(value)) return Term::Literal(py::str(value).cast<std::string>(), std::string(kXsd) + "integer");
  if (py::isinstance<py::float_>(value)) {
    std::ostringstream text;
    text.precision(17);
    text << value.cast<double>();
    std::string lexical = text.str();
    if (lexical.find_first_of(".eEn") == std::string::npos) lexical += ".0";
    return Term::Literal(lexical, std::string(kXsd) + "double");
  }
  if (py::isinstance<py::str>(value)) return Term::Literal(value.cast<std::string>());
  if (py::isinstance(value, DecimalType())) return Term::Literal(py::str(value).cast<std::string>(), std::string(kXsd) + "decimal");
  if (py::isinstance(value, Datetime().attr("datetime"))) {
    return Term::Literal(value.attr("isoformat")().cast<std::string>(), std::string(kXsd) + "dateTime");
  }
  if (py::isinstance(value, Datetime().attr("date"))) {
    return Term::Literal(value.attr("isoformat")().cast<std::string>(), std::string(kXsd) + "date");
  }
  throw py::type_error("not an RDF term or a value relata makes a literal of: " +
                       py::repr(value).cast<std::string>());
}

std::optional<Term> OptionalTerm(const py::handle& value) {
  if (value.is_none()) return std::nullopt;
  return FromPython(value);
}

Quad QuadOf(const py::handle& value) {
  if (py::isinstance<PyQuad>(value)) {
    const auto& q = value.cast<const PyQuad&>();
    Quad quad{q.subject, q.predicate, q.object, {}};
    if (q.graph) quad.graph = *q.graph;
    return quad;
  }
  const py::sequence parts = value.cast<py::sequence>();
  if (parts.size() != 3 && parts.size() != 4) throw py::type_error("a quad, or a (subject, predicate, object[, graph]) tuple");
  Quad quad{FromPython(parts[0]), FromPython(parts[1]), FromPython(parts[2]), {}};
  if (parts.size() == 4 && !parts[3].is_none()) quad.graph = FromPython(parts[3]);
  return quad;
}


// ---- the database and what depends on it ----

// The Database and what must end before it: cursors and transactions
// register a closer, which close() calls under the exclusive lock.
struct Handle {
  std::unique_ptr<Database> db;
  std::shared_mutex lock;  // shared while relata works, exclusive to close
  std::mutex registry;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::function<void()>> dependents;
  std::string path;

  std::uint64_t Register(std::function<void()> closer) {
    std::lock_guard<std::mutex> guard(registry);
    dependents.emplace(++next_id, std::move(closer));
    return next_id;
  }
  void Unregister(std::uint64_t id) {
    std::lock_guard<std::mutex> guard(registry);
    dependents.erase(id);
  }
};

// Shared access to an open database with the GIL released: relata's work
// runs in its scope. Raises relata.Error when it is closed.
class Use {
 public:
  explicit Use(const std::shared_ptr<Handle>& handle) : handle_(handle) {
    // Only a closing database holds the lock exclusively: wait for it
    // without the GIL, which its closer may need.
    lock_ = std::shared_lock<std::shared_mutex>(handle->lock, std::try_to_lock);
    if (!lock_.owns_lock()) {
      py::gil_scoped_release release;
      lock_.lock();
    }
    if (handle->db == nullptr) {
      lock_.unlock();
      Raise(g_error, "the database is closed");
    }
  }
  Database& db() { return *handle_->db; }

 private:
  const std::shared_ptr<Handle>& handle_;
  std::shared_lock<std::shared_mutex> lock_;
};

// Runs `end` (what frees a dependent's cursor or transaction) with the GIL
// released and the database's shared lock held: close() in another thread
// either has ended it already or waits until it is gone.
template <typename F>
void EndUnderSharedLock(Handle& handle, F end) {
  py::gil_scoped_release release;
  std::shared_lock<std::shared_mutex> lock(handle.lock);
  end();
}

// The options of a call: timeout in seconds, memory in bytes, prefixes
// (name -> IRI) the text may use undeclared, and the dataset's graphs (IRIs
// replacing FROM / FROM NAMED).
struct CallOptions {
  py::object timeout = py::none(), memory = py::none(), prefixes = py::none(), default_graphs = py::none(),
             named_graphs = py::none();
};

QueryOptions OptionsOf(const CallOptions& call, std::atomic<bool>* cancel) {
  QueryOptions options;
  const py::object& timeout = call.timeout;
  const py::object& memory = call.memory;
  if (!call.prefixes.is_none()) {
    for (const auto& [name, iri] : call.prefixes.cast<py::dict>()) {
      options.prefixes[py::str(name).cast<std::string>()] = py::str(iri).cast<std::string>();
    }
  }
  if (!call.default_graphs.is_none()) {
    for (const auto& g : call.default_graphs) options.default_graphs.push_back(py::str(g).cast<std::string>());
  }
  if (!call.named_graphs.is_none()) {
    for (const auto& g : call.named_graphs) options.named_graphs.push_back(py::str(g).cast<std::string>());
  }
  if (!timeout.is_none()) {
    options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout.cast<double>() * 1000));
  }
  if (!memory.is_none()) options.memory_bytes = memory.cast<std::size_t>();
  options.cancel = cancel;
  return options;
}

// Rows read from a cursor at once, with the GIL released: a query call
// reads the first batch before it returns (one release of the GIL for a
// small answer), and Results reads the next ones as they are needed.
struct RowBatch {
  static constexpr std::size_t kRows = 64;
  std::vector<std::vector<std::optional<Term>>> rows;
  bool done = false;                   // the cursor is at its end
  std::optional<absl::Status> failed;  // raised once these rows are read

  void Read(Cursor& cursor) {
    rows.clear();
    while (rows.size() < kRows) {
      absl::StatusOr<bool> more = cursor.Next();
      if (!more.ok()) {
        failed = more.status();
        return;
      }
      if (!*more) {
        done = true;
        return;
      }
      rows.push_back(cursor.row());
    }
  }
};

// A query's answer: rows as tuples, read in batches with the GIL released.
class Results {
 public:
  Results(std::shared_ptr<Handle> handle, Cursor cursor, std::shared_ptr<const std::string> query, bool native,
          std::shared_ptr<std::atomic<bool>> cancel, RowBatch first, py::tuple columns)
      : handle_(std::move(handle)), cursor_(std::move(cursor)), query_(std::move(query)), native_(native),
        cancel_(std::move(cancel)), batch_(std::move(first)), columns_(std::move(columns)) {
    triples_ = cursor_->kind() == Cursor::Kind::kTriples;
    id_ = handle_->Register([this] { cursor_.reset(); });
  }
  ~Results() {
    EndUnderSharedLock(*handle_, [this] { cursor_.reset(); });
    handle_->Unregister(id_);
  }
  Results(const Results&) = delete;
  Results& operator=(const Results&) = delete;

  py::tuple columns() const { return columns_; }
  std::string kind() const { return triples_ ? "triples" : "solutions"; }

  py::object Next() {
    if (!Available()) throw py::stop_iteration();
    return Row(std::move(batch_.rows[next_++]));
  }

  // The rest of the current batch, or the next batch; empty at the end.
  // Python's __iter__ is a generator over these: no exception per row, and
  // none at the end.
  py::list Batch() {
    py::list rows;
    if (!Available()) return rows;
    while (next_ < batch_.rows.size()) rows.append(Row(std::move(batch_.rows[next_++])));
    return rows;
  }

  // Every remaining row.
  py::list All() {
    py::list rows;
    while (Available()) {
      while (next_ < batch_.rows.size()) rows.append(Row(std::move(batch_.rows[next_++])));
    }
    return rows;
  }

  // Whether every row has been taken and nothing (no error) is left to read.
  bool Complete() const { return batch_.done && !batch_.failed && next_ >= batch_.rows.size(); }

  void Cancel() { cancel_->store(true); }

 private:
  // Whether a row is there to take, reading the next batch when the
  // current one is used up; raises the error that ended the cursor once its
  // rows before the error are taken.
  bool Available() {
    while (next_ >= batch_.rows.size()) {
      if (batch_.failed) {
        const absl::Status failed = *batch_.failed;
        batch_.failed.reset();
        batch_.done = true;
        RaiseStatus(failed, *query_);
      }
      if (batch_.done) return false;
      Use use(handle_);
      if (!cursor_) {
        batch_.done = true;
        Raise(g_error, "the database is closed");
      }
      py::gil_scoped_release release;
      Interruptible interruptible(cancel_.get());
      batch_.Read(*cursor_);
      next_ = 0;
    }
    return true;
  }

  py::object Row(std::vector<std::optional<Term>>&& row) const {
    if (triples_) {
      PyQuad quad{std::move(*row[0]), std::move(*row[1]), std::move(*row[2]), std::nullopt};
      return py::cast(std::move(quad));
    }
    py::tuple tuple(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (!row[i]) {
        tuple[i] = py::none();
      } else {
        tuple[i] = native_ ? Native(*row[i]) : ToPython(std::move(*row[i]));
      }
    }
    return tuple;
  }

  std::shared_ptr<Handle> handle_;
  std::optional<Cursor> cursor_;
  std::shared_ptr<const std::string> query_;  // for the positions of errors
  bool native_ = false, triples_ = false;
  std::shared_ptr<std::atomic<bool>> cancel_;
  RowBatch batch_;
  std::size_t next_ = 0;
  py::tuple columns_;
  std::uint64_t id_ = 0;
};

// A query's cursor and its first rows, read with the GIL released by the
// caller.
struct Started {
  absl::StatusOr<Cursor> cursor;
  RowBatch first;

  // read_first false (a transaction's query, started inside its own call):
  // every row is read when asked for.
  Started(absl::StatusOr<Cursor> c, bool read_first) : cursor(std::move(c)) {
    if (read_first && cursor.ok() && cursor->kind() != Cursor::Kind::kBoolean) first.Read(*cursor);
  }
};

py::tuple ColumnsOf(const Cursor& cursor) {
  py::tuple columns(cursor.columns().size());
  for (std::size_t i = 0; i < cursor.columns().size(); ++i) columns[i] = py::str(cursor.columns()[i]);
  return columns;
}

// What a query call returns: rows, triples, or ASK's answer. `*columns`
// keeps the column names for the next run of a prepared query.
py::object Answer(const std::shared_ptr<Handle>& handle, Started started, std::shared_ptr<const std::string> query,
                  bool native, std::shared_ptr<std::atomic<bool>> cancel, std::optional<py::tuple>* columns) {
  Cursor cursor = Check(std::move(started.cursor), *query);
  if (cursor.kind() == Cursor::Kind::kBoolean) return py::bool_(cursor.boolean());
  if (!*columns) *columns = ColumnsOf(cursor);
  return py::cast(std::make_unique<Results>(handle, std::move(cursor), std::move(query), native, std::move(cancel),
                                            std::move(started.first), **columns));
}

class PyPrepared {
 public:
  PyPrepared(std::shared_ptr<Handle> handle, PreparedQuery prepared, std::string query)
      : handle_(std::move(handle)), prepared_(std::move(prepared)),
        query_(std::make_shared<const std::string>(std::move(query))) {}

  py::object Execute(const py::object& timeout, const py::object& memory, bool native, const py::kwargs& bindings) {
    PreparedQuery run = prepared_;
    for (const auto& [name, value] : bindings) Check(run.Bind(name.cast<std::string>(), FromPython(value)), *query_);
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    std::optional<Started> started;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      Interruptible interruptible(cancel.get());
      started.emplace(run.Execute(OptionsOf(CallOptions{timeout, memory}, cancel.get())), true);
    }
    return Answer(handle_, std::move(*started), query_, native, cancel, &columns_);
  }

 private:
  std::shared_ptr<Handle> handle_;
  PreparedQuery prepared_;
  std::shared_ptr<const std::string> query_;
  std::optional<py::tuple> columns_;  // known after the first run
};

py::dict UpdateDict(const UpdateReport& report) {
  py::dict d;
  d["inserted"] = report.inserted;
  d["deleted"] = report.deleted;
  d["seconds"] = report.seconds;
  return d;
}

class PyTransaction {
 public:
  PyTransaction(std::shared_ptr<Handle> handle, std::unique_ptr<Transaction> txn)
      : handle_(std::move(handle)), txn_(std::move(txn)) {
    id_ = handle_->Register([this] { txn_.reset(); });
  }
  ~PyTransaction() {
    EndUnderSharedLock(*handle_, [this] { txn_.reset(); });  // rolls back
    handle_->Unregister(id_);
  }
  PyTransaction(const PyTransaction&) = delete;
  PyTransaction& operator=(const PyTransaction&) = delete;

 private:
  // Runs `f` on the open transaction with the GIL released. (Defined before
  // the calls: its return type is deduced.)
  template <typename F>
  auto Write(F f, std::string_view query = {}) {
    std::optional<decltype(f(*txn_))> result;
    {
      Use use(handle_);
      if (!txn_) Raise(g_error, "the transaction has ended (committed, rolled back, or its database closed)");
      py::gil_scoped_release release;
      result.emplace(f(*txn_));
    }
    return Check(std::move(*result), query);
  }
  void Finish() {
    py::gil_scoped_release release;
    std::unique_lock<std::shared_mutex> lock(handle_->lock);
    txn_.reset();
  }

 public:
  bool Add(const py::handle& quad) {
    const Quad q = QuadOf(quad);
    return Write([&](Transaction& t) { return t.Add(q); });
  }
  bool Remove(const py::handle& quad) {
    const Quad q = QuadOf(quad);
    return Write([&](Transaction& t) { return t.Remove(q); });
  }
  py::dict Update(const std::string& text) {
    return UpdateDict(Write([&](Transaction& t) { return t.Update(text); }, text));
  }
  py::object Query(const std::string& text, bool native) {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    QueryOptions options;
    options.cancel = cancel.get();
    Cursor cursor = Write([&](Transaction& t) { return t.Query(text, options); }, text);
    std::optional<py::tuple> columns;
    return Answer(handle_, Started(std::move(cursor), false), std::make_shared<const std::string>(text), native, cancel,
                  &columns);
  }
  py::dict Commit() {
    py::dict report = UpdateDict(Write([](Transaction& t) { return t.Commit(); }));
    Finish();
    return report;
  }
  void Rollback() {
    {
      Use use(handle_);
      py::gil_scoped_release release;
      if (txn_) txn_->Rollback();
    }
    Finish();
  }
  bool active() const { return txn_ != nullptr; }

 private:
  std::shared_ptr<Handle> handle_;
  std::unique_ptr<Transaction> txn_;
  std::uint64_t id_ = 0;
};

py::dict LoadDict(const LoadReport& r) {
  py::dict d;
  d["statements"] = r.statements;
  d["records"] = r.records;
  d["quads"] = r.quads;
  d["duplicates"] = r.duplicates;
  d["added"] = r.added;
  d["removed"] = r.removed;
  d["skipped"] = r.skipped;
  d["errors"] = r.errors;
  d["entities"] = r.entities;
  d["relations"] = r.relations;
  d["merges"] = r.merges;
  d["candidates"] = r.candidates;
  d["warnings"] = r.warnings;
  d["seconds"] = r.seconds;
  return d;
}

class PyDatabase {
 public:
  explicit PyDatabase(std::shared_ptr<Handle> handle) : handle_(std::move(handle)) {}
  ~PyDatabase() { Close(); }

  static std::unique_ptr<PyDatabase> Open(const std::string& path, bool create, bool read_only) {
    Options options;
    options.create_if_missing = create;
    options.read_only = read_only;
    std::optional<absl::StatusOr<std::unique_ptr<Database>>> db;
    {
      py::gil_scoped_release release;
      db.emplace(Database::Open(path, options));
    }
    auto handle = std::make_shared<Handle>();
    handle->db = Check(std::move(*db));
    handle->path = path;
    return std::make_unique<PyDatabase>(std::move(handle));
  }
  static std::unique_ptr<PyDatabase> Memory() {
    auto handle = std::make_shared<Handle>();
    handle->db = Check(Database::OpenInMemory());
    handle->path = ":memory:";
    return std::make_unique<PyDatabase>(std::move(handle));
  }

  // Ends what depends on the database (cursors, transactions: they then
  // raise relata.Error), then closes it. Closing twice does nothing.
  void Close() {
    py::gil_scoped_release release;
    std::unique_lock<std::shared_mutex> lock(handle_->lock);
    if (handle_->db == nullptr) return;
    {
      std::lock_guard<std::mutex> guard(handle_->registry);
      for (auto& [id, closer] : handle_->dependents) closer();
    }
    handle_->db.reset();
  }
  bool closed() const { return handle_->db == nullptr; }
  bool read_only() {
    Use use(handle_);
    return use.db().read_only();
  }
  std::string path() const { return handle_->path; }

  py::dict Load(const py::object& paths, const std::optional<std::string>& format, bool lenient, bool replace,
                const std::optional<std::string>& graph, const std::optional<std::string>& base_iri) {
    std::vector<std::string> files;
    if (py::isinstance<py::str>(paths) || py::hasattr(paths, "__fspath__")) {
      files.push_back(py::str(paths).cast<std::string>());
    } else {
      for (const auto& p : paths) files.push_back(py::str(p).cast<std::string>());
    }
    LoadOptions options;
    options.format = format.value_or("");
    options.lenient = lenient;
    options.replace = replace;
    options.graph = graph.value_or("");
    options.base_iri = base_iri.value_or("");
    std::atomic<bool> cancel{false};
    options.cancel = &cancel;
    std::optional<absl::StatusOr<LoadReport>> report;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      Interruptible interruptible(&cancel);
      report.emplace(use.db().Load(files, options));
    }
    return LoadDict(Check(std::move(*report)));
  }

  py::object Query(const std::string& text, const py::object& timeout, const py::object& memory,
                   const py::object& bindings, bool native, const py::object& prefixes,
                   const py::object& default_graphs, const py::object& named_graphs) {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    const QueryOptions options =
        OptionsOf(CallOptions{timeout, memory, prefixes, default_graphs, named_graphs}, cancel.get());
    std::optional<Started> started;
    if (!bindings.is_none()) {
      std::vector<std::pair<std::string, Term>> values;
      for (const auto& [name, value] : bindings.cast<py::dict>()) values.emplace_back(name.cast<std::string>(), FromPython(value));
      Use use(handle_);
      py::gil_scoped_release release;
      Interruptible interruptible(cancel.get());
      absl::StatusOr<PreparedQuery> prepared = use.db().Prepare(text, options);
      if (!prepared.ok()) {
        started.emplace(prepared.status(), true);
      } else {
        absl::Status bound;
        for (const auto& [name, value] : values) {
          if (bound.ok()) bound = prepared->Bind(name, value);
        }
        started.emplace(bound.ok() ? prepared->Execute(options) : absl::StatusOr<Cursor>(bound), true);
      }
    } else {
      Use use(handle_);
      py::gil_scoped_release release;
      Interruptible interruptible(cancel.get());
      started.emplace(use.db().Query(text, options), true);
    }
    std::optional<py::tuple> columns;
    return Answer(handle_, std::move(*started), std::make_shared<const std::string>(text), native, cancel, &columns);
  }

  py::dict Update(const std::string& text, const py::object& timeout, const py::object& prefixes) {
    std::atomic<bool> cancel{false};
    const QueryOptions options = OptionsOf(CallOptions{timeout, py::none(), prefixes}, &cancel);
    std::optional<absl::StatusOr<UpdateReport>> report;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      Interruptible interruptible(&cancel);
      report.emplace(use.db().Update(text, options));
    }
    return UpdateDict(Check(std::move(*report), text));
  }

  std::unique_ptr<PyPrepared> Prepare(const std::string& text) {
    std::optional<absl::StatusOr<PreparedQuery>> prepared;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      prepared.emplace(use.db().Prepare(text));
    }
    return std::make_unique<PyPrepared>(handle_, Check(std::move(*prepared), text), text);
  }

  std::unique_ptr<PyTransaction> Begin() {
    std::optional<absl::StatusOr<std::unique_ptr<Transaction>>> txn;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      txn.emplace(use.db().Begin());
    }
    return std::make_unique<PyTransaction>(handle_, Check(std::move(*txn)));
  }

  std::uint64_t Insert(const py::iterable& quads) {
    std::vector<Quad> batch;
    for (const auto& q : quads) batch.push_back(QuadOf(q));
    std::optional<absl::StatusOr<std::uint64_t>> added;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      added.emplace(use.db().Insert(batch));
    }
    return Check(std::move(*added));
  }

  // The quads that match, each triple of the union default graph once when
  // no graph is given.
  py::list Match(const py::object& s, const py::object& p, const py::object& o, const py::object& g) {
    const std::optional<Term> subject = OptionalTerm(s), predicate = OptionalTerm(p), object = OptionalTerm(o),
                              graph = OptionalTerm(g);
    std::vector<Quad> found;
    absl::Status status;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      status = use.db().Match(subject, predicate, object, graph, [&](const Quad& quad) {
        found.push_back(quad);
        return true;
      });
    }
    Check(status);
    py::list out;
    for (Quad& q : found) {
      PyQuad quad{std::move(q.subject), std::move(q.predicate), std::move(q.object), std::nullopt};
      if (!q.InDefaultGraph()) quad.graph = std::move(q.graph);
      out.append(py::cast(std::move(quad)));
    }
    return out;
  }

  py::dict Stats() {
    std::optional<absl::StatusOr<Statistics>> stats;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      stats.emplace(use.db().Stats());
    }
    const Statistics s = Check(std::move(*stats));
    py::dict d;
    d["quads"] = s.quads;
    d["iris"] = s.iris;
    d["literals"] = s.literals;
    d["blank_nodes"] = s.blank_nodes;
    d["triple_terms"] = s.triple_terms;
    d["bytes_on_disk"] = s.bytes_on_disk;
    py::dict predicates, graphs;
    for (const auto& p : s.predicates) predicates[py::str(p.predicate.value)] = p.quads;
    for (const auto& g : s.graphs) graphs[g.graph ? py::object(ToPython(*g.graph)) : py::object(py::none())] = g.quads;
    d["predicates"] = predicates;
    d["graphs"] = graphs;
    return d;
  }

  py::dict CheckStore() {
    std::optional<absl::StatusOr<Database::CheckReport>> report;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      report.emplace(use.db().Check());
    }
    const Database::CheckReport r = Check(std::move(*report));
    py::dict d;
    d["quads"] = r.quads;
    d["terms"] = r.terms;
    d["problems"] = r.problems;
    d["ok"] = r.problems.empty();
    return d;
  }

  std::string Explain(const std::string& text, bool analyze) {
    std::optional<absl::StatusOr<std::string>> plan;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      plan.emplace(use.db().Explain(text, analyze));
    }
    return Check(std::move(*plan), text);
  }

  void Dump(const std::string& path, const std::string& format) {
    absl::Status status;
    {
      Use use(handle_);
      py::gil_scoped_release release;
      std::ofstream out(path, std::ios::binary);
      status = out ? use.db().Dump(out, format) : absl::UnavailableError("cannot write " + path);
    }
    Check(status);
  }

  void Interrupt() {
    Use use(handle_);
    use.db().Interrupt();
  }

 private:
  std::shared_ptr<Handle> handle_;
};

// The slots of the term types.
void TermDealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  reinterpret_cast<TermObject*>(self)->term.~Term();
  type->tp_free(self);
  Py_DECREF(type);  // a heap type's instances hold a reference to it
}

PyObject* TermRichCompare(PyObject* a, PyObject* b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !IsTerm(b)) Py_RETURN_NOTIMPLEMENTED;
  return PyBool_FromLong((TermOf(a) == TermOf(b)) == (op == Py_EQ));
}

Py_hash_t TermHash(PyObject* self) {
  const auto hash = static_cast<Py_hash_t>(HashOfTerm(TermOf(self)));
  return hash == -1 ? -2 : hash;  // -1 means an error to Python
}

PyObject* TermStr(PyObject* self) {
  const std::string text = TermOf(self).ToNTriples();
  return PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}

PyObject* TermRepr(PyObject* self) {
  const char* name = Py_TYPE(self)->tp_name;  // "relata.NamedNode"
  if (const char* dot = std::strrchr(name, '.')) name = dot + 1;
  const std::string text = std::string("<") + name + " " + TermOf(self).ToNTriples() + ">";
  return PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}

// Term itself is abstract; each concrete type gets its __new__ in
// MakeTermTypes.
PyObject* AbstractTermNew(PyTypeObject* type, PyObject*, PyObject*) {
  PyErr_Format(PyExc_TypeError, "%s is abstract: make a NamedNode, BlankNode, Literal or Triple", type->tp_name);
  return nullptr;
}

PyTypeObject* MakeTermType(py::module_& m, const char* name, const char* doc, PyTypeObject* base) {
  PyType_Slot slots[] = {
      {Py_tp_dealloc, reinterpret_cast<void*>(&TermDealloc)},
      {Py_tp_richcompare, reinterpret_cast<void*>(&TermRichCompare)},
      {Py_tp_hash, reinterpret_cast<void*>(&TermHash)},
      {Py_tp_str, reinterpret_cast<void*>(&TermStr)},
      {Py_tp_repr, reinterpret_cast<void*>(&TermRepr)},
      {Py_tp_new, reinterpret_cast<void*>(&AbstractTermNew)},
      {Py_tp_doc, const_cast<char*>(doc)},
      {0, nullptr},
  };
  const std::string qualified = std::string("relata.") + name;
  // Only Term is subclassed: the four are final, as their objects are made here.
  const auto flags = static_cast<unsigned int>(Py_TPFLAGS_DEFAULT | (base == nullptr ? Py_TPFLAGS_BASETYPE : 0));
  PyType_Spec spec{qualified.c_str(), static_cast<int>(sizeof(TermObject)), 0, flags, slots};
  py::object bases = base == nullptr ? py::object(py::none()) : py::make_tuple(py::handle(reinterpret_cast<PyObject*>(base)));
  PyObject* type = PyType_FromSpecWithBases(&spec, base == nullptr ? nullptr : bases.ptr());
  if (type == nullptr) throw py::error_already_set();
  // Our reference is never given back: the types live as long as the process.
  m.add_object(name, type);
  return reinterpret_cast<PyTypeObject*>(type);
}

// Binds f as the method `name` of `type` (a property's getter with a doc
// when `property`).
template <typename F>
void AddMethod(PyTypeObject* type, const char* name, F&& f, const char* doc) {
  py::handle cls(reinterpret_cast<PyObject*>(type));
  py::setattr(cls, name, py::cpp_function(std::forward<F>(f), py::name(name), py::is_method(cls), doc));
}
template <typename F>
void AddProperty(PyTypeObject* type, const char* name, F&& f, const char* doc) {
  static const auto* property = new py::object(py::module_::import("builtins").attr("property"));
  py::setattr(py::handle(reinterpret_cast<PyObject*>(type)), name,
              (*property)(py::cpp_function(std::forward<F>(f)), py::none(), py::none(), doc));
}
template <typename F, typename... Extra>
void AddNew(PyTypeObject* type, F&& f, const char* doc, Extra... extra) {
  py::setattr(py::handle(reinterpret_cast<PyObject*>(type)), "__new__",
              py::staticmethod(py::cpp_function(std::forward<F>(f), py::name("__new__"), py::arg("cls"), extra..., doc)));
}

py::object OptionalString(const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); }

void MakeTermTypes(py::module_& m) {
  g_term_type = MakeTermType(m, "Term", "An RDF term: NamedNode, BlankNode, Literal or Triple. Immutable, hashable, "
                                        "equal by value; str() is its N-Triples form.", nullptr);
  AddProperty(g_term_type, "value", [](py::handle self) { return TermOf(self.ptr()).value; },
              "The IRI, the blank node's label, or the literal's lexical form.");
  AddMethod(g_term_type, "to_python", [](py::handle self) { return Native(TermOf(self.ptr())); },
            "The value as Python has it: a literal's int, Decimal, float, bool, date, datetime or str; an IRI's str.");

  g_named_node_type = MakeTermType(m, "NamedNode", "An IRI.", g_term_type);
  AddNew(g_named_node_type,
         [](py::handle cls, const std::string& iri) {
           return NewTerm(reinterpret_cast<PyTypeObject*>(cls.ptr()), Term::Iri(iri));
         },
         "The IRI `value` (absolute, as written: relata does not resolve it).", py::arg("value"));

  g_blank_node_type = MakeTermType(m, "BlankNode", "A blank node; a new one without a label.", g_term_type);
  AddNew(g_blank_node_type,
         [](py::handle cls, const std::optional<std::string>& label) {
           static std::atomic<std::uint64_t> fresh{0};
           return NewTerm(reinterpret_cast<PyTypeObject*>(cls.ptr()),
                          Term::Blank(label ? *label : "py" + std::to_string(++fresh)));
         },
         "A blank node labelled `value`, or a fresh one.", py::arg("value") = py::none());

  g_literal_type = MakeTermType(m, "Literal",
                                "A literal: Literal('text', language='en'), Literal('5', datatype=xsd_integer), or "
                                "Literal(5) from a Python int, float, bool, Decimal, date or datetime.",
                                g_term_type);
  AddNew(
      g_literal_type,
      [](py::handle cls, const py::object& value, const py::object& datatype, const py::object& language,
         const py::object& direction) {
        auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
        if (!py::isinstance<py::str>(value)) {
          if (!datatype.is_none() || !language.is_none()) throw py::type_error("a datatype or language goes with a str");
          Term term = FromPython(value);
          if (term.kind != TermKind::kLiteral) throw py::type_error("a Literal's value is a str or a Python value");
          return NewTerm(type, std::move(term));
        }
        const std::string lexical = value.cast<std::string>();
        if (!language.is_none()) {
          return NewTerm(type, Term::LangLiteral(lexical, language.cast<std::string>(),
                                                 direction.is_none() ? "" : direction.cast<std::string>()));
        }
        if (datatype.is_none()) return NewTerm(type, Term::Literal(lexical));
        const std::string iri = IsTerm(datatype.ptr()) ? TermOf(datatype.ptr()).value : datatype.cast<std::string>();
        return NewTerm(type, Term::Literal(lexical, iri));
      },
      "A literal of lexical form `value` (a str), or of a Python value with its XSD datatype.", py::arg("value"),
      py::arg("datatype") = py::none(), py::arg("language") = py::none(), py::arg("direction") = py::none());
  AddProperty(g_literal_type, "datatype", [](py::handle self) { return ToPython(Term::Iri(TermOf(self.ptr()).datatype)); },
              "The datatype, a NamedNode (xsd:string for a plain literal, rdf:langString with a language).");
  AddProperty(g_literal_type, "language", [](py::handle self) { return OptionalString(TermOf(self.ptr()).language); },
              "The language tag, or None.");
  AddProperty(g_literal_type, "direction", [](py::handle self) { return OptionalString(TermOf(self.ptr()).direction); },
              "The base direction (\"ltr\" or \"rtl\") of a directional language string, or None.");

  g_triple_type = MakeTermType(m, "Triple", "An RDF 1.2 triple term: subject, predicate, object.", g_term_type);
  AddNew(g_triple_type,
         [](py::handle cls, const py::object& s, const py::object& p, const py::object& o) {
           return NewTerm(reinterpret_cast<PyTypeObject*>(cls.ptr()),
                          Term::Triple(FromPython(s), FromPython(p), FromPython(o)));
         },
         "The triple term of three terms (or values).", py::arg("subject"), py::arg("predicate"), py::arg("object"));
  AddProperty(g_triple_type, "subject", [](py::handle self) { return ToPython(TermOf(self.ptr()).triple[0]); },
              "The subject.");
  AddProperty(g_triple_type, "predicate", [](py::handle self) { return ToPython(TermOf(self.ptr()).triple[1]); },
              "The predicate.");
  AddProperty(g_triple_type, "object", [](py::handle self) { return ToPython(TermOf(self.ptr()).triple[2]); },
              "The object.");

  // Pickling (and copy.deepcopy): each type rebuilt from its constructor's arguments.
  AddMethod(g_term_type, "__reduce__", [](py::handle self) {
    const Term& t = TermOf(self.ptr());
    py::handle type(reinterpret_cast<PyObject*>(Py_TYPE(self.ptr())));
    switch (t.kind) {
      case TermKind::kIri:
      case TermKind::kBlank: return py::make_tuple(type, py::make_tuple(t.value));
      case TermKind::kLiteral:
        if (!t.language.empty()) {
          return py::make_tuple(type, py::make_tuple(t.value, py::none(), t.language, OptionalString(t.direction)));
        }
        return py::make_tuple(type, py::make_tuple(t.value, t.datatype));
      case TermKind::kTriple: break;
    }
    return py::make_tuple(type, py::make_tuple(ToPython(t.triple[0]), ToPython(t.triple[1]), ToPython(t.triple[2])));
  }, "How pickle rebuilds the term.");
}

}  // namespace
}  // namespace relata::python

PYBIND11_MODULE(_relata, m) {
  using namespace relata;          // NOLINT: the module's definitions read better unqualified
  using namespace relata::python;  // NOLINT
  m.doc() = "relata's engine for Python: open a store, load, query, update. See help(relata).";

  g_error = PyErr_NewExceptionWithDoc("relata.Error", "Anything relata reports: the base of its exceptions.",
                                      PyExc_Exception, nullptr);
  g_syntax_error = PyErr_NewExceptionWithDoc(
      "relata.SyntaxError", "A query or update that does not parse: `line`, `column` and `text` (the line and a caret).",
      g_error, nullptr);
  g_load_error = PyErr_NewExceptionWithDoc(
      "relata.LoadError", "Bad input to a load: `file`, `line` and `column`; the store is as it was.", g_error, nullptr);
  g_timeout = PyErr_NewExceptionWithDoc("relata.Timeout", "A query that ran past its timeout.", g_error, nullptr);
  g_cancelled = PyErr_NewExceptionWithDoc("relata.Cancelled", "A query or load cancelled (cancel(), interrupt()).",
                                          g_error, nullptr);
  m.attr("Error") = py::handle(g_error);
  m.attr("SyntaxError") = py::handle(g_syntax_error);
  m.attr("LoadError") = py::handle(g_load_error);
  m.attr("Timeout") = py::handle(g_timeout);
  m.attr("Cancelled") = py::handle(g_cancelled);

  MakeTermTypes(m);
  py::class_<PyQuad>(m, "Quad", "A triple in a graph (graph None: the default graph); unpacks as (s, p, o, g).")
      .def(py::init([](const py::object& s, const py::object& p, const py::object& o, const py::object& g) {
             return PyQuad{FromPython(s), FromPython(p), FromPython(o), OptionalTerm(g)};
           }),
           py::arg("subject"), py::arg("predicate"), py::arg("object"), py::arg("graph") = py::none(),
           "A quad of terms (or values); graph None is the default graph.")
      .def_property_readonly("subject", [](const PyQuad& q) { return ToPython(q.subject); }, "The subject.")
      .def_property_readonly("predicate", [](const PyQuad& q) { return ToPython(q.predicate); }, "The predicate.")
      .def_property_readonly("object", [](const PyQuad& q) { return ToPython(q.object); }, "The object.")
      .def_property_readonly(
          "graph", [](const PyQuad& q) { return q.graph ? ToPython(*q.graph) : py::none(); },
          "The graph's NamedNode, or None for the default graph.")
      .def(
          "__iter__",
          [](const PyQuad& q) {
            return py::iter(py::make_tuple(ToPython(q.subject), ToPython(q.predicate), ToPython(q.object),
                                           q.graph ? ToPython(*q.graph) : py::none()));
          },
          "subject, predicate, object, graph: a Quad unpacks as a 4-tuple.")
      .def("__eq__", [](const PyQuad& a, const py::object& b) {
        if (!py::isinstance<PyQuad>(b)) return false;
        const auto& q = b.cast<const PyQuad&>();
        return a.subject == q.subject && a.predicate == q.predicate && a.object == q.object && a.graph == q.graph;
      })
      .def("__hash__", [](const PyQuad& q) {
        return py::int_(std::hash<std::string>{}(q.subject.ToNTriples() + q.predicate.ToNTriples() +
                                                 q.object.ToNTriples() + (q.graph ? q.graph->ToNTriples() : "")));
      })
      .def("__repr__", [](const PyQuad& q) {
        return "<Quad " + q.subject.ToNTriples() + " " + q.predicate.ToNTriples() + " " + q.object.ToNTriples() +
               (q.graph ? " " + q.graph->ToNTriples() : "") + ">";
      });

  py::class_<Results>(m, "Results", "A query's rows, read as they come: iterate, or to_list().")
      .def_property_readonly("columns", &Results::columns, "The variable names, in order.")
      .def_property_readonly("kind", &Results::kind, "\"solutions\" (tuples) or \"triples\" (Quads).")
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__", &Results::Next)
      .def("_batch", &Results::Batch, "The rows read next, at most a batch of them; [] at the end.")
      .def_property_readonly("_complete", &Results::Complete, "Whether every row has been taken.")
      .def("to_list", &Results::All, "Every remaining row, as a list of tuples.")
      .def("cancel", &Results::Cancel, "Stops the query from any thread: reading on raises relata.Cancelled.");

  py::class_<PyPrepared>(m, "PreparedQuery", "A query parsed once: execute(var=value, ...) runs it with bindings.")
      .def("execute", &PyPrepared::Execute, py::arg("timeout") = py::none(), py::arg("memory") = py::none(),
           py::arg("native") = false, "Runs the query with each keyword's variable bound to its term (or value).");

  py::class_<PyTransaction>(m, "Transaction",
                            "Changes seen by this transaction's queries and, at commit(), by everyone at once.")
      .def("add", &PyTransaction::Add, py::arg("quad"), "Adds a Quad or (s, p, o[, g]); False when it was there.")
      .def("remove", &PyTransaction::Remove, py::arg("quad"), "Removes a Quad or (s, p, o[, g]); False when absent.")
      .def("update", &PyTransaction::Update, py::arg("sparql"),
           "Runs a SPARQL update inside the transaction; returns what it inserted and deleted.")
      .def("query", &PyTransaction::Query, py::arg("sparql"), py::arg("native") = false,
           "Queries the store as of begin() plus this transaction's own changes.")
      .def("commit", &PyTransaction::Commit, "Makes every change visible at once; returns what changed.")
      .def("rollback", &PyTransaction::Rollback, "Drops every change.")
      .def_property_readonly("active", &PyTransaction::active, "False once committed, rolled back or closed.")
      .def("__enter__", [](py::object self) { return self; }, "The transaction itself.")
      .def(
          "__exit__",
          [](PyTransaction& t, const py::object& type, const py::object&, const py::object&) {
            if (!t.active()) return false;
            if (type.is_none()) {
              t.Commit();
            } else {
              t.Rollback();
            }
            return false;
          },
          "Commits, or rolls back when an exception ends the block.");

  py::class_<PyDatabase>(m, "Database", "A relata store. Database.open(path) or Database.memory(); a context manager.")
      .def_static("open", &PyDatabase::Open, py::arg("path"), py::arg("create") = true, py::arg("read_only") = false,
                  "Opens (or creates) the store at `path`; read_only opens it beside a process that writes it.")
      .def_static("memory", &PyDatabase::Memory, "A scratch store, removed when closed.")
      .def("close", &PyDatabase::Close, "Closes the store; its open results and transactions end.")
      .def_property_readonly("closed", &PyDatabase::closed, "Whether close() was called.")
      .def_property_readonly("read_only", &PyDatabase::read_only, "Whether the store was opened read-only.")
      .def_property_readonly("path", &PyDatabase::path, "The store's directory (\":memory:\" for Database.memory()).")
      .def("__enter__", [](py::object self) { return self; }, "The database itself.")
      .def(
          "__exit__",
          [](PyDatabase& db, const py::object&, const py::object&, const py::object&) {
            db.Close();
            return false;
          },
          "Closes the database.")
      .def("load", &PyDatabase::Load, py::arg("paths"), py::arg("format") = py::none(), py::arg("lenient") = false,
           py::arg("replace") = false, py::arg("graph") = py::none(), py::arg("base_iri") = py::none(),
           "Loads files (a path or a list of them) all or nothing; returns the load report as a dict.")
      .def("query", &PyDatabase::Query, py::arg("sparql"), py::arg("timeout") = py::none(),
           py::arg("memory") = py::none(), py::arg("bindings") = py::none(), py::arg("native") = false,
           py::arg("prefixes") = py::none(), py::arg("default_graphs") = py::none(),
           py::arg("named_graphs") = py::none(),
           "Runs a SPARQL query: Results for SELECT (tuples), CONSTRUCT/DESCRIBE (Quads), a bool for ASK.")
      .def("update", &PyDatabase::Update, py::arg("sparql"), py::arg("timeout") = py::none(),
           py::arg("prefixes") = py::none(),
           "Runs a SPARQL update all or nothing; returns what it inserted and deleted.")
      .def("prepare", &PyDatabase::Prepare, py::arg("sparql"),
           "Parses a query once: a PreparedQuery to execute(var=value, ...) many times.")
      .def("begin", &PyDatabase::Begin, "A Transaction; as a context manager it commits unless an exception ends it.")
      .def("insert", &PyDatabase::Insert, py::arg("quads"), "Adds Quads or tuples in one atomic write; returns how many were new.")
      .def("match", &PyDatabase::Match, py::arg("subject") = py::none(), py::arg("predicate") = py::none(),
           py::arg("object") = py::none(), py::arg("graph") = py::none(), "The Quads matching (None: any).")
      .def("stats", &PyDatabase::Stats, "The store's counts (quads, terms, per graph) as a dict.")
      .def("check", &PyDatabase::CheckStore, "Reads the whole store and lists any inconsistency.")
      .def("explain", &PyDatabase::Explain, py::arg("sparql"), py::arg("analyze") = false,
           "The query's plan as text; with analyze=True run, with rows and times per operator.")
      .def("dump", &PyDatabase::Dump, py::arg("path"), py::arg("format") = "nquads",
           "Writes every quad to the file `path` in `format` (as load's: \"nquads\", \"trig\", ...).")
      .def("interrupt", &PyDatabase::Interrupt, "Cancels every query and update of this database running now.");
}
