// A main() for the libFuzzer targets in ordinary (gcc, non-fuzz) builds, so `make test` runs
// every target for a few seconds: each corpus file once, then random mutations of corpus
// entries (bit flips, byte changes, inserts, deletions, truncation, splices, duplicated
// chunks) until the time is up. Not coverage-guided (scripts/fuzz.sh is, with clang); what
// it gives is the targets' own property checks on many inputs under every build, including
// the sanitizer build. A crashing input is written to ./crash-<target>-<pid> (the signal
// handler writes it with async-signal-safe calls) before the process dies.
//   <target> [-seconds=N] [-seed=N] corpus_dir_or_file...
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

const std::uint8_t* g_data = nullptr;
std::size_t g_size = 0;
char g_crash_path[256] = "crash";

void on_crash(int sig) {
  int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd >= 0) {
    if (g_data != nullptr && ::write(fd, g_data, g_size) < 0) {
    }
    ::close(fd);
  }
  const char msg[] = "fuzz replay: crashing input written to ";
  if (::write(2, msg, sizeof msg - 1) < 0 || ::write(2, g_crash_path, std::strlen(g_crash_path)) < 0 ||
      ::write(2, "\n", 1) < 0) {
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void run(const std::vector<std::uint8_t>& input) {
  g_data = input.data();
  g_size = input.size();
  LLVMFuzzerTestOneInput(input.data(), input.size());
  g_data = nullptr;
}

std::vector<std::uint8_t> mutate(const std::vector<std::vector<std::uint8_t>>& corpus,
                                 std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : std::size_t(rng() % n); };
  std::vector<std::uint8_t> v = corpus.empty() ? std::vector<std::uint8_t>{} : corpus[pick(corpus.size())];
  static constexpr std::uint8_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, '{', '}', '"', '\\', ',',
                                                  ':', '[', ']', '\r', '\n', '|', '@', '%', ';', 0xc3};
  const int rounds = 1 + int(rng() % 8);
  for (int r = 0; r < rounds; ++r) {
    switch (rng() % 8) {
      case 0:
        if (!v.empty()) v[pick(v.size())] ^= std::uint8_t(1u << (rng() % 8));
        break;
      case 1:
        if (!v.empty()) v[pick(v.size())] = kInteresting[pick(sizeof kInteresting)];
        break;
      case 2:
        v.insert(v.begin() + long(pick(v.size() + 1)), kInteresting[pick(sizeof kInteresting)]);
        break;
      case 3:
        if (!v.empty()) {
          auto at = pick(v.size());
          v.erase(v.begin() + long(at), v.begin() + long(std::min(v.size(), at + 1 + pick(16))));
        }
        break;
      case 4:
        if (!v.empty()) v.resize(pick(v.size()));
        break;
      case 5:
        if (!corpus.empty()) {  // splice another entry's tail in
          const auto& o = corpus[pick(corpus.size())];
          auto from = pick(o.size() + 1);
          v.resize(pick(v.size() + 1));
          v.insert(v.end(), o.begin() + long(from), o.end());
        }
        break;
      case 6:
        if (!v.empty() && v.size() < 65536) {  // duplicate a chunk
          auto at = pick(v.size());
          auto len = std::min(v.size() - at, 1 + pick(64));
          std::vector<std::uint8_t> chunk(v.begin() + long(at), v.begin() + long(at + len));
          for (int k = 0, n = 1 + int(rng() % 4); k < n; ++k) v.insert(v.begin() + long(at), chunk.begin(), chunk.end());
        }
        break;
      default:
        if (!v.empty()) v[pick(v.size())] = std::uint8_t(rng());
        break;
    }
  }
  return v;
}

std::vector<std::uint8_t> read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  std::uint64_t seed = std::random_device{}();
  std::vector<std::vector<std::uint8_t>> corpus;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("-seconds=", 0) == 0) {
      seconds = std::atof(a.c_str() + 9);
    } else if (a.rfind("-seed=", 0) == 0) {
      seed = std::strtoull(a.c_str() + 6, nullptr, 10);
    } else if (std::filesystem::is_directory(a)) {
      for (const auto& e : std::filesystem::directory_iterator(a)) {
        if (e.is_regular_file()) corpus.push_back(read(e.path()));
      }
    } else {
      corpus.push_back(read(a));
    }
  }
  const char* name = std::strrchr(argv[0], '/');
  std::snprintf(g_crash_path, sizeof g_crash_path, "crash-%s-%d", name ? name + 1 : argv[0], int(::getpid()));
  for (int sig : {SIGSEGV, SIGILL, SIGABRT, SIGFPE, SIGBUS, SIGTRAP}) ::signal(sig, on_crash);
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);

  for (const auto& input : corpus) run(input);
  run({});
  std::mt19937_64 rng(seed);
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::uint64_t runs = corpus.size() + 1;
  while (std::chrono::steady_clock::now() < until) {
    for (int k = 0; k < 64; ++k, ++runs) run(mutate(corpus, rng));
  }
  std::printf("fuzz replay: %zu corpus inputs, %llu runs in %.1f s, seed %llu\n", corpus.size(),
              static_cast<unsigned long long>(runs), seconds, static_cast<unsigned long long>(seed));
  return 0;
}
