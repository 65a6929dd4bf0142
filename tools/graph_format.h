// Triples as a picture's graph: nodes with a label and a type, edges with a
// predicate, written as GraphML (Gephi, yEd, networkx, Cytoscape), Graphviz
// DOT, a JSON node and edge list, or rendered to SVG or PNG by Graphviz.
#ifndef RELATA_TOOLS_GRAPH_FORMAT_H_
#define RELATA_TOOLS_GRAPH_FORMAT_H_

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "relata/database.h"

namespace relata::tools {

struct DrawnGraph {
  struct Node {
    std::string id;     // the IRI, or _:label
    std::string label;  // rdfs:label, else the IRI's short form
    std::string type;   // the local name of its first rdf:type, or ""
  };
  struct Edge {
    std::string source, predicate, target;  // ids, and the predicate's IRI
  };
  std::vector<Node> nodes;  // in the order first met
  std::vector<Edge> edges;
};

// "graphml", "dot", "json".
bool IsGraphFormat(std::string_view format);

// Reads a CONSTRUCT or DESCRIBE cursor to its end: a triple whose object is
// an IRI or a blank node is an edge (rdf:type aside), rdfs:label names its
// subject, rdf:type types it; other literals are left out. `prefixes`
// shorten the IRIs of unlabelled nodes.
absl::StatusOr<DrawnGraph> ReadGraph(Cursor& cursor, const std::map<std::string, std::string>& prefixes);

void WriteGraph(const DrawnGraph& graph, std::string_view format, std::FILE* out);

// Renders `graph` into `path`, as its extension says (.svg, .png), through
// Graphviz's dot, found on the PATH at run time.
absl::Status RenderGraph(const DrawnGraph& graph, const std::string& path);

}  // namespace relata::tools

#endif  // RELATA_TOOLS_GRAPH_FORMAT_H_
