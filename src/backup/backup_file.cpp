#include "backup/backup_file.hpp"

#include <optional>

#include <fmt/format.h>

#include "backup/errc.hpp"
#include "backup/file_io.hpp"
#include "crypto/digest.hpp"
#include "crypto/secret_box.hpp"
#include "crypto/stream.hpp"

namespace diskret::backup {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxChunkCipher = kChunkSize + crypto::kStreamChunkOverhead;

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::uint32_t from_be32(std::string_view s) {
  std::uint32_t v = 0;
  for (unsigned char c : s) v = (v << 8) | c;
  return v;
}

// Feeds the plaintext stream in kChunkSize pieces; the first chunk carries the preamble
// as associated data, which authenticates the header.
class ChunkWriter {
 public:
  ChunkWriter(AtomicFile& out, crypto::StreamSealer& sealer, std::string preamble)
      : out_(out), sealer_(sealer), ad_(std::move(preamble)) {}

  Expected<void> add(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto take = std::min(bytes.size(), kChunkSize - pending_.size());
      pending_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      // A full chunk is held back until more data comes, so the last one can carry the
      // end marker without an empty trailing chunk.
      if (pending_.size() == kChunkSize && !bytes.empty()) {
        if (auto ok = flush(crypto::StreamEnd::no); !ok) return ok;
      }
    }
    return {};
  }
  Expected<void> finish() {
    if (pending_.size() == kChunkSize) {
      // keep chunks bounded: a full chunk goes out, the end marker in an empty one
      if (auto ok = flush(crypto::StreamEnd::no); !ok) return ok;
    }
    return flush(crypto::StreamEnd::yes);
  }

 private:
  Expected<void> flush(crypto::StreamEnd end) {
    auto sealed = sealer_.push(pending_, first_ ? std::string_view(ad_) : std::string_view(), end);
    first_ = false;
    crypto::secure_wipe(pending_.data(), pending_.size());
    pending_.clear();
    if (auto ok = out_.write(be32(static_cast<std::uint32_t>(sealed.size()))); !ok) return ok;
    return out_.write(sealed);
  }

  AtomicFile& out_;
  crypto::StreamSealer& sealer_;
  std::string ad_;
  std::string pending_;
  bool first_ = true;
};

Expected<void> copy_into(const SourceFile& f, std::uint64_t size, ChunkWriter& writer) {
  auto in = InputFile::open(f.path);
  if (!in) return unexpected(in.error());
  std::uint64_t left = size;
  while (left > 0) {
    auto block = in->read(static_cast<std::size_t>(std::min<std::uint64_t>(left, kChunkSize)));
    if (!block) return unexpected(block.error());
    if (block->empty()) {
      return fail(Errc::io_error, fmt::format("{} shrank while it was being backed up", f.path.string()));
    }
    left -= block->size();
    auto ok = writer.add(*block);
    crypto::secure_wipe(block->data(), block->size());
    if (!ok) return ok;
  }
  return {};
}

}  // namespace

Expected<BackupHeader> write_backup(const fs::path& out, const std::vector<SourceFile>& files,
                                    const BackupKey& key, const WriteOptions& options) {
  BackupHeader header;
  header.created_at_ms = options.created_at_ms;
  header.master_key_id = options.master_key_id;
  header.backup_key_id = key.id;
  header.producer = options.producer;
  for (const auto& f : files) {
    if (!valid_item_name(f.item.name)) return fail(Errc::invalid_header, "item name is not a plain file name");
    std::error_code ec;
    const auto size = fs::file_size(f.path, ec);
    if (ec) return fail(Errc::io_error, fmt::format("cannot read {}: {}", f.path.string(), ec.message()));
    header.items.push_back(f.item);
    header.items.back().size = size;
  }
  if (header.items.empty()) return fail(Errc::invalid_header, "a backup needs at least one item");

  const auto file_key = crypto::SecretKey::generate();
  header.wrapped_file_key = crypto::wrap_key(key.key, file_key, file_key_ad(header));
  auto file = AtomicFile::create(out);
  if (!file) return unexpected(file.error());
  const auto preamble = encode_preamble(header);
  crypto::StreamSealer sealer(file_key);
  if (auto ok = file->write(preamble); !ok) return unexpected(ok.error());
  const auto& sh = sealer.header();
  if (auto ok = file->write(std::string_view(reinterpret_cast<const char*>(sh.data()), sh.size())); !ok) {
    return unexpected(ok.error());
  }
  ChunkWriter writer(*file, sealer, preamble);
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (auto ok = copy_into(files[i], header.items[i].size, writer); !ok) return unexpected(ok.error());
  }
  if (auto ok = writer.finish(); !ok) return unexpected(ok.error());
  if (auto ok = file->commit(); !ok) return unexpected(ok.error());
  return header;
}

namespace {

struct OpenedBackup {
  InputFile in;
  BackupHeader header;
  std::string preamble;
};

Expected<OpenedBackup> open_backup(const fs::path& path) {
  auto in = InputFile::open(path);
  if (!in) return unexpected(in.error());
  auto start = in->read(kPreambleSize);
  if (!start) return unexpected(start.error());
  auto pre = decode_preamble_start(*start);
  if (!pre) return unexpected(pre.error());
  auto json = in->read(pre->header_size);
  if (!json) return unexpected(json.error());
  if (json->size() < pre->header_size) {
    return fail(Errc::truncated, "backup file is truncated: it ends inside its header");
  }
  auto header = decode_header(*json);
  if (!header) return unexpected(header.error());
  return OpenedBackup{std::move(*in), std::move(*header), *start + *json};
}

// The partial output files of one extraction; removed unless all of them were installed.
class Outputs {
 public:
  explicit Outputs(fs::path dir) : dir_(std::move(dir)) {}
  Expected<void> open(const BackupItem& item) {
    auto f = AtomicFile::create(dir_ / item.name);
    if (!f) return unexpected(f.error());
    files_.push_back(std::move(*f));
    return {};
  }
  AtomicFile& at(std::size_t i) { return files_[i]; }
  Expected<std::vector<fs::path>> install(const BackupHeader& h) {
    std::vector<fs::path> paths;
    for (std::size_t i = 0; i < files_.size(); ++i) {
      if (auto ok = files_[i].commit(); !ok) {
        for (const auto& p : paths) fs::remove(p);
        return unexpected(ok.error());
      }
      paths.push_back(dir_ / h.items[i].name);
    }
    return paths;
  }

 private:
  fs::path dir_;
  std::vector<AtomicFile> files_;
};

}  // namespace

Expected<BackupHeader> read_backup_header(const fs::path& in) {
  auto opened = open_backup(in);
  if (!opened) return unexpected(opened.error());
  return std::move(opened->header);
}

Expected<ExtractedBackup> extract_backup(const fs::path& path, const fs::path& dir,
                                         const BackupKeyLookup& lookup) {
  auto opened = open_backup(path);
  if (!opened) return unexpected(opened.error());
  auto& in = opened->in;
  const auto& header = opened->header;
  auto backup_key = lookup(header.backup_key_id);
  if (!backup_key) return unexpected(backup_key.error());
  auto file_key = crypto::unwrap_key(*backup_key, header.wrapped_file_key, file_key_ad(header));
  if (!file_key) {
    return fail(Errc::damaged, "backup file was modified or is damaged: its file key does not open");
  }
  auto stream_header = in.read(crypto::kStreamHeaderSize);
  if (!stream_header) return unexpected(stream_header.error());
  if (stream_header->size() < crypto::kStreamHeaderSize) {
    return fail(Errc::truncated, "backup file is truncated: it ends before its first chunk");
  }
  auto opener = crypto::StreamOpener::start(
      *file_key, std::span(reinterpret_cast<const std::uint8_t*>(stream_header->data()), stream_header->size()));
  if (!opener) return fail(Errc::damaged, "backup file is damaged: invalid stream header");

  // Every item gets its partial file up front (empty items stay empty), in header order.
  Outputs outputs(dir);
  for (const auto& it : header.items) {
    if (auto ok = outputs.open(it); !ok) return unexpected(ok.error());
  }
  const auto& items = header.items;
  std::size_t item = 0;
  std::uint64_t left_in_item = items[0].size;
  auto skip_filled = [&] {
    while (item < items.size() && left_in_item == 0) {
      if (++item < items.size()) left_in_item = items[item].size;
    }
  };
  skip_filled();
  bool first = true;
  while (!opener->ended()) {
    const auto at = in.offset();
    auto len = in.read(4);
    if (!len) return unexpected(len.error());
    if (len->size() < 4) {
      return fail(Errc::truncated,
                  fmt::format("backup file is truncated: it ends at byte {} before its end marker", at));
    }
    const auto size = from_be32(*len);
    if (size < crypto::kStreamChunkOverhead || size > kMaxChunkCipher) {
      return fail(Errc::damaged, fmt::format("backup file was modified or is damaged at byte {}", at));
    }
    auto cipher = in.read(size);
    if (!cipher) return unexpected(cipher.error());
    if (cipher->size() < size) {
      return fail(Errc::truncated,
                  fmt::format("backup file is truncated: it ends at byte {} before its end marker",
                              in.offset()));
    }
    auto chunk = opener->pull(*cipher, first ? std::string_view(opened->preamble) : std::string_view());
    first = false;
    if (!chunk) {
      return fail(Errc::damaged,
                  fmt::format("backup file was modified or is damaged: the chunk at byte {} does "
                              "not authenticate",
                              at));
    }
    std::string_view data = chunk->plaintext;
    while (!data.empty()) {
      if (item >= items.size()) {
        return fail(Errc::damaged, "backup file holds more data than its header lists");
      }
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(left_in_item, data.size()));
      if (auto ok = outputs.at(item).write(data.substr(0, take)); !ok) return unexpected(ok.error());
      data.remove_prefix(take);
      left_in_item -= take;
      skip_filled();
    }
    crypto::secure_wipe(chunk->plaintext.data(), chunk->plaintext.size());
  }
  if (item != items.size()) return fail(Errc::damaged, "backup file holds less data than its header lists");
  auto extra = in.read(1);
  if (!extra) return unexpected(extra.error());
  if (!extra->empty()) {
    return fail(Errc::damaged,
                fmt::format("backup file was modified: data follows its end marker at byte {}",
                            in.offset() - 1));
  }
  auto files = outputs.install(header);
  if (!files) return unexpected(files.error());
  return ExtractedBackup{header, std::move(*files)};
}

}  // namespace diskret::backup
