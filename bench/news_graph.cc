// The news-shaped graph generator; see news_graph.h.
#include "bench/news_graph.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace relata::bench {
namespace {

constexpr char kKg[] = "https://relata.dev/kg/";
constexpr char kEntity[] = "https://relata.dev/e/";
constexpr char kDoc[] = "https://relata.dev/doc/";
constexpr char kRdfType[] = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
constexpr char kReifies[] = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies>";
constexpr char kLabel[] = "<http://www.w3.org/2000/01/rdf-schema#label>";
constexpr char kSameAs[] = "<http://www.w3.org/2002/07/owl#sameAs>";
constexpr char kXsd[] = "http://www.w3.org/2001/XMLSchema#";

// splitmix64: fast, and the same sequence on every platform.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Index in [0, n) with a heavy head: a few entities are in most relations.
  std::uint64_t PowerLaw(std::uint64_t n) {
    const double u = Unit();
    return std::min<std::uint64_t>(n - 1, static_cast<std::uint64_t>(static_cast<double>(n) * u * u * u));
  }

 private:
  std::uint64_t state_;
};

// Draws from a fixed Zipf(1) distribution over [0, n).
class Zipf {
 public:
  explicit Zipf(std::size_t n) : cumulative_(n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) cumulative_[i] = sum += 1.0 / static_cast<double>(i + 1);
    for (double& c : cumulative_) c /= sum;
  }
  std::size_t Draw(Random& random) const {
    const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), random.Unit());
    return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative_.begin()), cumulative_.size() - 1);
  }

 private:
  std::vector<double> cumulative_;
};

const char* const kTypes[] = {"Person", "Organization", "State", "City", "Event", "Project",
                              "Company", "Treaty", "Region", "Ministry", "Party", "Pipeline"};
const char* const kSyllables[] = {"ka", "ro", "vel", "min", "tas", "sho", "li", "an", "dre", "mo",
                                  "zen", "bra", "ci", "ul", "nov", "hai", "pe", "tri", "sa", "gor"};
const char* const kWords[] = {"member",   "located", "signed",  "leader", "partner", "supplies",
                              "attended", "funds",   "borders", "meets",  "opposes", "builds",
                              "owns",     "hosts",   "allied",  "sanctioned", "exports", "invests"};
const char* const kSources[] = {"Reuters", "TASS", "Xinhua", "AP", "AFP", "Interfax", "BBC"};

std::string Name(Random& random, int syllables) {
  std::string name;
  for (int i = 0; i < syllables; ++i) name += kSyllables[random.Below(std::size(kSyllables))];
  name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

// Sentences of news text: words drawn with a Zipf skew, as words in text are,
// from the commonest English words, then words of the news domain, then made
// up ones (a long tail of names and rare words). Every evidence span the
// generators write is one.
class Prose {
 public:
  Prose() : zipf_(kVocabulary) {
    static constexpr const char* kCommon[] = {
        "the", "of", "and", "to", "in", "a", "said", "on", "for", "that", "with", "by", "as", "at", "from",
        "was", "is", "its", "has", "will", "have", "be", "are", "an", "which", "this", "were", "after", "over",
        "more", "than", "also", "their", "between", "two", "new", "first", "year", "last", "would"};
    static constexpr const char* kNews[] = {
        "president", "minister", "gas", "oil", "pipeline", "trade", "national", "currencies", "agreement",
        "sanctions", "summit", "energy", "bank", "talks", "cooperation", "security", "border", "military",
        "economic", "investment", "project", "supplies", "exports", "imports", "deal", "visit", "meeting",
        "foreign", "government", "prices", "market", "growth", "power", "siberia", "china", "russia",
        "europe", "union", "council", "treaty", "defence", "nuclear", "agency", "report", "official",
        "spokesman", "ministry", "parliament", "election", "policy", "relations", "development",
        "infrastructure", "construction", "railway", "port", "shipping", "grain", "wheat", "coal",
        "electricity", "technology", "satellite", "space", "finance", "payment", "rouble", "yuan", "dollar",
        "reserve", "debt", "loan", "fund", "budget", "tax", "tariffs", "production", "output", "capacity",
        "plant", "field", "reserves", "crude", "refinery", "tanker", "route", "corridor", "region",
        "province", "capital", "leaders", "delegation", "forum", "declaration", "memorandum", "partnership",
        "strategic", "bilateral", "regional", "international", "global", "annual", "joint", "currency",
        "settlements", "organisation", "shanghai", "brics", "eurasian", "pipelines", "transit", "contract"};
    for (const char* word : kCommon) words_.emplace_back(word);
    for (const char* word : kNews) words_.emplace_back(word);
    Random random(20260623);
    while (words_.size() < kVocabulary) {
      std::string word = Name(random, 2 + static_cast<int>(random.Below(2)));
      word[0] = static_cast<char>(word[0] - 'A' + 'a');
      words_.push_back(std::move(word));
    }
  }
  std::string Sentence(Random& random) const {
    const std::uint64_t length = 10 + random.Below(21);
    std::string sentence;
    for (std::uint64_t i = 0; i < length; ++i) {
      if (i > 0) sentence += ' ';
      sentence += words_[zipf_.Draw(random)];
    }
    sentence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence[0])));
    return sentence + ".";
  }

 private:
  static constexpr std::size_t kVocabulary = 5000;
  Zipf zipf_;
  std::vector<std::string> words_;
};

const Prose& NewsProse() {
  static const Prose prose;
  return prose;
}

std::string Date(Random& random) {
  char text[48];  // what the compiler allows for three ints, though dates need 11
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", 1990 + static_cast<int>(random.Below(36)),
                1 + static_cast<int>(random.Below(12)), 1 + static_cast<int>(random.Below(28)));
  return text;
}

class Writer {
 public:
  // Writes at most `limit` quads: the rest are dropped, so that a record
  // of several quads cut short still leaves exactly `limit`.
  Writer(std::FILE* out, std::uint64_t limit) : out_(out), limit_(limit) {}
  std::uint64_t quads() const { return quads_; }
  void Quad(const std::string& s, const std::string& p, const std::string& o, const std::string& g) {
    if (quads_ == limit_) return;
    line_ = s;
    line_ += ' ';
    line_ += p;
    line_ += ' ';
    line_ += o;
    if (!g.empty()) {
      line_ += ' ';
      line_ += g;
    }
    line_ += " .\n";
    std::fwrite(line_.data(), 1, line_.size(), out_);
    ++quads_;
  }

 private:
  std::FILE* out_;
  const std::uint64_t limit_;
  std::string line_;
  std::uint64_t quads_ = 0;
};

std::string Iri(const char* base, const std::string& local) { return "<" + std::string(base) + local + ">"; }
std::string Plain(const std::string& text) { return "\"" + text + "\""; }
std::string Typed(const std::string& text, const char* type) {
  return "\"" + text + "\"^^<" + std::string(kXsd) + type + ">";
}

}  // namespace

std::uint64_t GenerateNewsGraph(const NewsGraphOptions& options, std::FILE* out) {
  Random random(options.seed);
  Writer writer(out, options.triples);

  // About one entity per 12 quads, as extractors over news produce.
  const std::uint64_t entity_count = std::max<std::uint64_t>(10, options.triples / 12);
  std::vector<std::string> entities;
  entities.reserve(entity_count);
  std::vector<std::string> predicates;
  for (std::size_t i = 0; i < 200; ++i) {
    predicates.push_back(Iri(kKg, std::string(kWords[i % std::size(kWords)]) + "_" +
                                      kWords[(i / std::size(kWords) + 3) % std::size(kWords)] +
                                      (i < std::size(kWords) ? "" : "_" + std::to_string(i))));
  }
  const Zipf predicate_use(predicates.size());
  const Zipf type_use(std::size(kTypes));

  for (std::uint64_t e = 0; e < entity_count && writer.quads() < options.triples; ++e) {
    const char* type = kTypes[type_use.Draw(random)];
    const std::string name = Name(random, 2) + " " + Name(random, 3);
    std::string slug = name + "-" + std::to_string(e);
    std::replace(slug.begin(), slug.end(), ' ', '-');
    std::transform(slug.begin(), slug.end(), slug.begin(), [](unsigned char c) { return std::tolower(c); });
    entities.push_back(Iri(kEntity, slug));
    const std::string& subject = entities.back();
    writer.Quad(subject, kRdfType, Iri(kKg, type), "");
    writer.Quad(subject, kLabel, Plain(name), "");
    if (random.Below(2) == 0) writer.Quad(subject, Iri(kKg, "alias"), Plain(name.substr(name.find(' ') + 1)), "");
    if (random.Below(2) == 0) {
      writer.Quad(subject, kSameAs, "<http://www.wikidata.org/entity/Q" + std::to_string(100000 + e) + ">", "");
    }
    if (random.Below(3) == 0) writer.Quad(subject, Iri(kKg, "founded"), Typed(Date(random), "date"), "");
    if (random.Below(4) == 0) {
      writer.Quad(subject, Iri(kKg, "population"), Typed(std::to_string(random.Below(200000000)), "integer"), "");
    }
  }

  std::uint64_t document = 0, reifier = 0;
  while (writer.quads() < options.triples) {
    const std::string graph = Iri(kDoc, "article-" + std::to_string(document));
    writer.Quad(graph, Iri(kKg, "title"), Plain(Name(random, 3) + " meets " + Name(random, 2)), graph);
    writer.Quad(graph, Iri(kKg, "published"),
                Typed(Date(random) + "T" + std::to_string(10 + random.Below(14)) + ":00:00Z", "dateTime"), graph);
    writer.Quad(graph, Iri(kKg, "source"), Plain(kSources[random.Below(std::size(kSources))]), graph);
    writer.Quad(graph, Iri(kKg, "url"), "<https://news.example/" + std::to_string(document) + ">", graph);
    const std::uint64_t relations = 10 + random.Below(60);
    for (std::uint64_t r = 0; r < relations && writer.quads() < options.triples; ++r) {
      const std::string& subject = entities[random.PowerLaw(entities.size())];
      const std::string& predicate = predicates[predicate_use.Draw(random)];
      std::string object;
      switch (random.Below(8)) {
        case 0: object = Typed(Date(random), "date"); break;
        case 1: object = Typed(std::to_string(random.Below(1000)) + "." + std::to_string(random.Below(100)), "decimal"); break;
        case 2: object = Plain(Name(random, 4)); break;
        default: object = entities[random.PowerLaw(entities.size())];
      }
      writer.Quad(subject, predicate, object, graph);
      if (options.rdf12 && random.Below(3) == 0) {
        const std::string node = Iri(kKg, "r" + std::to_string(reifier++));
        writer.Quad(node, kReifies, "<<( " + subject + " " + predicate + " " + object + " )>>", graph);
        writer.Quad(node, Iri(kKg, "confidence"), Typed("0." + std::to_string(50 + random.Below(50)), "decimal"), graph);
        writer.Quad(node, Iri(kKg, "evidence"), Plain(NewsProse().Sentence(random)), graph);
      }
    }
    ++document;
  }
  return writer.quads();
}

std::uint64_t GenerateNewsKgJsonl(std::uint64_t relation_count, std::uint64_t seed, std::FILE* out) {
  Random random(seed);
  std::uint64_t lines = 0;
  std::string line;
  const auto emit = [&] {
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out);
    line.clear();
    ++lines;
  };
  struct Entity {
    std::string name;
    const char* type;
  };
  const std::uint64_t entity_count = std::max<std::uint64_t>(10, relation_count / 4);
  std::vector<Entity> entities;
  entities.reserve(entity_count);
  const Zipf type_use(std::size(kTypes));
  for (std::uint64_t e = 0; e < entity_count; ++e) {
    // A number in each name: the generated syllables repeat, and entities
    // of one name and type would be merged (as they should).
    entities.push_back({Name(random, 2) + " " + Name(random, 3) + " " + std::to_string(e), kTypes[type_use.Draw(random)]});
    const Entity& entity = entities.back();
    line = "{\"kind\":\"entity\",\"id\":\"n" + std::to_string(e) + "\",\"type\":\"" + entity.type +
           "\",\"name\":\"" + entity.name + "\"";
    if (random.Below(2) == 0) line += ",\"aliases\":[\"" + entity.name.substr(entity.name.find(' ') + 1) + "\"]";
    if (random.Below(2) == 0) line += ",\"same_as\":[\"http://www.wikidata.org/entity/Q" + std::to_string(100000 + e) + "\"]";
    if (random.Below(3) == 0) line += ",\"properties\":{\"founded\":\"" + Date(random) + "\"}";
    line += "}";
    emit();
  }
  std::vector<std::string> predicates;
  for (std::size_t i = 0; i < 200; ++i) {
    predicates.push_back(std::string(kWords[i % std::size(kWords)]) + "_" +
                         kWords[(i / std::size(kWords) + 3) % std::size(kWords)] +
                         (i < std::size(kWords) ? "" : "_" + std::to_string(i)));
  }
  const Zipf predicate_use(predicates.size());
  const auto end = [&](std::uint64_t index) {
    const Entity& entity = entities[index];
    if (random.Below(3) == 0) {
      return "{\"name\":\"" + entity.name + "\",\"type\":\"" + entity.type + "\"}";
    }
    return "\"n" + std::to_string(index) + "\"";
  };
  std::uint64_t written = 0;
  for (std::uint64_t document = 0; written < relation_count; ++document) {
    const std::string id = "article-" + std::to_string(document);
    line = "{\"kind\":\"document\",\"id\":\"" + id + "\",\"title\":\"" + Name(random, 3) + " meets " +
           Name(random, 2) + "\",\"published\":\"" + Date(random) + "\",\"source\":\"" +
           kSources[random.Below(std::size(kSources))] + "\",\"url\":\"https://news.example/" +
           std::to_string(document) + "\"}";
    emit();
    const std::uint64_t relations = 10 + random.Below(60);
    for (std::uint64_t r = 0; r < relations && written < relation_count; ++r, ++written) {
      const std::uint64_t start = random.Below(4000);
      line = "{\"kind\":\"relation\",\"subject\":" + end(random.PowerLaw(entities.size())) +
             ",\"predicate\":\"" + predicates[predicate_use.Draw(random)] +
             "\",\"object\":" + end(random.PowerLaw(entities.size())) + ",\"document\":\"" + id +
             "\",\"confidence\":0." + std::to_string(50 + random.Below(50)) + ",\"evidence\":{\"text\":\"" +
             NewsProse().Sentence(random) + "\",\"start\":" + std::to_string(start) +
             ",\"end\":" + std::to_string(start + 40 + random.Below(200)) + "}}";
      emit();
    }
  }
  return lines;
}

}  // namespace relata::bench
