// `variants:` — named copies of the scenario with some keys changed; each is
// validated in full on the document with its `set:` applied (see decoder.h).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "decoder.h"

namespace tracesim::scenario::internal {
namespace {

// [a-z0-9][a-z0-9_-]*
bool IsValidVariantName(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

struct VariantRef {
  const Node* set = nullptr;  // the `set:` mapping, or nullptr
  std::string path;           // "variants[i]"
  bool ok = false;            // decoded without errors
};

}  // namespace

void Decoder::DecodeVariants(const Node& root, const Map& m, std::vector<VariantSpec>* variants) {
  const Node* n = m.Get("variants");
  if (n == nullptr || n->IsNull()) return;
  const std::string path = m.Path("variants");
  if (!n->IsSequence()) {
    FailExpected(*n, path, "a sequence of variants (- {name: <name>, set: {<key.path>: <value>}})");
    return;
  }
  const bool base_valid = errors_.empty();
  variants->clear();
  std::vector<VariantRef> refs;
  for (size_t i = 0; i < n->items.size(); ++i) {
    const Node& item = n->items[i];
    const std::string item_path = JoinIndex(path, i);
    const size_t errors_before = errors_.size();
    VariantSpec v;
    VariantRef ref;
    ref.path = item_path;
    std::optional<Map> vm = OpenMap(&item, item_path, item.origin, {"name", "set"}, "a variant: a mapping");
    if (vm && item.IsNull()) {
      Fail(item.origin, item_path, "empty variant; expected {name: <name>, set: {<key.path>: <value>}}");
    } else if (vm) {
      if (Require(*vm, "name", "e.g. name: tail-sampling") && ReadString(*vm, "name", &v.name)) {
        const Node* name_node = vm->Get("name");
        if (!IsValidVariantName(v.name)) {
          FailExpected(
              *name_node, vm->Path("name"),
              "a variant name: lowercase letters, digits, '_' and '-', starting with a letter or digit");
        } else {
          for (size_t j = 0; j < variants->size(); ++j) {
            if ((*variants)[j].name == v.name) {
              Fail(name_node->origin, vm->Path("name"),
                   "duplicate variant name '" + v.name + "' (already used by " + JoinIndex(path, j) + ")");
              break;
            }
          }
        }
      }
      // set: absent or empty = the scenario unchanged (a baseline variant).
      if (const Node* set = vm->Get("set"); set != nullptr && !set->IsNull()) {
        const std::string set_path = vm->Path("set");
        if (!set->IsMap()) {
          FailExpected(*set, set_path, "a mapping of key paths to values ({tracing.sampler.ratio: 0.1})");
        } else {
          ref.set = set;
          for (const MapEntry& e : set->entries) {
            const std::string entry_path = set_path + "." + e.key;
            const std::string first = e.key.substr(0, e.key.find('.'));
            if (e.key.empty() || e.key.front() == '.' || e.key.back() == '.' ||
                e.key.find("..") != std::string::npos) {
              Fail(e.key_origin, entry_path,
                   "the key path has an empty segment (keys are separated by single dots)");
            } else if (first == "variants") {
              Fail(e.key_origin, entry_path, "a variant cannot change `variants`");
            } else if (e.key == "name") {
              Fail(e.key_origin, entry_path,
                   "a variant cannot change the scenario's `name` (the variant's own name is its `name`)");
            } else {
              v.set.emplace_back(e.key, EmitFlow(e.value));
            }
          }
        }
      }
    }
    ref.ok = errors_.size() == errors_before;
    variants->push_back(std::move(v));
    refs.push_back(ref);
  }
  if (!base_valid) return;  // a variant of an invalid scenario would repeat its errors

  // Each variant: the document (with --set applied) plus its `set:` entries,
  // in order, validated like a scenario of its own.
  for (size_t i = 0; i < variants->size(); ++i) {
    if (!refs[i].ok) continue;
    const std::string context = context_ + refs[i].path + " (" + (*variants)[i].name + "): ";
    Node doc = root;
    bool applied = true;
    if (refs[i].set != nullptr) {
      for (const MapEntry& e : refs[i].set->entries) {
        Node value = e.value;
        if (value.origin.line < 0 && value.origin.override_index < 0) value.origin = e.key_origin;
        const std::string marker = "\x01";
        Status st = SetNodeAt(doc, e.key, std::move(value), marker, &e.key_origin);
        if (!st.ok()) {
          std::string msg = st.message();
          if (msg.rfind(marker + ": ", 0) == 0) msg = msg.substr(marker.size() + 2);
          errors_.push_back({e.key_origin, Where(e.key_origin) + ": " + context + JoinKey("set", e.key) +
                                               ": " + "cannot apply: " + msg});
          applied = false;
          break;
        }
      }
    }
    if (!applied) continue;
    Decoder sub(source_, overrides_, context);
    Scenario scratch;
    scratch.source = source_;
    sub.Decode(doc, &scratch, /*decode_variants=*/false);
    for (const DecodeError& e : sub.errors()) errors_.push_back(e);
  }
}

}  // namespace tracesim::scenario::internal
