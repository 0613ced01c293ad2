#include "smpp_server/part_collector.hpp"

#include <algorithm>

namespace diskret::smpp_server {

std::optional<CompleteMessage> PartCollector::add(const std::string& system_id, SubmitPart&& part,
                                                  HeldPart held, TimePoint now, bool* refused) {
  if (refused) *refused = false;
  const sms::ConcatInfo c = *part.concat;
  Key key{system_id, part.from, part.to, c.reference};
  auto it = pending_.find(key);
  if (it != pending_.end() && it->second.total != c.total) {
    // Same reference, other total: a new message reusing the reference. The old parts
    // stay unanswered until expire() (their sender gave up on them).
    it->second.parts.clear();
    it->second.total = c.total;
    it->second.first_seen = now;
  }
  if (it == pending_.end()) {
    if (pending_.size() >= max_pending_) {
      if (refused) *refused = true;
      return std::nullopt;
    }
    it = pending_.emplace(key, Pending{{}, {}, c.total, now}).first;
  }
  Pending& p = it->second;
  p.held.push_back(held);
  p.parts.try_emplace(c.number, std::move(part));  // a duplicate keeps the first copy
  if (p.parts.size() < p.total) return std::nullopt;

  CompleteMessage done;
  done.first = std::move(p.parts.begin()->second);
  done.text = done.first.text;
  for (auto part_it = std::next(p.parts.begin()); part_it != p.parts.end(); ++part_it) {
    done.text += part_it->second.text;
  }
  done.parts = std::move(p.held);
  pending_.erase(it);
  return done;
}

std::vector<HeldPart> PartCollector::expire(TimePoint now, std::chrono::seconds max_age) {
  std::vector<HeldPart> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.first_seen > max_age) {
      out.insert(out.end(), it->second.held.begin(), it->second.held.end());
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

void PartCollector::forget_connection(std::uint64_t connection) {
  for (auto& [key, p] : pending_) {
    std::erase_if(p.held, [&](const HeldPart& h) { return h.connection == connection; });
  }
}

}  // namespace diskret::smpp_server
