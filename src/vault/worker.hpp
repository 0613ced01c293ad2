#pragma once
/// One background thread that runs posted jobs in order. The vault's handlers do SQLite
/// writes with fsync and acquirer calls, which must not block the HTTP I/O thread; running
/// them all on one thread also serialises every access to the vault's state.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace diskret::vault {

class Worker {
 public:
  Worker();
  ~Worker();  ///< runs the jobs already posted, then joins
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void post(std::function<void()> job);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace diskret::vault
