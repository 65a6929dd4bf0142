// RFC 3986 5.2: split into components, merge paths, remove dot segments.
#include "query/iri.h"

#include <algorithm>
#include <cctype>

namespace relata::query {
namespace {

struct Parts {
  std::string_view scheme, authority, path, query, fragment;
  bool has_scheme = false, has_authority = false, has_query = false, has_fragment = false;
};

Parts Split(std::string_view s) {
  Parts p;
  if (HasScheme(s)) {
    const auto colon = s.find(':');
    p.scheme = s.substr(0, colon);
    p.has_scheme = true;
    s.remove_prefix(colon + 1);
  }
  if (const auto hash = s.find('#'); hash != std::string_view::npos) {
    p.fragment = s.substr(hash + 1);
    p.has_fragment = true;
    s = s.substr(0, hash);
  }
  if (const auto q = s.find('?'); q != std::string_view::npos) {
    p.query = s.substr(q + 1);
    p.has_query = true;
    s = s.substr(0, q);
  }
  if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
    const auto slash = s.find('/');
    p.authority = s.substr(0, slash);
    p.has_authority = true;
    s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
  }
  p.path = s;
  return p;
}

std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../" || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      const auto last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const auto next = in.find('/', in[0] == '/' ? 1 : 0);
      const auto segment = in.substr(0, next);
      out.append(segment);
      in.remove_prefix(segment.size());
    }
  }
  return out;
}

}  // namespace

bool HasScheme(std::string_view iri) {
  if (iri.empty() || !std::isalpha(static_cast<unsigned char>(iri[0]))) return false;
  for (std::size_t i = 1; i < iri.size(); ++i) {
    const char c = iri[i];
    if (c == ':') return true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return false;
}

bool HasOnlyIriCharacters(std::string_view iri) {
  return std::none_of(iri.begin(), iri.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || std::string_view("<>\"{}|^`\\").find(c) != std::string_view::npos;
  });
}

bool IsAbsoluteIri(std::string_view iri) { return HasScheme(iri) && HasOnlyIriCharacters(iri); }

std::string ResolveIri(std::string_view base, std::string_view reference) {
  if (base.empty()) return std::string(reference);
  const Parts r = Split(reference);
  const Parts b = Split(base);
  Parts t;
  std::string path;
  if (r.has_scheme) {
    t = r;
    path = RemoveDotSegments(r.path);
  } else {
    t.scheme = b.scheme;
    t.has_scheme = b.has_scheme;
    if (r.has_authority) {
      t.authority = r.authority;
      t.has_authority = true;
      path = RemoveDotSegments(r.path);
      t.query = r.query;
      t.has_query = r.has_query;
    } else {
      t.authority = b.authority;
      t.has_authority = b.has_authority;
      if (r.path.empty()) {
        path = std::string(b.path);
        t.query = r.has_query ? r.query : b.query;
        t.has_query = r.has_query || b.has_query;
      } else {
        if (r.path[0] == '/') {
          path = RemoveDotSegments(r.path);
        } else {
          std::string merged;
          if (b.has_authority && b.path.empty()) {
            merged = "/";
          } else {
            const auto slash = b.path.rfind('/');
            if (slash != std::string_view::npos) merged = std::string(b.path.substr(0, slash + 1));
          }
          merged.append(r.path);
          path = RemoveDotSegments(merged);
        }
        t.query = r.query;
        t.has_query = r.has_query;
      }
    }
    t.fragment = r.fragment;
    t.has_fragment = r.has_fragment;
  }
  std::string out;
  if (t.has_scheme) {
    out.append(t.scheme);
    out.push_back(':');
  }
  if (t.has_authority) {
    out.append("//");
    out.append(t.authority);
  }
  out.append(path);
  if (t.has_query) {
    out.push_back('?');
    out.append(t.query);
  }
  if (t.has_fragment) {
    out.push_back('#');
    out.append(t.fragment);
  }
  return out;
}

}  // namespace relata::query
