#pragma once
/// One background thread for work too long for the HTTP I/O thread (large batches:
/// parsing 10,000 numbers takes ~100 ms, which would stall every other connection).
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

namespace diskret::api {

class Worker {
 public:
  /// `name`: the thread's name in top -H and perf (15 bytes at most).
  explicit Worker(std::string_view name);
  ~Worker();  ///< runs what is queued, then joins
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void post(std::function<void()> task);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace diskret::api
