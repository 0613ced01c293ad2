// Micro-benchmarks of the SMPP codec on the hot path: one submit_sm per outgoing message,
// one submit_sm_resp and usually one receipt per message coming back.
#include <benchmark/benchmark.h>

#include "smpp/delivery_receipt.hpp"
#include "smpp/pdu_codec.hpp"

namespace {

using namespace diskret::smpp;

// A typical outgoing message: alphanumeric sender, E.164 destination, receipt requested,
// 78 GSM-7 octets of text: 130 octets on the wire.
Pdu typical_submit_sm() {
  SubmitSm sm;
  sm.source_addr_ton = 5;
  sm.source_addr = "diskret";
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.destination_addr = "447700900123";
  sm.registered_delivery = 1;
  sm.short_message = std::string(78, 'a');
  return Pdu{0, 42, sm};
}

void BM_EncodeSubmitSm(benchmark::State& state) {
  const auto pdu = typical_submit_sm();
  std::vector<std::uint8_t> out;
  out.reserve(512);
  for (auto _ : state) {
    out.clear();
    encode_to(pdu, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["octets"] = static_cast<double>(out.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeSubmitSm);

void BM_DecodeSubmitSm(benchmark::State& state) {
  const auto bytes = encode(typical_submit_sm());
  for (auto _ : state) {
    auto pdu = decode(bytes);
    benchmark::DoNotOptimize(pdu);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeSubmitSm);

std::vector<std::uint8_t> stream_of_64() {
  std::vector<std::uint8_t> stream;
  auto pdu = typical_submit_sm();
  for (std::uint32_t i = 0; i < 64; ++i) {
    pdu.sequence_number = i + 1;
    encode_to(pdu, stream);
  }
  return stream;
}

// Framing only: what the session does before deciding how to dispatch a frame.
void BM_FramerStreamOf64(benchmark::State& state) {
  const auto stream = stream_of_64();
  PduFramer framer;
  for (auto _ : state) {
    framer.feed(stream);
    int frames = 0;
    while (auto frame = framer.next()) {
      if (!*frame) break;
      benchmark::DoNotOptimize((*frame)->data());
      ++frames;
    }
    if (frames != 64) state.SkipWithError("framer lost frames");
  }
  state.SetItemsProcessed(state.iterations() * 64);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
BENCHMARK(BM_FramerStreamOf64);

// Framing plus decoding, per PDU: the receive path of a session.
void BM_FramerAndDecodeStreamOf64(benchmark::State& state) {
  const auto stream = stream_of_64();
  PduFramer framer;
  for (auto _ : state) {
    framer.feed(stream);
    while (auto frame = framer.next()) {
      if (!*frame) break;
      auto pdu = decode(**frame);
      benchmark::DoNotOptimize(pdu);
    }
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_FramerAndDecodeStreamOf64);

void BM_ParseReceipt(benchmark::State& state) {
  DeliverSm dlr;
  dlr.esm_class = esm::delivery_receipt;
  dlr.short_message =
      "id:0123456789 sub:001 dlvrd:001 submit date:2401021504 done date:2401021505 "
      "stat:DELIVRD err:000 text:Your code is 1234";
  for (auto _ : state) {
    auto r = parse_receipt(dlr);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseReceipt);

void BM_ReceiptIdCandidates(benchmark::State& state) {
  for (auto _ : state) {
    auto c = receipt_id_candidates("0123456789");
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_ReceiptIdCandidates);

}  // namespace
