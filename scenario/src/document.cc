#include "document.h"

// GCC 12 reports false -Wdangling-pointer positives inside yaml-cpp 0.7's
// node/impl.h (Node::EnsureNodeExists and friends); silence them for this
// header only.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
#include <yaml-cpp/yaml.h>
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif

#include <charconv>
#include <exception>
#include <string>
#include <system_error>

namespace tracesim::scenario::internal {
namespace {

constexpr int kMaxDepth = 64;
// Aliases are expanded into copies; this bounds what a small file with
// nested aliases ("billion laughs") can expand to.
constexpr size_t kMaxNodes = 1'000'000;

// "<source>:<line>:<column>"; for an override value only "<source>" (which
// then reads "<file>: --set key=value"), since its lines are not the file's.
std::string Location(std::string_view source, const YAML::Mark& mark, int override_index) {
  std::string out(source);
  if (mark.line >= 0 && override_index < 0) {
    out += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  return out;
}

Origin ToOrigin(const YAML::Mark& mark, int override_index) {
  Origin o;
  o.line = mark.line;
  o.column = mark.column;
  o.override_index = override_index;
  return o;
}

std::string Clip(std::string_view s);

// Converts one yaml-cpp node (recursively). `path` is the key path of `in`.
Status Convert(const YAML::Node& in, std::string_view source, int override_index, int depth,
               const std::string& path, size_t* node_count, Node* out) {
  out->origin = ToOrigin(in.Mark(), override_index);
  if (depth > kMaxDepth) {
    return Status::InvalidArgument(Location(source, in.Mark(), override_index) + ": " + Clip(path) +
                                   ": nesting deeper than " + std::to_string(kMaxDepth) +
                                   " levels (a recursive alias?)");
  }
  if (++*node_count > kMaxNodes) {
    return Status::InvalidArgument(Location(source, in.Mark(), override_index) + ": " +
                                   (path.empty() ? std::string("(document)") : Clip(path)) +
                                   ": the document expands to more than " + std::to_string(kMaxNodes) +
                                   " nodes (aliases of aliases?)");
  }
  switch (in.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out->kind = Node::Kind::kNull;
      return Status::Ok();
    case YAML::NodeType::Scalar:
      out->kind = Node::Kind::kScalar;
      out->scalar = in.Scalar();
      // "?" = plain scalar, "!" = quoted scalar; an explicit !!str also makes a string.
      out->quoted = in.Tag() == "!" || in.Tag() == "tag:yaml.org,2002:str";
      return Status::Ok();
    case YAML::NodeType::Sequence: {
      out->kind = Node::Kind::kSequence;
      size_t i = 0;
      for (const YAML::Node& child : in) {
        Node item;
        Status st = Convert(child, source, override_index, depth + 1, JoinIndex(path, i), node_count, &item);
        if (!st.ok()) return st;
        if (item.origin.line < 0) item.origin = out->origin;
        out->items.push_back(std::move(item));
        ++i;
      }
      return Status::Ok();
    }
    case YAML::NodeType::Map: {
      out->kind = Node::Kind::kMap;
      for (auto it = in.begin(); it != in.end(); ++it) {
        // Copies, not references: yaml-cpp's iterator returns a temporary
        // whose members a reference would outlive (stack-use-after-scope).
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar() && !key.IsNull()) {
          return Status::InvalidArgument(
              Location(source, key.Mark(), override_index) + ": " + (path.empty() ? "(document)" : path) +
              ": mapping keys must be plain names, got a " + (key.IsMap() ? "mapping" : "sequence"));
        }
        std::string name = key.IsNull() ? std::string("null") : key.Scalar();
        std::string child_path = JoinKey(path, name);
        if (const Node* first = out->Find(name); first != nullptr) {
          std::string where;
          for (const MapEntry& e : out->entries) {
            if (e.key == name && e.key_origin.line >= 0)
              where = " (first at line " + std::to_string(e.key_origin.line + 1) + ")";
          }
          return Status::InvalidArgument(Location(source, key.Mark(), override_index) + ": " + child_path +
                                         ": duplicate key '" + name + "'" + where);
        }
        MapEntry entry;
        entry.key = std::move(name);
        entry.key_origin = ToOrigin(key.Mark(), override_index);
        Status st = Convert(value, source, override_index, depth + 1, child_path, node_count, &entry.value);
        if (!st.ok()) return st;
        // An empty value ("key:") has no position of its own: use the key's.
        if (entry.value.origin.line < 0) entry.value.origin = entry.key_origin;
        out->entries.push_back(std::move(entry));
      }
      return Status::Ok();
    }
  }
  return Status::Internal("unknown YAML node type");
}

bool IsNumberText(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string Clip(std::string_view s) {
  constexpr size_t kMax = 60;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax)) + "...";
}

}  // namespace

const Node* Node::Find(std::string_view key) const {
  for (const MapEntry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

Node* Node::Find(std::string_view key) {
  for (MapEntry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

std::string JoinKey(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string JoinIndex(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

StatusOr<Node> ParseDocument(std::string_view text, std::string_view source, int override_index) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(Location(source, e.mark, override_index) + ": invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string(source) + ": invalid YAML: " + e.what());
  }
  if (docs.size() > 1) {
    return Status::InvalidArgument(Location(source, docs[1].Mark(), override_index) +
                                   ": expected a single YAML document, found " + std::to_string(docs.size()) +
                                   " (remove the extra '---')");
  }
  Node root;
  root.origin.override_index = override_index;
  if (override_index < 0) {  // an empty file is "at" its first line
    root.origin.line = 0;
    root.origin.column = 0;
  }
  if (docs.empty()) return root;  // an empty document
  try {
    size_t node_count = 0;
    Status st = Convert(docs[0], source, override_index, 0, "", &node_count, &root);
    if (!st.ok()) return st;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(Location(source, e.mark, override_index) + ": invalid YAML: " + e.msg);
  }
  if (root.origin.line < 0 && override_index < 0) {
    root.origin.line = 0;
    root.origin.column = 0;
  }
  return root;
}

Status SetNodeAt(Node& root, std::string_view path, Node value, const std::string& prefix,
                 const Origin* created_key_origin) {
  std::vector<std::string> segments;
  while (true) {
    size_t dot = path.find('.');
    segments.emplace_back(path.substr(0, dot));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  for (const std::string& seg : segments) {
    if (seg.empty()) return Status::InvalidArgument(prefix + ": the key path has an empty segment");
  }
  Origin here;
  here.override_index = value.origin.override_index;
  if (here.override_index < 0) here = value.origin;
  if (created_key_origin != nullptr) here = *created_key_origin;

  Node* cur = &root;
  std::string walked;  // dotted path walked so far, for messages
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const bool last = i + 1 == segments.size();
    const std::string where = walked.empty() ? std::string("the document") : "'" + walked + "'";
    if (cur->IsNull()) {
      cur->kind = Node::Kind::kMap;  // "key:" with no value, or an empty document
    }
    if (cur->IsMap()) {
      Node* child = cur->Find(seg);
      if (child == nullptr) {
        MapEntry entry;
        entry.key = seg;
        entry.key_origin = here;
        entry.value.origin = here;
        cur->entries.push_back(std::move(entry));
        child = &cur->entries.back().value;
      }
      if (last) {
        *child = std::move(value);
      }
      cur = child;
    } else if (cur->IsSequence()) {
      size_t idx = 0;
      auto [ptr, ec] = std::from_chars(seg.data(), seg.data() + seg.size(), idx);
      if (ec != std::errc() || ptr != seg.data() + seg.size()) {
        return Status::InvalidArgument(prefix + ": " + where +
                                       " is a sequence; expected an index (0, 1, ...), got '" + seg + "'");
      }
      if (idx >= cur->items.size()) {
        return Status::InvalidArgument(prefix + ": index " + seg + " is out of range: " + where + " has " +
                                       std::to_string(cur->items.size()) + " element" +
                                       (cur->items.size() == 1 ? "" : "s"));
      }
      if (last) cur->items[idx] = std::move(value);
      cur = &cur->items[idx];
    } else {
      return Status::InvalidArgument(prefix + ": " + where + " is a scalar (" + Describe(*cur) +
                                     "); cannot set '" + seg + "' inside it");
    }
    walked = walked.empty() ? seg : walked + "." + seg;
  }
  return Status::Ok();
}

Status ApplyOverride(Node& root, const Override& override_spec, int index, std::string_view source) {
  const std::string prefix =
      std::string(source) + ": --set " + override_spec.path + "=" + override_spec.value;
  for (size_t start = 0;;) {  // report an empty segment before parsing the value
    const size_t dot = override_spec.path.find('.', start);
    const size_t end = dot == std::string::npos ? override_spec.path.size() : dot;
    if (end == start) return Status::InvalidArgument(prefix + ": the key path has an empty segment");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  StatusOr<Node> value = ParseDocument(override_spec.value, prefix, index);
  if (!value.ok()) return value.status();
  value->origin.override_index = index;
  return SetNodeAt(root, override_spec.path, std::move(*value), prefix);
}

namespace {

void Emit(const Node& n, YAML::Emitter& out) {
  switch (n.kind) {
    case Node::Kind::kNull:
      out << YAML::Null;
      return;
    case Node::Kind::kScalar:
      if (n.quoted) {
        out << YAML::DoubleQuoted << n.scalar;
      } else {
        out << n.scalar;
      }
      return;
    case Node::Kind::kSequence:
      out << YAML::Flow << YAML::BeginSeq;
      for (const Node& item : n.items) Emit(item, out);
      out << YAML::EndSeq;
      return;
    case Node::Kind::kMap:
      out << YAML::Flow << YAML::BeginMap;
      for (const MapEntry& e : n.entries) {
        out << YAML::Key << e.key << YAML::Value;
        Emit(e.value, out);
      }
      out << YAML::EndMap;
      return;
  }
}

}  // namespace

std::string EmitFlow(const Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  Emit(node, out);
  return out.c_str();
}

std::string Describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      return "nothing (null)";
    case Node::Kind::kMap:
      return "a mapping";
    case Node::Kind::kSequence:
      return "a sequence";
    case Node::Kind::kScalar:
      if (node.quoted) return "\"" + Clip(node.scalar) + "\"";
      if (IsNumberText(node.scalar)) return node.scalar;
      return "'" + Clip(node.scalar) + "'";
  }
  return "?";
}

}  // namespace tracesim::scenario::internal
