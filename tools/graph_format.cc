#include "tools/graph_format.h"

#include <cstdlib>
#include <filesystem>
#include <unordered_map>

#include "tools/result_format.h"

namespace relata::tools {
namespace {

constexpr std::string_view kRdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
constexpr std::string_view kRdfsLabel = "http://www.w3.org/2000/01/rdf-schema#label";

std::string LocalName(const std::string& iri) { return iri.substr(iri.find_last_of("/#") + 1); }

std::string IdOf(const Term& t) { return t.IsBlank() ? "_:" + t.value : t.value; }

std::string DotQuoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c == '\n' ? ' ' : c);
  }
  return out + "\"";
}

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

}  // namespace

bool IsGraphFormat(std::string_view format) { return format == "graphml" || format == "dot" || format == "json"; }

absl::StatusOr<DrawnGraph> ReadGraph(Cursor& cursor, const std::map<std::string, std::string>& prefixes) {
  DrawnGraph graph;
  std::unordered_map<std::string, std::size_t> index;
  const auto node = [&](const Term& t) -> DrawnGraph::Node& {
    const std::string id = IdOf(t);
    const auto [it, fresh] = index.try_emplace(id, graph.nodes.size());
    if (fresh) graph.nodes.push_back({id, "", ""});
    DrawnGraph::Node& n = graph.nodes[it->second];
    if (n.label.empty()) n.label = Display(t, prefixes);
    return n;
  };
  std::unordered_map<std::string, std::string> labels, types;
  while (true) {
    const absl::StatusOr<bool> more = cursor.Next();
    if (!more.ok()) return more.status();
    if (!*more) break;
    const Term& s = *cursor.row()[0];
    const Term& p = *cursor.row()[1];
    const Term& o = *cursor.row()[2];
    if (p.value == kRdfsLabel && o.IsLiteral()) {
      labels.try_emplace(IdOf(s), o.value);
      node(s);
    } else if (p.value == kRdfType && o.IsIri()) {
      types.try_emplace(IdOf(s), LocalName(o.value));
      node(s);
    } else if (o.IsIri() || o.IsBlank()) {
      node(s);
      node(o);
      graph.edges.push_back({IdOf(s), p.value, IdOf(o)});
    }
  }
  for (DrawnGraph::Node& n : graph.nodes) {
    if (const auto it = labels.find(n.id); it != labels.end()) n.label = it->second;
    if (const auto it = types.find(n.id); it != types.end()) n.type = it->second;
  }
  return graph;
}

void WriteGraph(const DrawnGraph& graph, std::string_view format, std::FILE* out) {
  std::string text;
  if (format == "graphml") {
    text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
           "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
           "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
           "  <key id=\"predicate\" for=\"edge\" attr.name=\"predicate\" attr.type=\"string\"/>\n"
           "  <key id=\"relation\" for=\"edge\" attr.name=\"label\" attr.type=\"string\"/>\n"
           "  <graph id=\"relata\" edgedefault=\"directed\">\n";
    for (const auto& n : graph.nodes) {
      text += "    <node id=\"" + XmlEscape(n.id) + "\"><data key=\"label\">" + XmlEscape(n.label) + "</data>";
      if (!n.type.empty()) text += "<data key=\"type\">" + XmlEscape(n.type) + "</data>";
      text += "</node>\n";
    }
    for (const auto& e : graph.edges) {
      text += "    <edge source=\"" + XmlEscape(e.source) + "\" target=\"" + XmlEscape(e.target) +
              "\"><data key=\"predicate\">" + XmlEscape(e.predicate) + "</data><data key=\"relation\">" +
              XmlEscape(LocalName(e.predicate)) + "</data></edge>\n";
    }
    text += "  </graph>\n</graphml>\n";
  } else if (format == "dot") {
    text = "digraph relata {\n  graph [rankdir=LR];\n  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n"
           "  edge [fontname=\"sans-serif\", fontsize=10];\n";
    for (const auto& n : graph.nodes) {
      text += "  " + DotQuoted(n.id) + " [label=" + DotQuoted(n.label);
      if (!n.type.empty()) text += ", class=" + DotQuoted(n.type) + ", tooltip=" + DotQuoted(n.type);
      text += "];\n";
    }
    for (const auto& e : graph.edges) {
      text += "  " + DotQuoted(e.source) + " -> " + DotQuoted(e.target) + " [label=" + DotQuoted(LocalName(e.predicate)) +
              "];\n";
    }
    text += "}\n";
  } else {
    text = "{\"nodes\":[";
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      const auto& n = graph.nodes[i];
      text += std::string(i ? ",\n" : "\n") + "{\"id\":" + Json(n.id) + ",\"label\":" + Json(n.label);
      if (!n.type.empty()) text += ",\"type\":" + Json(n.type);
      text += "}";
    }
    text += "],\n\"edges\":[";
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
      const auto& e = graph.edges[i];
      text += std::string(i ? ",\n" : "\n") + "{\"source\":" + Json(e.source) + ",\"predicate\":" + Json(e.predicate) +
              ",\"target\":" + Json(e.target) + "}";
    }
    text += "]}\n";
  }
  std::fwrite(text.data(), 1, text.size(), out);
}

absl::Status RenderGraph(const DrawnGraph& graph, const std::string& path) {
  const std::string type = std::filesystem::path(path).extension().string();
  if (type != ".svg" && type != ".png") return absl::InvalidArgumentError(path + ": a picture is .svg or .png");
  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    return absl::FailedPreconditionError(
        "drawing needs Graphviz's dot, which is not on the PATH (Debian: apt-get install graphviz); "
        "write .dot or .graphml instead");
  }
  std::string quoted = "'";
  for (const char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  std::FILE* dot = popen(("dot -T" + type.substr(1) + " -o " + quoted).c_str(), "w");
  if (dot == nullptr) return absl::InternalError("cannot run dot");
  WriteGraph(graph, "dot", dot);
  const int status = pclose(dot);
  if (status != 0) return absl::InternalError("dot could not draw " + path);
  return absl::OkStatus();
}

}  // namespace relata::tools
