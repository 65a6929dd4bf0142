#include "tests/testing/xml.h"

#include "query/uchar.h"

namespace relata::testing::xml {
namespace {

std::string DecodeEntities(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    const auto end = s.find(';', i);
    const std::string_view entity = s.substr(i + 1, end - i - 1);
    if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "amp") out += '&';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (!entity.empty() && entity[0] == '#') {
      const bool hex = entity.size() > 1 && entity[1] == 'x';
      query::AppendUtf8(static_cast<char32_t>(std::stoul(std::string(entity.substr(hex ? 2 : 1)), nullptr,
                                                         hex ? 16 : 10)),
                        &out);
    }
    i = end;
  }
  return out;
}

class XmlParser {
 public:
  explicit XmlParser(std::string_view text) : s_(text) {}
  std::unique_ptr<Element> Document() {
    auto root = std::make_unique<Element>();
    while (pos_ < s_.size()) {
      const auto lt = s_.find('<', pos_);
      if (lt == std::string_view::npos) break;
      pos_ = lt;
      if (s_.substr(pos_, 2) == "<?" || s_.substr(pos_, 2) == "<!") {
        pos_ = s_.find('>', pos_) + 1;
        continue;
      }
      root->children.push_back(ElementAt());
    }
    return root;
  }

 private:
  // At '<' of a start tag.
  std::unique_ptr<Element> ElementAt() {
    auto e = std::make_unique<Element>();
    ++pos_;
    const auto name_end = s_.find_first_of(" \t\r\n/>", pos_);
    e->name = std::string(s_.substr(pos_, name_end - pos_));
    pos_ = name_end;
    while (true) {
      pos_ = s_.find_first_not_of(" \t\r\n", pos_);
      if (s_[pos_] == '/') {
        pos_ += 2;
        return e;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      const auto eq = s_.find('=', pos_);
      std::string attr(s_.substr(pos_, eq - pos_));
      const char quote = s_[eq + 1];
      const auto close = s_.find(quote, eq + 2);
      e->attributes[attr] = DecodeEntities(s_.substr(eq + 2, close - eq - 2));
      pos_ = close + 1;
    }
    while (true) {
      const auto lt = s_.find('<', pos_);
      e->text += DecodeEntities(s_.substr(pos_, lt - pos_));
      pos_ = lt;
      if (s_.substr(pos_, 2) == "</") {
        pos_ = s_.find('>', pos_) + 1;
        return e;
      }
      if (s_.substr(pos_, 4) == "<!--") {
        pos_ = s_.find("-->", pos_) + 3;
        continue;
      }
      e->children.push_back(ElementAt());
    }
  }
  std::string_view s_;
  std::size_t pos_ = 0;
};


}  // namespace

std::unique_ptr<Element> Parse(std::string_view text) { return XmlParser(text).Document(); }

}  // namespace relata::testing::xml
