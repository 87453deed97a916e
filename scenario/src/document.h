// The scenario document as a plain tree (internal to the loader).
//
// yaml-cpp's Node is reference-counted, creates keys on lookup and does not
// report duplicate keys; the loader converts it once into this value tree,
// which records where every node came from (file line/column or a --set
// override), then applies overrides and decodes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tracesim/scenario/loader.h"
#include "tracesim/status.h"

namespace tracesim::scenario::internal {

// Where a node was written.
struct Origin {
  int line = -1;            // 0-based; -1 when unknown
  int column = -1;          // 0-based; -1 when unknown
  int override_index = -1;  // >= 0: the node came from overrides[override_index]
};

struct MapEntry;

struct Node {
  enum class Kind { kNull, kScalar, kMap, kSequence };

  Kind kind = Kind::kNull;
  std::string scalar;             // kScalar: the text
  bool quoted = false;            // kScalar: written quoted (or tagged !!str): always a string
  std::vector<MapEntry> entries;  // kMap, in document order, keys unique
  std::vector<Node> items;        // kSequence
  Origin origin;

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSequence() const { return kind == Kind::kSequence; }

  // kMap only: the value for `key`, or nullptr.
  const Node* Find(std::string_view key) const;
  Node* Find(std::string_view key);
};

struct MapEntry {
  std::string key;
  Origin key_origin;
  Node value;
};

// Parses one YAML document. `source` names it in errors:
// "<source>:<line>:<column>: invalid YAML: <yaml-cpp message>", and
// "<source>:<line>:<column>: <key.path>: duplicate key ...". Every node gets
// `override_index` as its origin's override index. An empty document is a
// kNull node. Error if the text holds more than one document, a mapping key
// that is not a scalar, or nesting deeper than 64 levels.
StatusOr<Node> ParseDocument(std::string_view text, std::string_view source, int override_index = -1);

// Applies overrides[index] to `root` (see loader.h). Intermediate keys that
// do not exist are created as mappings, a null node on the path becomes a
// mapping; sequence indices must be in range. Errors name the override:
// "<source>: --set <path>=<value>: ...".
Status ApplyOverride(Node& root, const Override& override_spec, int index, std::string_view source);

// Puts `value` at the dotted key path `path` of `root` (the same rules as
// ApplyOverride: numeric segments index sequences, missing keys are created,
// a created key gets `created_key_origin`, or `value`'s origin when null).
// Errors start with `prefix`.
Status SetNodeAt(Node& root, std::string_view path, Node value, const std::string& prefix,
                 const Origin* created_key_origin = nullptr);

// The node as one line of flow-style YAML ("{type: always_on, ratio: 0.5}",
// "[a, b]", "\"quoted\""); ParseDocument of the result gives the same tree.
std::string EmitFlow(const Node& node);

// A short description of a node for "got ..." in error messages: a plain
// scalar as written (quoted with '...' unless it is a number), a quoted
// string with "...", "a mapping", "a sequence", "nothing (null)".
std::string Describe(const Node& node);

// "a.b" / "a[3]": key paths as printed in errors.
std::string JoinKey(std::string_view parent, std::string_view key);
std::string JoinIndex(std::string_view parent, size_t index);

}  // namespace tracesim::scenario::internal
