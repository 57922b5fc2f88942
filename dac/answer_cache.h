// Answers to DAC questions, asked once per distinct question. The target is stopped for the
// whole DAC stage, so what the DAC says about an address or a method cannot change; a
// thousand threads parked in the same few methods ask the same few dozen questions a
// thousand times each, and every answer costs the DAC tens of thousands of instructions.
#ifndef DDCRASH_DAC_ANSWER_CACHE_H_
#define DDCRASH_DAC_ANSWER_CACHE_H_

#include <cstddef>
#include <utility>

#include "absl/container/node_hash_map.h"

namespace ddcrash::dac {

// `Key` must be the whole question: every input the answer depends on (for an instruction's
// description, the exact address looked up, not its method). Not thread-safe.
template <typename Key, typename Value>
class AnswerCache {
 public:
  // With `enabled` false every Get computes afresh: the same answers, for checking that.
  explicit AnswerCache(bool enabled = true) : enabled_(enabled) {}

  void set_enabled(bool enabled) { enabled_ = enabled; }

  // The answer for `key`, from `compute()` the first time. The reference stays valid until
  // the cache is destroyed (node-based map), even when `compute` asks the cache itself.
  template <typename Compute>
  const Value& Get(const Key& key, Compute&& compute) {
    if (!enabled_) {
      ++misses_;
      uncached_ = std::forward<Compute>(compute)();
      return uncached_;
    }
    auto found = answers_.find(key);
    if (found != answers_.end()) {
      ++hits_;
      return found->second;
    }
    ++misses_;
    Value value = std::forward<Compute>(compute)();
    return answers_.try_emplace(key, std::move(value)).first->second;
  }

  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }

 private:
  bool enabled_;
  absl::node_hash_map<Key, Value> answers_;
  Value uncached_{};  // the last answer while disabled
  size_t hits_ = 0;
  size_t misses_ = 0;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_ANSWER_CACHE_H_
